"""Moderation: the three modes, blocked words, link limits, reports, the queue, suspensions."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.blueprints.moderation import services as moderation
from portal.models import (
    AuditEntry,
    ModerationDecision,
    ModerationMode,
    ModerationSettings,
    Notice,
    NoticeStatus,
    Report,
    ReportReason,
    Suspension,
)

from .conftest import make_user, text
from .test_noticeboard import BOARD, add_notice, form, set_mode

QUEUE = "/c/saint-jean-de-cole/moderation/"
HX = {"HX-Request": "true"}


def post(client, **overrides):
    return client.post(BOARD + "new", data=form(**overrides))


def latest_notice(db) -> Notice:
    return db.session.scalar(select(Notice).order_by(Notice.id.desc()))


# The three modes -----------------------------------------------------------------------


def test_pre_moderation_holds_every_notice_even_from_known_posters(
    client, auth, db, cafe_a, resident, team_a
):
    set_mode(db, cafe_a, ModerationMode.PRE, approvals_needed=1)
    add_notice(cafe_a, resident, approved_by_id=team_a.moderator.id)  # already trusted
    auth.login(resident)
    response = post(client, title="Cherche bois")
    assert response.status_code == 303
    assert latest_notice(db).status == NoticeStatus.PENDING
    page = client.get(response.location).get_data(as_text=True)
    assert "dès qu’un modérateur l’aura approuvée" in page
    assert "Cherche bois" not in client.get(BOARD).get_data(as_text=True).split('id="notice-list"')[1]


def test_post_moderation_publishes_at_once(client, auth, db, cafe_a, resident):
    set_mode(db, cafe_a, ModerationMode.POST)
    auth.login(resident)
    post(client, title="Cherche bois")
    assert latest_notice(db).status == NoticeStatus.PUBLISHED
    assert "Cherche bois" in client.get(BOARD).get_data(as_text=True)


def test_new_posters_wait_until_the_set_number_of_notices_is_approved(
    client, auth, db, cafe_a, resident, team_a
):
    set_mode(db, cafe_a, ModerationMode.NEW_POSTERS, approvals_needed=2)
    for n in range(2):
        auth.login(resident)
        post(client, title=f"Annonce {n}")
        notice = latest_notice(db)
        assert notice.status == NoticeStatus.PENDING and notice.held_because == "new_poster"
        auth.logout()
        auth.login(team_a.moderator)
        assert client.post(f"{QUEUE}notices/{notice.id}/approve").status_code == 303
        auth.logout()
    auth.login(resident)
    post(client, title="Troisième annonce")
    assert latest_notice(db).status == NoticeStatus.PUBLISHED


def test_approvals_in_another_cafe_do_not_count(client, auth, db, cafe_a, cafe_b, resident, team_b):
    add_notice(cafe_b, resident, approved_by_id=team_b.moderator.id)
    add_notice(cafe_b, resident, approved_by_id=team_b.moderator.id)
    auth.login(resident)
    post(client)
    assert latest_notice(db).status == NoticeStatus.PENDING


def test_new_posters_link_limit(client, auth, db, cafe_a, resident):
    set_mode(db, cafe_a, ModerationMode.POST, max_links_new_posters=1)
    auth.login(resident)
    two_links = "Voir https://exemple.org/a et www.exemple.org/b pour les photos."
    response = post(client, body=two_links)
    assert response.status_code == 422
    assert "au plus 1 lien web." in response.get_data(as_text=True)  # singular: one link
    assert db.session.scalar(select(func.count(Notice.id))) == 0
    assert post(client, body="Voir https://exemple.org/a pour les photos.").status_code == 303
    set_mode(db, cafe_a, ModerationMode.POST, max_links_new_posters=2)
    response = post(client, body=two_links + " Et https://exemple.org/c aussi.")
    assert "au plus 2 liens web." in response.get_data(as_text=True)


# Blocked words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Super CASINO en ligne", "Un casïno ici", "ca\u200bsino gratuit", "cas\u00adino"]
)
def test_blocked_words_send_the_notice_to_the_queue_even_in_post_mode(
    client, auth, db, cafe_a, resident, text
):
    set_mode(db, cafe_a, ModerationMode.POST, blocked_words="casino\ncrypto")
    auth.login(resident)
    assert post(client, body=text + " et autres choses.").status_code == 303
    notice = latest_notice(db)
    assert notice.status == NoticeStatus.PENDING and notice.held_because == "blocked_words"


def test_blocked_words_match_whole_words_only(app, db, cafe_a):
    settings = moderation.settings_for(cafe_a)
    settings.blocked_words = "arnaque"
    assert moderation.blocked_words_in(settings, "Attention, ARNAQUE !") == ["arnaque"]
    assert moderation.blocked_words_in(settings, "les arnaqueurs") == []


def test_counter_posts_with_a_blocked_word_wait_too(client, auth, db, cafe_a, team_a):
    set_mode(db, cafe_a, ModerationMode.POST, blocked_words="crypto")
    auth.login(team_a.staff)
    client.post(BOARD + "counter", data=form(on_behalf_of="M. Martin", body="Placements crypto garantis."))
    assert latest_notice(db).status == NoticeStatus.PENDING


# Reports -------------------------------------------------------------------------------


def report(client, notice, reason="spam", note=""):
    return client.post(f"{BOARD}{notice.id}/report", data={"reason": reason, "note": note})


def test_one_report_per_person_per_notice(client, auth, db, cafe_a, resident):
    notice = add_notice(cafe_a, make_user("auteur@example.org"))
    auth.login(resident)
    assert report(client, notice).status_code == 303
    again = client.get(report(client, notice).location)
    assert "Vous avez déjà signalé cette annonce" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_the_database_refuses_a_second_report_by_the_same_person(app, db, cafe_a, resident):
    notice = add_notice(cafe_a, make_user("auteur@example.org"))
    for _ in range(2):
        db.session.add(
            Report(
                cafe_id=cafe_a.id,
                notice_id=notice.id,
                reporter_id=resident.id,
                reporter_key=f"u:{resident.id}",
                reason=ReportReason.SPAM,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_threshold_of_distinct_accounts_hides_the_notice_and_tells_the_author(
    client, auth, db, cafe_a, outbox
):
    author = make_user("auteur@example.org")
    notice = add_notice(cafe_a, author, title="Tonte pas chère")
    for n in range(3):
        auth.login(make_user(f"voisin{n}@example.org"))
        report(client, notice)
        auth.logout()
        hidden = db.session.get(Notice, notice.id).hidden
        assert hidden == (n == 2)
    assert "Tonte pas chère" not in client.get(BOARD).get_data(as_text=True)
    assert db.session.get(Notice, notice.id).status == NoticeStatus.PUBLISHED  # hidden, never deleted
    to_author = [m for m in outbox if m["To"] == author.email]
    assert len(to_author) == 1 and "masquée jusqu’à ce qu’un modérateur" in to_author[0].get_content()
    decision = db.session.scalar(select(ModerationDecision))
    assert decision.action == "auto_hidden" and decision.actor_id is None


def test_threshold_is_configurable(client, auth, db, cafe_a):
    set_mode(db, cafe_a, ModerationMode.NEW_POSTERS, report_threshold=1)
    notice = add_notice(cafe_a, make_user("auteur@example.org"))
    auth.login(make_user("voisin@example.org"))
    report(client, notice)
    assert db.session.get(Notice, notice.id).hidden


def test_visitors_without_an_account_can_report_but_do_not_hide_alone(make_app, app, db, cafe_a):
    set_mode(db, cafe_a, ModerationMode.NEW_POSTERS, report_threshold=1)
    notice = add_notice(cafe_a, make_user("auteur@example.org"))
    client = app.test_client()
    assert report(client, notice).status_code == 303
    assert report(client, notice).status_code == 303  # the same visitor: de-duplicated
    other_visitor = app.test_client()
    assert report(other_visitor, notice).status_code == 303
    reports = db.session.scalars(select(Report)).all()
    assert len(reports) == 2 and all(r.reporter_id is None for r in reports)
    assert not db.session.get(Notice, notice.id).hidden


def test_authors_cannot_report_their_own_notice(client, auth, db, cafe_a, resident):
    notice = add_notice(cafe_a, resident)
    auth.login(resident)
    report(client, notice)
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_restore_closes_reports_and_new_ones_count_from_zero(client, auth, db, cafe_a, team_a):
    set_mode(db, cafe_a, ModerationMode.NEW_POSTERS, report_threshold=2)
    notice = add_notice(cafe_a, make_user("auteur@example.org"))
    voisins = [make_user(f"voisin{n}@example.org") for n in range(3)]
    for voisin in voisins[:2]:
        auth.login(voisin)
        report(client, notice)
        auth.logout()
    assert db.session.get(Notice, notice.id).hidden
    auth.login(team_a.moderator)
    assert client.post(f"{QUEUE}notices/{notice.id}/restore").status_code == 303
    assert not db.session.get(Notice, notice.id).hidden
    auth.logout()
    auth.login(voisins[2])
    report(client, notice)
    assert not db.session.get(Notice, notice.id).hidden


# The queue and its actions -------------------------------------------------------------


def test_queue_lists_pending_hidden_and_reported_notices_only(client, auth, db, cafe_a, team_a, resident):
    add_notice(cafe_a, resident, title="En attente", status=NoticeStatus.PENDING)
    add_notice(cafe_a, resident, title="Masquée", hidden=True)
    reported = add_notice(cafe_a, resident, title="Signalée")
    add_notice(cafe_a, resident, title="Tranquille")
    db.session.add(
        Report(
            cafe_id=cafe_a.id,
            notice_id=reported.id,
            reporter_key="a:x",
            reason=ReportReason.SCAM,
            note="<b>louche</b>",
        )
    )
    db.session.commit()
    auth.login(team_a.moderator)
    page = client.get(QUEUE).get_data(as_text=True)
    assert "En attente" in page and "Masquée" in page and "Signalée" in page
    assert "Tranquille" not in page
    assert "&lt;b&gt;louche&lt;/b&gt;" in page and "Arnaque" in page
    assert 'hx-history="false"' in page


def test_approve_inline_with_htmx_returns_the_item_and_tells_the_author(
    client, auth, db, cafe_a, team_a, resident, outbox
):
    notice = add_notice(cafe_a, resident, title="Cherche bois", status=NoticeStatus.PENDING)
    auth.login(team_a.moderator)
    response = client.post(f"{QUEUE}notices/{notice.id}/approve", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="card queue-item" id="queue-item-{notice.id}"')
    assert "<html" not in body and "Approuvée : l’annonce est sur le tableau." in text(body)
    saved = db.session.get(Notice, notice.id)
    assert saved.status == NoticeStatus.PUBLISHED and saved.approved_by_id == team_a.moderator.id
    assert outbox[-1]["To"] == resident.email
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.approved"))
    assert entry.actor_id == team_a.moderator.id and "Cherche bois" in entry.target


def test_reject_needs_a_reason_which_is_sent_to_the_author(
    client, auth, db, cafe_a, team_a, resident, outbox
):
    notice = add_notice(cafe_a, resident, status=NoticeStatus.PENDING)
    auth.login(team_a.moderator)
    missing = client.post(f"{QUEUE}notices/{notice.id}/reject", data={"reason": ""}, headers=HX)
    assert missing.status_code == 422 and "Dites à l’auteur pourquoi" in missing.get_data(as_text=True)
    missing_plain = client.post(f"{QUEUE}notices/{notice.id}/reject", data={"reason": ""})
    assert missing_plain.status_code == 422 and "<html" in missing_plain.get_data(as_text=True)
    # Without JavaScript the whole queue comes back: the top of the page says where to look.
    top = missing_plain.get_data(as_text=True).split('id="queue-heading"')[0]
    assert f'href="#queue-item-{notice.id}"' in top and "Veuillez corriger le champ signalé." in top
    assert db.session.get(Notice, notice.id).status == NoticeStatus.PENDING
    response = client.post(f"{QUEUE}notices/{notice.id}/reject", data={"reason": "Pas de ventes ici."})
    assert response.status_code == 303 and response.location.endswith("/moderation/")
    saved = db.session.get(Notice, notice.id)
    assert saved.status == NoticeStatus.REJECTED and saved.reject_reason == "Pas de ventes ici."
    assert "Pas de ventes ici." in outbox[-1].get_content()


def test_hide_and_restore_with_plain_forms(client, auth, db, cafe_a, team_a, resident):
    notice = add_notice(cafe_a, resident, title="Vélo")
    auth.login(team_a.moderator)
    assert client.post(f"{QUEUE}notices/{notice.id}/hide", data={"reason": "Doublon"}).status_code == 303
    saved = db.session.get(Notice, notice.id)
    assert saved.hidden and saved.hidden_by_id == team_a.moderator.id and saved.hidden_reason == "Doublon"
    assert "Vélo" not in client.get(BOARD).get_data(as_text=True).split('id="notice-list"')[1]
    assert client.post(f"{QUEUE}notices/{notice.id}/restore").status_code == 303
    assert not db.session.get(Notice, notice.id).hidden
    actions = db.session.scalars(select(ModerationDecision.action).order_by(ModerationDecision.id)).all()
    assert actions == ["hidden", "restored"]
    history = client.get(QUEUE + "history").get_data(as_text=True)
    assert "Masquée" in history and "Rétablie" in history and "Doublon" in history


def test_an_action_that_no_longer_applies_changes_nothing(client, auth, db, cafe_a, team_a, resident):
    notice = add_notice(cafe_a, resident, status=NoticeStatus.WITHDRAWN)
    auth.login(team_a.moderator)
    response = client.post(f"{QUEUE}notices/{notice.id}/approve", headers=HX)
    assert response.status_code == 409
    assert db.session.get(Notice, notice.id).status == NoticeStatus.WITHDRAWN


def test_queue_query_count_does_not_grow_with_notices(client, auth, db, cafe_a, team_a, count_queries):
    auth.login(team_a.moderator)
    add_notice(cafe_a, make_user("a0@example.org"), status=NoticeStatus.PENDING)
    client.get(QUEUE)
    with count_queries() as few:
        client.get(QUEUE)
    for n in range(1, 6):
        author = make_user(f"a{n}@example.org")
        add_notice(cafe_a, author, status=NoticeStatus.PENDING)
        reported = add_notice(cafe_a, author)
        db.session.add(
            Report(cafe_id=cafe_a.id, notice_id=reported.id, reporter_key=f"a:{n}", reason=ReportReason.SPAM)
        )
        db.session.commit()
    with count_queries() as many:
        assert client.get(QUEUE).status_code == 200
    assert many.count == few.count


def test_residents_and_staff_below_moderator_cannot_moderate(client, auth, db, cafe_a, team_a, resident):
    notice = add_notice(cafe_a, resident, status=NoticeStatus.PENDING)
    for who in (resident, team_a.helper, team_a.staff):
        auth.logout()
        auth.login(who)
        assert client.get(QUEUE).status_code == 403
        assert client.post(f"{QUEUE}notices/{notice.id}/approve").status_code == 403
        auth.logout()
    assert db.session.get(Notice, notice.id).status == NoticeStatus.PENDING


# Suspensions ---------------------------------------------------------------------------


def test_suspend_for_some_days_then_lift(client, auth, db, cafe_a, team_a, resident, outbox):
    notice = add_notice(cafe_a, resident)
    auth.login(team_a.moderator)
    missing = client.post(f"{QUEUE}notices/{notice.id}/suspend", data={"days": "7", "reason": ""}, headers=HX)
    assert missing.status_code == 422
    response = client.post(f"{QUEUE}notices/{notice.id}/suspend", data={"days": "7", "reason": "Spam répété"})
    assert response.status_code == 303
    suspension = db.session.scalar(select(Suspension))
    assert suspension.user_id == resident.id and suspension.until is not None
    assert 6 <= (suspension.until.date() - date.today()).days <= 7
    assert "Spam répété" in outbox[-1].get_content()
    assert "Spam répété" in client.get(QUEUE).get_data(as_text=True)
    assert moderation.active_suspension(cafe_a, resident) is not None
    assert client.post(f"{QUEUE}suspensions/{suspension.id}/lift").status_code == 303
    assert moderation.active_suspension(cafe_a, resident) is None
    actions = db.session.scalars(select(ModerationDecision.action).order_by(ModerationDecision.id)).all()
    assert actions == ["suspended", "lifted"]


def test_the_suspension_email_gives_the_end_date_in_words(
    client, auth, db, cafe_a, team_a, resident, outbox, clock
):
    clock.move_to(datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("Europe/Paris")))
    notice = add_notice(cafe_a, resident)
    auth.login(team_a.moderator)
    client.post(f"{QUEUE}notices/{notice.id}/suspend", data={"days": "7", "reason": "Spam"})
    body = outbox[-1].get_content()
    assert "jusqu’au 12 décembre 2026" in body
    assert "2026-12-12" not in body


def test_suspend_for_good(client, auth, db, cafe_a, team_a, resident):
    notice = add_notice(cafe_a, resident)
    auth.login(team_a.moderator)
    client.post(f"{QUEUE}notices/{notice.id}/suspend", data={"days": "0", "reason": "Insultes"})
    assert db.session.scalar(select(Suspension)).until is None
    assert "définitivement" in client.get(QUEUE).get_data(as_text=True)


# Settings ------------------------------------------------------------------------------


def test_settings_are_saved_and_validated(client, auth, db, cafe_a, team_a):
    auth.login(team_a.moderator)
    page = client.get(QUEUE + "settings").get_data(as_text=True)
    assert "Seules les annonces des nouveaux auteurs attendent l’approbation" in page
    bad = client.post(
        QUEUE + "settings",
        data={
            "mode": "pre",
            "approvals_needed": "1",
            "report_threshold": "0",
            "max_links_new_posters": "1",
            "blocked_words": "casino",
        },
    )
    assert bad.status_code == 422 and "casino" in bad.get_data(as_text=True)
    good = client.post(
        QUEUE + "settings",
        data={
            "mode": "pre",
            "approvals_needed": "3",
            "report_threshold": "5",
            "max_links_new_posters": "0",
            "blocked_words": "casino, crypto\nloto",
        },
    )
    assert good.status_code == 303
    settings = db.session.scalar(select(ModerationSettings))
    assert settings.mode == ModerationMode.PRE and settings.report_threshold == 5
    assert settings.blocked_word_list == ["casino", "crypto", "loto"]
    assert db.session.scalar(select(AuditEntry.action)) == "moderation.settings_updated"


def test_settings_limits_are_enforced_by_the_database(app, db, cafe_a):
    db.session.add(ModerationSettings(cafe_id=cafe_a.id, report_threshold=0))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# Network moderators --------------------------------------------------------------------


def test_network_moderators_see_every_cafe_and_act_everywhere(client, auth, db, cafe_a, cafe_b, resident):
    mod = make_user("moderation@example.org", "Modération réseau")
    mod.is_network_moderator = True
    db.session.commit()
    add_notice(cafe_a, resident, title="Annonce A", status=NoticeStatus.PENDING)
    b_notice = add_notice(cafe_b, resident, title="Annonce B", status=NoticeStatus.PENDING)
    auth.login(mod)
    page = client.get("/network/moderation/").get_data(as_text=True)
    assert "Annonce A" in page and "Annonce B" in page
    assert "/c/lagrasse/moderation/notices/" in page
    assert client.post(f"/c/lagrasse/moderation/notices/{b_notice.id}/approve").status_code == 303
    assert db.session.get(Notice, b_notice.id).status == NoticeStatus.PUBLISHED
    # Moderating the board grants nothing else in the café.
    assert client.get("/c/lagrasse/manage/team").status_code == 403


def test_cafe_moderators_cannot_see_the_network_queue(client, auth, team_a, admin):
    auth.login(team_a.moderator)
    assert client.get("/network/moderation/").status_code == 403
    auth.logout()
    auth.login(admin)
    assert client.get("/network/moderation/").status_code == 200


def test_cafe_moderators_can_do_nothing_in_another_cafe(client, auth, db, cafe_a, team_a, team_b, resident):
    b_notice = add_notice(team_b.cafe, resident, status=NoticeStatus.PENDING)
    auth.login(team_a.moderator)
    for action in ("approve", "reject", "hide", "restore", "suspend"):
        assert (
            client.post(
                f"/c/lagrasse/moderation/notices/{b_notice.id}/{action}", data={"reason": "x", "days": "7"}
            ).status_code
            == 403
        )
        # Through their own café, the other café's notice does not exist.
        assert (
            client.post(
                f"{QUEUE}notices/{b_notice.id}/{action}", data={"reason": "x", "days": "7"}
            ).status_code
            == 404
        )
    assert db.session.get(Notice, b_notice.id).status == NoticeStatus.PENDING
    assert db.session.scalar(select(func.count(Suspension.id))) == 0


def test_expiry_default_and_limit(app, cafe_a):
    from portal.blueprints.noticeboard import services

    assert services.default_expiry(cafe_a) == services.today_in(cafe_a) + timedelta(days=14)
    assert services.latest_expiry(cafe_a) > services.today_in(cafe_a) + timedelta(days=88)


# Concurrency ---------------------------------------------------------------------------


def test_reports_arriving_together_hide_the_notice_exactly_once(app, db, cafe_a, outbox, log_in, race):
    author = make_user("auteur@example.org")
    notice_id = add_notice(cafe_a, author).id
    clients = [log_in(make_user(f"voisin{n}@example.org")) for n in range(6)]
    statuses = race(
        lambda client: client.post(f"{BOARD}{notice_id}/report", data={"reason": "spam"}).status_code, clients
    )
    assert statuses == [303] * len(clients)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Report.id))) == 6
    assert db.session.get(Notice, notice_id).hidden
    decisions = db.session.scalars(select(ModerationDecision.action)).all()
    assert decisions == ["auto_hidden"]
    assert len([m for m in outbox if m["To"] == author.email]) == 1


def test_network_moderators_are_named_from_the_command_line(app, db, runner):
    user = make_user("moderation@example.org")
    result = runner.invoke(args=["network-moderator", "add", "Moderation@example.org"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(type(user), user.id).is_network_moderator
    assert runner.invoke(args=["network-moderator", "remove", user.email]).exit_code == 0
    db.session.expire_all()
    assert not db.session.get(type(user), user.id).is_network_moderator
    assert runner.invoke(args=["network-moderator", "add", "nobody@example.org"]).exit_code != 0


def test_moderation_pages_are_never_cached(client, auth, cafe_a, team_a, admin):
    """Reports and reasons must not stay in a shared browser's cache nor htmx history."""
    auth.login(team_a.moderator)
    for url in [QUEUE, QUEUE + "history", QUEUE + "settings"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    auth.logout()
    auth.login(admin)
    assert "no-store" in client.get("/network/moderation/").headers.get("Cache-Control", "")


def test_queue_headings_nest_under_the_count(client, auth, cafe_a, resident, team_a):
    add_notice(cafe_a, resident, status=NoticeStatus.PENDING)
    auth.login(team_a.moderator)
    page = client.get(QUEUE).get_data(as_text=True)
    levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert levels[:3] == [1, 2, 3]  # Moderation > "1 notice to look at" > the notice
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x1c"])
def test_a_title_with_a_unicode_line_break_does_not_break_the_emails(
    client, auth, db, cafe_a, resident, team_a, outbox, separator
):
    notice = add_notice(
        cafe_a, resident, title=f"Donne vélo{separator}Bcc: spam@example.org", status=NoticeStatus.PENDING
    )
    auth.login(team_a.moderator)
    assert client.post(f"{QUEUE}notices/{notice.id}/approve").status_code == 303
    (mail,) = outbox
    assert "\n" not in mail["Subject"] and mail["Bcc"] is None
    assert "Donne vélo" in mail["Subject"]


def test_acting_from_the_network_queue_comes_back_to_it(client, auth, db, cafe_a, cafe_b, resident):
    mod = make_user("moderation@example.org", "Modération réseau")
    mod.is_network_moderator = True
    db.session.commit()
    first = add_notice(cafe_b, resident, title="Annonce B", status=NoticeStatus.PENDING)
    second = add_notice(cafe_b, resident, title="Autre annonce B", status=NoticeStatus.PENDING)
    auth.login(mod)
    page = client.get("/network/moderation/").get_data(as_text=True)
    assert 'name="from" value="network"' in page
    plain = client.post(f"/c/lagrasse/moderation/notices/{first.id}/approve", data={"from": "network"})
    assert plain.status_code == 303 and plain.location == "/network/moderation/"
    fragment = client.post(
        f"/c/lagrasse/moderation/notices/{second.id}/approve", data={"from": "network"}, headers=HX
    ).get_data(as_text=True)
    assert cafe_b.name in fragment  # the swapped item still says which café
    assert 'name="from" value="network"' in fragment


def test_two_moderators_approving_at_once_decide_once(
    app, db, cafe_a, team_a, resident, outbox, log_in, race
):
    notice_id = add_notice(cafe_a, resident, status=NoticeStatus.PENDING).id
    second = make_user("moderatrice2@example.org")
    from portal.models import Membership, Role

    db.session.add(Membership(cafe_id=cafe_a.id, user_id=second.id, role=Role.MODERATOR))
    db.session.commit()
    clients = [log_in(user) for user in (team_a.moderator, second) * 2]
    statuses = sorted(
        race(lambda client: client.post(f"{QUEUE}notices/{notice_id}/approve").status_code, clients)
    )
    assert statuses.count(303) == 1 and set(statuses) <= {303, 409}
    db.session.expire_all()
    assert db.session.scalars(select(ModerationDecision.action)).all() == ["approved"]
    assert len([m for m in outbox if m["To"] == resident.email]) == 1

"""The noticeboard: what residents see, post, edit, renew, withdraw and reply to."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from portal.blueprints.moderation import services as moderation
from portal.models import (
    ModerationMode,
    ModerationSettings,
    Notice,
    NoticeCategory,
    NoticeStatus,
    Suspension,
    utcnow,
)

from .conftest import make_user

# Notices end on a day of the café (Europe/Paris), and these tests count days with date.today():
# the clock is pinned to 10:00 in Paris, where both agree (from 23:00 UTC they did not).
pytestmark = pytest.mark.usefixtures("clock")

BOARD = "/c/saint-jean-de-cole/board/"


def form(**overrides) -> dict:
    data = {
        "title": "Donne vélo enfant",
        "body": "Vélo rouge 16 pouces.\nÀ venir chercher samedi.",
        "category": "give_away",
        "expires_on": (date.today() + timedelta(days=10)).isoformat(),
        "relay_contact": "y",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def add_notice(
    cafe,
    author=None,
    title="Donne vélo",
    body="Un vélo rouge à donner.",
    status=NoticeStatus.PUBLISHED,
    category=NoticeCategory.GIVE_AWAY,
    expires_in=10,
    hidden=False,
    minutes_ago=0,
    **extra,
) -> Notice:
    from portal.extensions import db

    published = utcnow() - timedelta(minutes=minutes_ago)
    notice = Notice(
        cafe_id=cafe.id,
        author_id=author.id if author else None,
        title=title,
        body=body,
        category=category,
        expires_on=date.today() + timedelta(days=expires_in),
        status=status,
        hidden=hidden,
        published_at=published,
        on_behalf_of="" if author else "Mme Dupuis",
        **extra,
    )
    db.session.add(notice)
    db.session.commit()
    return notice


def set_mode(db, cafe, mode: ModerationMode, **extra) -> None:
    settings = moderation.settings_for(cafe)
    settings.mode = mode
    for key, value in extra.items():
        setattr(settings, key, value)
    db.session.add(settings)
    db.session.commit()


# The board -----------------------------------------------------------------------------


def test_board_shows_published_notices_newest_first_and_nothing_else(client, cafe_a, resident):
    add_notice(cafe_a, resident, title="Ancienne annonce", minutes_ago=60)
    add_notice(cafe_a, resident, title="Nouvelle annonce", minutes_ago=1)
    add_notice(cafe_a, resident, title="En attente", status=NoticeStatus.PENDING)
    add_notice(cafe_a, resident, title="Refusée", status=NoticeStatus.REJECTED)
    add_notice(cafe_a, resident, title="Retirée", status=NoticeStatus.WITHDRAWN)
    add_notice(cafe_a, resident, title="Masquée", hidden=True)
    add_notice(cafe_a, resident, title="Expirée", expires_in=-1)
    page = client.get(BOARD).get_data(as_text=True)
    assert page.index("Nouvelle annonce") < page.index("Ancienne annonce")
    for gone in ("En attente", "Refusée", "Retirée", "Masquée", "Expirée"):
        assert gone not in page
    assert "2 annonces" in page


def test_a_notice_expires_on_its_last_day_in_the_cafes_time_zone(client, db, cafe_a, resident):
    notice = add_notice(cafe_a, resident, title="Dernier jour", expires_in=0)
    assert "Dernier jour" in client.get(BOARD).get_data(as_text=True)
    notice.expires_on = date.today() - timedelta(days=1)
    db.session.commit()
    assert "Dernier jour" not in client.get(BOARD).get_data(as_text=True)
    assert client.get(f"{BOARD}{notice.id}").status_code == 404


def test_category_filter_is_a_plain_get_form_and_an_htmx_fragment(client, cafe_a, resident):
    add_notice(cafe_a, resident, title="Covoiturage jeudi", category=NoticeCategory.CARPOOL)
    add_notice(cafe_a, resident, title="Donne armoire", category=NoticeCategory.GIVE_AWAY)
    page = client.get(BOARD + "?category=carpool").get_data(as_text=True)
    assert "Covoiturage jeudi" in page and "Donne armoire" not in page
    assert 'method="get"' in page and "<html" in page
    fragment = client.get(BOARD + "?category=carpool", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'id="notice-list"' in text and "Covoiturage jeudi" in text
    assert "HX-Request" in fragment.headers["Vary"]
    # An unknown category shows everything rather than failing.
    assert "Donne armoire" in client.get(BOARD + "?category=nope").get_data(as_text=True)


def test_board_query_count_does_not_grow_with_notices(client, cafe_a, count_queries):
    authors = [make_user(f"voisin{i}@example.org") for i in range(6)]
    add_notice(cafe_a, authors[0])
    client.get(BOARD)
    with count_queries() as few:
        client.get(BOARD)
    for author in authors:
        add_notice(cafe_a, author)
        add_notice(cafe_a, None)
    with count_queries() as many:
        assert client.get(BOARD).status_code == 200
    assert many.count == few.count


# Posting -------------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_log_in_to_post(client, cafe_a):
    response = client.get(BOARD + "new")
    assert response.status_code == 302 and "/account/login" in response.location


def test_invalid_notice_is_422_with_french_messages_by_the_fields_and_typed_text_kept(
    client, auth, cafe_a, resident
):
    auth.login(resident)
    too_late = (date.today() + relativedelta(months=3) + timedelta(days=1)).isoformat()
    response = client.post(BOARD + "new", data=form(title="", body="Mon texte à garder", expires_on=too_late))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Donnez un titre à votre annonce." in page
    assert "Une annonce reste au plus trois mois sur le tableau." in page
    assert "Mon texte à garder" in page
    assert 'aria-invalid="true"' in page


def test_a_contact_method_is_required(client, auth, cafe_a, resident):
    auth.login(resident)
    data = form()
    del data["relay_contact"]
    response = client.post(BOARD + "new", data=data)
    assert response.status_code == 422
    assert "acceptez les messages par le site, ou donnez un numéro" in response.get_data(as_text=True)


def test_new_form_proposes_two_weeks(client, auth, cafe_a, resident):
    auth.login(resident)
    page = client.get(BOARD + "new").get_data(as_text=True)
    assert (date.today() + timedelta(days=14)).isoformat() in page


def test_resident_posts_in_post_moderation_mode_and_it_is_on_the_board(client, auth, db, cafe_a, resident):
    set_mode(db, cafe_a, ModerationMode.POST)
    auth.login(resident)
    response = client.post(BOARD + "new", data=form(contact_phone="05 53 12 34 56"))
    assert response.status_code == 303
    notice = db.session.scalar(select(Notice))
    assert notice.status == NoticeStatus.PUBLISHED and notice.author_id == resident.id
    assert notice.contact_phone == "+33553123456"
    page = client.get(response.location).get_data(as_text=True)
    assert "Votre annonce est sur le tableau." in page
    assert "05 53 12 34 56" in page


def test_authors_edit_renew_and_withdraw_their_notices(client, auth, db, cafe_a, resident):
    set_mode(db, cafe_a, ModerationMode.POST)
    notice = add_notice(cafe_a, resident, title="Avant")
    auth.login(resident)
    assert client.get(f"{BOARD}{notice.id}/edit").status_code == 200
    assert client.post(f"{BOARD}{notice.id}/edit", data=form(title="Après")).status_code == 303
    assert db.session.get(Notice, notice.id).title == "Après"

    later = date.today() + timedelta(days=60)
    assert client.post(f"{BOARD}{notice.id}/renew", data={"expires_on": later.isoformat()}).status_code == 303
    assert db.session.get(Notice, notice.id).expires_on == later
    too_late = date.today() + relativedelta(months=4)
    assert (
        client.post(f"{BOARD}{notice.id}/renew", data={"expires_on": too_late.isoformat()}).status_code == 422
    )

    assert client.post(f"{BOARD}{notice.id}/withdraw").status_code == 303
    assert db.session.get(Notice, notice.id).status == NoticeStatus.WITHDRAWN
    assert "Après" not in client.get(BOARD).get_data(as_text=True)
    assert "Après" in client.get(BOARD + "mine").get_data(as_text=True)


def test_nobody_else_may_edit_renew_or_withdraw(client, auth, db, cafe_a, resident, team_a):
    notice = add_notice(cafe_a, resident)
    other = make_user("voisin@example.org")
    for who in (other, team_a.moderator):
        auth.login(who)
        assert client.get(f"{BOARD}{notice.id}/edit").status_code == 404
        assert client.post(f"{BOARD}{notice.id}/withdraw").status_code == 404
        assert (
            client.post(
                f"{BOARD}{notice.id}/renew", data={"expires_on": date.today().isoformat()}
            ).status_code
            == 404
        )
        auth.logout()
    assert db.session.get(Notice, notice.id).status == NoticeStatus.PUBLISHED


def test_staff_post_for_someone_at_the_counter_with_a_name_only(client, auth, db, cafe_a, team_a, resident):
    auth.login(team_a.staff)
    data = form(on_behalf_of="Mme Dupuis", contact_phone="")
    del data["relay_contact"]
    response = client.post(BOARD + "counter", data=data)
    assert response.status_code == 303
    notice = db.session.scalar(select(Notice))
    assert notice.author_id is None and notice.on_behalf_of == "Mme Dupuis"
    assert notice.posted_by_id == team_a.staff.id and notice.status == NoticeStatus.PUBLISHED
    assert not notice.relay_contact
    page = client.get(f"{BOARD}{notice.id}").get_data(as_text=True)
    assert "Mme Dupuis" in page and "Demandez au comptoir du café." in page
    # Staff can also edit it later; residents cannot post for others.
    assert client.post(f"{BOARD}{notice.id}/edit", data={**data, "title": "Donne armoire"}).status_code == 303
    auth.logout()
    auth.login(resident)
    assert client.post(BOARD + "counter", data=data).status_code == 403


# Replies -------------------------------------------------------------------------------


def test_reply_is_emailed_to_the_author_whose_address_is_never_shown(client, auth, cafe_a, resident, outbox):
    notice = add_notice(cafe_a, resident, relay_contact=True)
    sender = make_user("voisine@example.org", "Marie Voisine")
    page = client.get(f"{BOARD}{notice.id}").get_data(as_text=True)
    assert resident.email not in page
    auth.login(sender)
    assert resident.email not in client.get(f"{BOARD}{notice.id}").get_data(as_text=True)
    response = client.post(
        f"{BOARD}{notice.id}/reply", data={"message": "Bonjour, le vélo est-il encore là ?"}
    )
    assert response.status_code == 303
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail["To"] == resident.email
    body = mail.get_content()
    assert "le vélo est-il encore là" in body and "voisine@example.org" in body and "Marie Voisine" in body


def test_no_reply_form_when_the_author_did_not_want_messages(client, auth, cafe_a, resident, outbox):
    notice = add_notice(cafe_a, resident, relay_contact=False, contact_phone="+33553123456")
    auth.login(make_user("voisine@example.org"))
    assert "Envoyer mon message" not in client.get(f"{BOARD}{notice.id}").get_data(as_text=True)
    assert client.post(f"{BOARD}{notice.id}/reply", data={"message": "Bonjour !"}).status_code == 404
    assert outbox == []


def test_empty_reply_is_422_and_nothing_is_sent(client, auth, cafe_a, resident, outbox):
    notice = add_notice(cafe_a, resident, relay_contact=True)
    auth.login(make_user("voisine@example.org"))
    response = client.post(f"{BOARD}{notice.id}/reply", data={"message": ""})
    assert response.status_code == 422 and "Écrivez votre message." in response.get_data(as_text=True)
    assert outbox == []


# Suspension ----------------------------------------------------------------------------


def test_a_suspended_resident_cannot_post_nor_reply_here_but_can_elsewhere(
    client, auth, db, cafe_a, cafe_b, resident
):
    set_mode(db, cafe_a, ModerationMode.POST)
    set_mode(db, cafe_b, ModerationMode.POST)
    notice = add_notice(cafe_a, make_user("auteur@example.org"), relay_contact=True)
    db.session.add(
        Suspension(cafe_id=cafe_a.id, user_id=resident.id, until=utcnow() + timedelta(days=7), reason="Spam")
    )
    db.session.commit()
    auth.login(resident)
    blocked = client.post(BOARD + "new", data=form())
    assert blocked.status_code == 403
    assert "suspendu" in blocked.get_data(as_text=True)
    assert client.post(f"{BOARD}{notice.id}/reply", data={"message": "Bonjour !"}).status_code == 403
    assert db.session.scalar(select(Notice).where(Notice.author_id == resident.id)) is None
    assert client.post("/c/lagrasse/board/new", data=form()).status_code == 303


def test_an_expired_or_lifted_suspension_no_longer_blocks(client, auth, db, cafe_a, resident):
    set_mode(db, cafe_a, ModerationMode.POST)
    db.session.add_all(
        [
            Suspension(cafe_id=cafe_a.id, user_id=resident.id, until=utcnow() - timedelta(minutes=1)),
            Suspension(cafe_id=cafe_a.id, user_id=resident.id, until=None, lifted_at=utcnow()),
        ]
    )
    db.session.commit()
    auth.login(resident)
    assert client.post(BOARD + "new", data=form()).status_code == 303


# Rate limits ---------------------------------------------------------------------------


@pytest.mark.parametrize("setting", ["BOARD_POST_IP_RATE_LIMIT", "BOARD_POST_NEW_ACCOUNT_RATE_LIMIT"])
def test_posting_is_rate_limited_with_the_friendly_page(make_app, cafe_a, resident, setting):
    app = make_app(RATELIMIT_ENABLED=True, **{setting: "2 per minute"})
    client = app.test_client()
    client.post("/account/login", data={"email": resident.email, "password": "correct-horse-battery"})
    for _ in range(2):
        assert client.post(BOARD + "new", data=form()).status_code == 303
    blocked = client.post(BOARD + "new", data=form())
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.get_data(as_text=True)
    assert client.get(BOARD + "new").status_code == 200  # reading the form is never blocked


def test_replies_are_rate_limited_per_account(make_app, cafe_a, resident):
    notice_id = add_notice(cafe_a, resident, relay_contact=True).id
    sender = make_user("voisine@example.org")
    app = make_app(RATELIMIT_ENABLED=True, BOARD_REPLY_USER_RATE_LIMIT="1 per hour")
    client = app.test_client()
    client.post("/account/login", data={"email": sender.email, "password": "correct-horse-battery"})
    notice = type("N", (), {"id": notice_id})
    assert client.post(f"{BOARD}{notice.id}/reply", data={"message": "Bonjour !"}).status_code == 303
    blocked = client.post(f"{BOARD}{notice.id}/reply", data={"message": "Encore moi"})
    assert blocked.status_code == 429 and "Trop de tentatives" in blocked.get_data(as_text=True)


def test_reports_are_rate_limited_per_address(make_app, cafe_a, resident):
    ids = [add_notice(cafe_a, resident, title=f"Annonce {i}").id for i in range(3)]
    app = make_app(RATELIMIT_ENABLED=True, BOARD_REPORT_IP_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for notice_id in ids[:2]:
        assert client.post(f"{BOARD}{notice_id}/report", data={"reason": "spam"}).status_code == 303
    assert client.post(f"{BOARD}{ids[2]}/report", data={"reason": "spam"}).status_code == 429


def test_settings_default_to_new_posters(app, cafe_a, db):
    settings = moderation.settings_for(cafe_a)
    assert settings.mode == ModerationMode.NEW_POSTERS and settings.report_threshold == 3
    assert db.session.scalar(select(ModerationSettings)) is None  # reading does not write


@pytest.mark.parametrize(
    "title, body",
    [
        ("   ", "Un texte assez long pour passer."),
        ("\u200b\u200b\u200b\u200b", "Un texte assez long pour passer."),
        ("Un bon titre", "\u200b" * 12),
        ("Un bon titre", " " * 12),
    ],
)
def test_blank_or_invisible_title_and_text_are_422_not_500(client, auth, db, cafe_a, resident, title, body):
    auth.login(resident)
    response = client.post(BOARD + "new", data=form(title=title, body=body))
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Notice.id))) == 0


def test_a_blank_name_at_the_counter_is_422_not_500(client, auth, db, cafe_a, team_a):
    auth.login(team_a.staff)
    data = form(on_behalf_of="   ")
    del data["relay_contact"]
    response = client.post(BOARD + "counter", data=data)
    assert response.status_code == 422
    assert "Indiquez le nom de la personne." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Notice.id))) == 0


def test_a_too_short_title_is_explained_in_french(client, auth, cafe_a, resident):
    auth.login(resident)
    page = client.post(BOARD + "new", data=form(title="ab")).get_data(as_text=True)
    assert "Field must be" not in page
    assert "caractères" in page


def test_the_author_sees_how_neighbours_reach_them_not_empty_headings(client, auth, cafe_a, resident):
    notice = add_notice(cafe_a, resident, relay_contact=True)
    auth.login(resident)
    page = client.get(f"{BOARD}{notice.id}").get_data(as_text=True)
    assert "Répondre à l’auteur" not in page  # nobody replies to themselves
    assert "Les voisins peuvent vous écrire par le site" in page
    auth.logout()
    auth.login(make_user("voisine@example.org"))
    page = client.get(f"{BOARD}{notice.id}").get_data(as_text=True)
    assert "Répondre à l’auteur" in page and "Envoyer mon message" in page


def test_withdrawing_asks_for_confirmation_with_javascript(client, auth, cafe_a, resident):
    """hx-confirm only works on the element that makes the htmx request: the link itself, which
    without JavaScript opens a confirmation page (see test_confirmations)."""
    notice = add_notice(cafe_a, resident)
    auth.login(resident)
    page = client.get(f"{BOARD}{notice.id}").get_data(as_text=True)
    action = f"{BOARD}{notice.id}/withdraw"
    link_tag = page.split(f'hx-post="{action}"', 1)[1].split(">", 1)[0]
    assert "hx-confirm=" in link_tag and 'hx-vals=\'{"confirmed": "1"}\'' in link_tag
    response = client.post(action, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"{BOARD}mine"


def test_a_suspended_author_cannot_keep_their_notice_longer_on_the_board(client, auth, db, cafe_a, resident):
    notice = add_notice(cafe_a, resident, expires_in=2)
    db.session.add(Suspension(cafe_id=cafe_a.id, user_id=resident.id, until=None, reason="Spam"))
    db.session.commit()
    auth.login(resident)
    later = (date.today() + timedelta(days=60)).isoformat()
    response = client.post(f"{BOARD}{notice.id}/renew", data={"expires_on": later})
    assert response.status_code == 403
    db.session.refresh(notice)
    assert notice.expires_on == date.today() + timedelta(days=2)
    assert client.post(f"{BOARD}{notice.id}/withdraw").status_code == 303  # taking it down stays possible


def test_a_logged_out_reply_goes_to_log_in_and_back_to_the_notice_not_to_a_post_only_url(
    client, cafe_a, resident
):
    notice = add_notice(cafe_a, resident, relay_contact=True)
    detail = f"{BOARD}{notice.id}"
    response = client.post(
        f"{detail}/reply", data={"message": "Bonjour !"}, headers={"Referer": f"http://localhost{detail}"}
    )
    assert response.status_code == 302
    assert response.location.endswith("next=" + detail)

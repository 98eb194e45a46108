"""Retention that runs by itself: each rule on its boundary dates, overseas too, and twice at once."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from portal.blueprints.privacy import retention
from portal.extensions import db as _db
from portal.models import (
    AuditEntry,
    Booking,
    HelpTopic,
    ModerationDecision,
    Notice,
    NoticeCategory,
    NoticeStatus,
    Rsvp,
    User,
)
from portal.models.shop import (
    CANCELLED,
    COLLECTED,
    HANDED_OVER,
    PLACED,
    RETURNED,
    WAITING,
    BreadOrder,
    BreadOrderLine,
    Parcel,
    Product,
    ShopSettings,
    StandingOrder,
)
from tests.conftest import PASSWORD, make_cafe, make_user
from tests.test_events import make_event

# Sunday 29 November 2026, 14:00 UTC: 15:00 in Paris, already Monday 30 (01:00) in Nouméa.
NOW = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)


def local(cafe, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=cafe.zone).astimezone(UTC)


def add_booking(cafe, starts_at: datetime, code: str) -> Booking:
    topic = _db.session.scalar(select(HelpTopic).where(HelpTopic.cafe_id == cafe.id))
    if topic is None:
        topic = HelpTopic(cafe_id=cafe.id, name="Impôts en ligne")
        _db.session.add(topic)
        _db.session.flush()
    booking = Booking(
        cafe_id=cafe.id,
        topic_id=topic.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        name=f"Personne {code}",
        phone="+33553000000",
        email=f"{code.lower()}@example.org",
        note="Une note",
        age_band="60_74",
        status="attended",
        code=code,
    )
    _db.session.add(booking)
    _db.session.commit()
    return booking


def add_rsvp(cafe, starts_at: datetime, name: str) -> Rsvp:
    event = make_event(cafe, title=f"Belote {name}", rsvp_enabled=True)
    rsvp = Rsvp(
        cafe_id=cafe.id,
        event_id=event.id,
        occurrence_start=starts_at,
        name=name,
        email=f"{name.lower()}@example.org",
        phone="+33612345678",
        party_size=3,
    )
    _db.session.add(rsvp)
    _db.session.commit()
    return rsvp


@pytest.fixture
def paris(app):
    return make_cafe("saint-jean-de-cole", "Saint-Jean-de-Côle", "24800", "Dordogne")


@pytest.fixture
def noumea(app):
    return make_cafe("la-foa", "La Foa", "98880", "Nouvelle-Calédonie", timezone="Pacific/Noumea")


def _state(model, row_id):
    _db.session.expire_all()
    return _db.session.get(model, row_id)


# --- bookings and RSVPs: the café's period, on the café's calendar ----------------------------------


def test_bookings_are_anonymised_the_day_after_the_cafes_period(paris):
    assert paris.retention_months == 12
    kept = add_booking(paris, local(paris, date(2025, 11, 29), 9), "KEPTAA")  # 12 months ago today
    gone = add_booking(paris, local(paris, date(2025, 11, 28), 23, 30), "GONEAA")  # the day before
    report = retention.run(NOW)
    assert report.bookings == 1
    booking = _state(Booking, gone.id)
    assert (booking.name, booking.phone, booking.email, booking.note) == ("", "", "", "")
    assert (booking.status, booking.age_band, booking.party_size) == ("attended", "60_74", 1)
    assert booking.anonymised_at is not None
    assert _state(Booking, kept.id).name == "Personne KEPTAA"
    # The next day, the one kept goes too.
    assert retention.run(NOW + timedelta(days=1)).bookings == 1
    assert _state(Booking, kept.id).name == ""


def test_a_cafe_keeping_24_months_keeps_a_13_month_old_booking(paris):
    paris.retention_months = 24
    _db.session.commit()
    booking = add_booking(paris, NOW - relativedelta(months=13), "LONGAA")
    assert retention.run(NOW).bookings == 0
    assert _state(Booking, booking.id).name == "Personne LONGAA"
    assert retention.run(NOW + relativedelta(months=11, days=2)).bookings == 1


def test_overseas_cafe_counts_on_its_own_calendar(paris, noumea):
    # The same moment: Saturday 29 November 2025, 09:00 UTC (10:00 in Paris, 20:00 in Nouméa).
    moment = datetime(2025, 11, 29, 9, 0, tzinfo=UTC)
    in_paris = add_booking(paris, moment, "PARISA")
    in_noumea = add_booking(noumea, moment, "NOUMEA")
    rsvp_paris = add_rsvp(paris, moment, "Paris")
    rsvp_noumea = add_rsvp(noumea, moment, "Noumea")
    assert noumea.local_day(NOW) == date(2026, 11, 30) and paris.local_day(NOW) == date(2026, 11, 29)
    report = retention.run(NOW)
    assert (report.bookings, report.rsvps) == (1, 1)
    assert _state(Booking, in_noumea.id).name == ""  # already 30 November there: 12 months are over
    assert _state(Booking, in_paris.id).name == "Personne PARISA"  # still 29 November in Paris
    assert _state(Rsvp, rsvp_noumea.id).name == ""
    assert _state(Rsvp, rsvp_paris.id).name == "Paris"


def test_rsvps_keep_the_number_of_people(paris):
    rsvp = add_rsvp(paris, local(paris, date(2025, 11, 28), 20), "Jeanne")
    assert retention.run(NOW).rsvps == 1
    rsvp = _state(Rsvp, rsvp.id)
    assert (rsvp.name, rsvp.email, rsvp.phone, rsvp.party_size) == ("", "", "", 3)
    assert rsvp.anonymised_at is not None


# --- notices: contacts blanked 3 months after they expired --------------------------------------------


def _notice(cafe, expires_on, **extra):
    notice = Notice(
        cafe_id=cafe.id,
        title="Donne un buffet",
        body="Bon état",
        category=NoticeCategory.GIVE_AWAY,
        expires_on=expires_on,
        status=NoticeStatus.PUBLISHED,
        contact_phone="+33612345678",
        **extra,
    )
    _db.session.add(notice)
    _db.session.commit()
    return notice


def test_expired_notices_lose_their_contacts_after_three_months(paris, noumea):
    author = make_user("auteur@example.org", "Autrice")
    three_months_ago = date(2026, 8, 29)
    kept = _notice(paris, three_months_ago, author_id=author.id, relay_contact=True)
    gone = _notice(paris, three_months_ago - timedelta(days=1), author_id=author.id, relay_contact=True)
    counter = _notice(paris, three_months_ago - timedelta(days=1), on_behalf_of="Marcel Dupont")
    # In Nouméa it is already 30 November: a notice expired on 29 August is now past the 3 months.
    overseas = _notice(noumea, three_months_ago, on_behalf_of="Léon")
    assert retention.run(NOW).notices == 3
    gone, counter, kept, overseas = (_state(Notice, n.id) for n in (gone, counter, kept, overseas))
    assert (gone.contact_phone, gone.relay_contact, gone.on_behalf_of, gone.author_id) == (
        "",
        False,
        "",
        author.id,
    )
    assert (counter.contact_phone, counter.on_behalf_of) == ("", "Anonyme")
    assert (overseas.contact_phone, overseas.on_behalf_of) == ("", "Anonyme")
    assert (kept.contact_phone, kept.relay_contact) == ("+33612345678", True)
    assert retention.run(NOW).notices == 0


# --- accounts unused for 2 years: warned, then erased 30 days later ----------------------------------


def test_unused_accounts_are_warned_then_erased_30_days_later(app, outbox):
    user = make_user("endormi@example.org", "Endormi")
    recent = make_user("actif@example.org", "Actif")
    user.last_seen_at = NOW - relativedelta(years=2) - timedelta(minutes=1)
    recent.last_seen_at = NOW - relativedelta(years=2) + timedelta(minutes=1)
    _db.session.commit()

    assert retention.run(NOW).accounts_warned == 1
    (mail,) = outbox
    assert mail["To"] == "endormi@example.org"
    body = mail.get_content()
    assert "29/12/2026" in body and "/account/login" in body
    assert "Pour ne plus recevoir de messages" in body  # every message says how to stop
    assert retention.run(NOW).accounts_warned == 0 and len(outbox) == 1  # once only

    assert retention.run(NOW + timedelta(days=29)).accounts_erased == 0
    report = retention.run(NOW + timedelta(days=30))
    assert report.accounts_erased == 1
    erased = _state(User, user.id)
    assert erased.anonymised_at is not None and erased.email.endswith("@invalid")
    assert _state(User, recent.id).anonymised_at is None
    assert _state(User, recent.id).inactivity_warned_at is not None  # its turn came in the meantime


def test_logging_in_after_the_warning_keeps_the_account(client, auth, app, outbox):
    user = make_user("revenant@example.org", "Revenant")
    user.last_seen_at = NOW - relativedelta(years=3)
    _db.session.commit()
    assert retention.run(NOW).accounts_warned == 1
    auth.login(user)
    user = _state(User, user.id)
    assert user.inactivity_warned_at is None and user.last_seen_at > NOW
    assert retention.run(NOW + timedelta(days=31)).accounts_erased == 0
    assert _state(User, user.id).anonymised_at is None


def test_an_unused_last_manager_is_kept_and_reported(paris, outbox):
    from portal.models import Membership, Role

    manager = make_user("gerante@example.org", "Gérante", Role.MANAGER, paris)
    manager.last_seen_at = NOW - relativedelta(years=3)
    _db.session.commit()
    retention.run(NOW)
    report = retention.run(NOW + timedelta(days=31))
    assert report.accounts_erased == 0
    assert report.accounts_kept == [f"account {manager.id}"]
    assert _state(User, manager.id).anonymised_at is None
    assert _db.session.scalar(select(Membership).where(Membership.user_id == manager.id)) is not None


# --- the audit log and moderation history: pseudonyms after 12 months ---------------------------------


def test_audit_entries_naming_people_are_pseudonymised_after_12_months(paris):
    staff = make_user("serveur@example.org", "Serveur")
    old = AuditEntry(
        created_at=NOW - relativedelta(months=12) - timedelta(minutes=1),
        actor_id=staff.id,
        cafe_id=paris.id,
        action="noticeboard.posted_for",
        target="notice 3: Donne un buffet",
        details={"on_behalf_of": "Marcel Dupont", "role": "staff"},
    )
    other_old = AuditEntry(
        created_at=NOW - relativedelta(months=13),
        actor_id=staff.id,
        cafe_id=paris.id,
        action="team.joined",
        target="serveur@example.org",
    )
    recent = AuditEntry(
        created_at=NOW - relativedelta(months=12) + timedelta(minutes=1),
        actor_id=staff.id,
        cafe_id=paris.id,
        action="team.joined",
        target="serveur@example.org",
    )
    _db.session.add_all([old, other_old, recent])
    _db.session.commit()
    assert retention.run(NOW).audit_entries == 2
    old, other_old, recent = (_state(AuditEntry, e.id) for e in (old, other_old, recent))
    assert old.action == "noticeboard.posted_for" and old.cafe_id == paris.id  # the action stays
    assert old.actor_id is None and old.pseudonymised_at is not None
    assert "Marcel" not in str(old.details) and "Donne" not in old.target
    assert old.details["role"] == "staff"
    # The same person gets the same pseudonym: patterns stay visible, names do not.
    assert old.details["actor"] == other_old.details["actor"] and old.details["actor"].startswith("p-")
    assert (recent.actor_id, recent.target) == (staff.id, "serveur@example.org")
    assert retention.run(NOW).audit_entries == 0


def test_moderation_history_forgets_people_after_12_months(paris):
    person = make_user("signale@example.org", "Signalé")
    old = ModerationDecision(
        cafe_id=paris.id,
        created_at=NOW - relativedelta(months=12, days=1),
        action="suspend",
        subject_user_id=person.id,
        actor_id=person.id,
        reason="Insultes envers Marcel",
    )
    recent = ModerationDecision(
        cafe_id=paris.id,
        created_at=NOW - relativedelta(months=11),
        action="suspend",
        subject_user_id=person.id,
        reason="Récidive",
    )
    _db.session.add_all([old, recent])
    _db.session.commit()
    assert retention.run(NOW).moderation_decisions == 1
    old, recent = _state(ModerationDecision, old.id), _state(ModerationDecision, recent.id)
    assert (old.action, old.subject_user_id, old.actor_id, old.reason) == ("suspend", None, None, "")
    assert (recent.subject_user_id, recent.reason) == (person.id, "Récidive")


# --- the command: reports, idempotent, twice at once -------------------------------------------------


def _lots_of_old_data(paris, noumea):
    old = NOW - relativedelta(months=14)
    for i in range(15):
        add_booking(paris if i % 2 else noumea, old + timedelta(hours=i), f"OLD{i:03d}")
        add_rsvp(paris if i % 2 else noumea, old + timedelta(hours=i), f"Ancien{i}")
    for i in range(5):
        _notice(paris, date(2026, 1, 1), on_behalf_of=f"Marcel {i}")
        _db.session.add(AuditEntry(created_at=old, cafe_id=paris.id, action="x", target=f"personne {i}"))
        sleeper = make_user(f"dormeur{i}@example.org", f"Dormeur {i}")
        sleeper.last_seen_at = NOW - relativedelta(years=3)
        add_order(paris if i % 2 else noumea, date(2026, 6, 1) + timedelta(days=i), f"PAIN{i:02d}")
        add_regular(paris, f"REG{i:02d}", stopped_at=NOW - timedelta(days=200))
        add_parcel(noumea, f"Colis{i}", left_at=NOW - timedelta(days=100))
    _db.session.commit()


def add_order(cafe, day: date, code: str, status=COLLECTED) -> BreadOrder:
    product = _db.session.scalar(select(Product).where(Product.cafe_id == cafe.id))
    if product is None:
        product = Product(cafe_id=cafe.id, name="Baguette", price_cents=110, daily_quantity=50)
        _db.session.add(product)
        _db.session.flush()
    order = BreadOrder(
        cafe_id=cafe.id,
        day=day,
        code=code,
        token=f"token-{code}",
        name=f"Client {code}",
        phone="+33553000000",
        email=f"{code.lower()}@example.org",
        status=status,
        total_cents=220,
        lines=[BreadOrderLine(product_id=product.id, quantity=2, unit_price_cents=110)],
    )
    _db.session.add(order)
    _db.session.commit()
    return order


def add_regular(cafe, code: str, stopped_at: datetime | None) -> StandingOrder:
    standing = StandingOrder(
        cafe_id=cafe.id,
        code=code,
        token=f"token-{code}",
        name=f"Habitué {code}",
        phone="+33553000000",
        email=f"{code.lower()}@example.org",
        active=stopped_at is None,
        updated_at=stopped_at or NOW - timedelta(days=400),
    )
    _db.session.add(standing)
    _db.session.commit()
    return standing


def add_parcel(cafe, name: str, status=HANDED_OVER, left_at: datetime | None = None) -> Parcel:
    parcel = Parcel(
        cafe_id=cafe.id,
        recipient=name,
        phone="+33612345678",
        email=f"{name.lower()}@example.org",
        keep_until=date(2026, 12, 20),
        status=status,
        handed_over_at=left_at if status == HANDED_OVER else None,
        returned_at=left_at if status == RETURNED else None,
    )
    _db.session.add(parcel)
    _db.session.commit()
    return parcel


def _snapshot():
    _db.session.expire_all()
    return (
        sorted((b.code, b.name, b.email) for b in _db.session.scalars(select(Booking))),
        sorted((r.code, r.name, r.email) for r in _db.session.scalars(select(Rsvp))),
        sorted((n.id, n.on_behalf_of, n.contact_phone) for n in _db.session.scalars(select(Notice))),
        sorted((e.id, e.target) for e in _db.session.scalars(select(AuditEntry))),
        sorted((u.id, u.inactivity_warned_at is not None) for u in _db.session.scalars(select(User))),
        sorted((o.code, o.name, o.email) for o in _db.session.scalars(select(BreadOrder))),
        sorted((o.code, o.name, o.active) for o in _db.session.scalars(select(StandingOrder))),
        sorted((p.id, p.recipient, p.phone) for p in _db.session.scalars(select(Parcel))),
    )


def test_the_command_twice_in_parallel_changes_nothing_more(app, paris, noumea, outbox):
    _lots_of_old_data(paris, noumea)
    reports = []
    errors = []

    def run():
        try:
            with app.app_context():
                reports.append(retention.run(NOW))
                _db.session.remove()
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # Between them, each row was anonymised once and each sleeper warned once.
    assert sum(r.bookings for r in reports) == 15
    assert sum(r.rsvps for r in reports) == 15
    assert sum(r.notices for r in reports) == 5
    assert sum(r.audit_entries for r in reports) == 5
    assert sum(r.accounts_warned for r in reports) == 5
    assert [
        sum(getattr(r, kind) for r in reports) for kind in ("bread_orders", "standing_orders", "parcels")
    ] == [
        5,
        5,
        5,
    ]
    assert len(outbox) == 5
    after = _snapshot()
    again = retention.run(NOW)
    assert (again.bookings, again.rsvps, again.notices, again.audit_entries, again.accounts_warned) == (
        0,
    ) * 5
    assert (again.bread_orders, again.standing_orders, again.parcels) == (0, 0, 0)
    assert _snapshot() == after


def test_the_command_reports_what_it_did(app, paris, noumea):
    _lots_of_old_data(paris, noumea)
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert result.exit_code == 0, result.output
    assert "15 booking(s) and 15 RSVP(s) anonymised." in result.output
    assert "5 expired notice(s) stripped of their contact details." in result.output
    assert "5 unused account(s) warned, 0 erased." in result.output
    assert "5 bread order(s), 5 regular order(s) and 5 parcel(s) anonymised." in result.output
    again = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "0 booking(s) and 0 RSVP(s) anonymised." in again.output
    assert PASSWORD  # the sleepers' accounts are untouched until 30 days after the warning


# --- it runs by itself -----------------------------------------------------------------------------


def test_the_daily_job_runs_every_rule_of_the_map(app, paris, noumea, outbox):
    """The worker's scheduler runs the same rules as the command (it once called functions
    that no longer existed, and retention never ran by itself)."""
    from portal import jobs

    _lots_of_old_data(paris, noumea)
    with time_machine.travel(NOW, tick=False):
        said = jobs.JOBS["purge-personal-data"].run()
    assert "15 booking(s) and 15 RSVP(s) anonymised." in said
    assert "5 expired notice(s) stripped of their contact details." in said
    assert "bread order(s)" in said and "parcel(s) anonymised." in said
    _db.session.expire_all()
    assert (
        _db.session.scalar(
            select(Booking).where(Booking.name != "", Booking.starts_at < NOW - timedelta(days=400))
        )
        is None
    )


# --- the shop: on the café's calendar ---------------------------------------------------------------


def test_bread_orders_lose_names_90_days_after_their_day_on_the_cafes_calendar(paris, noumea):
    # 90 days before Sunday 29 November (Paris) is Monday 31 August; in Nouméa, already
    # Monday 30 November, it is Tuesday 1 September.
    kept = add_order(paris, date(2026, 8, 31), "KEEPP1")
    gone = add_order(paris, date(2026, 8, 30), "GONEP1")
    cancelled = add_order(paris, date(2026, 8, 1), "CANCP1", status=CANCELLED)
    still_placed = add_order(paris, date(2026, 8, 1), "PLACP1", status=PLACED)  # not marked yet: kept
    overseas = add_order(noumea, date(2026, 8, 31), "GONEN1")
    report = retention.run(NOW)
    assert report.bread_orders == 3
    order = _state(BreadOrder, gone.id)
    assert (order.name, order.phone, order.email) == ("", "", "")
    assert order.anonymised_at is not None
    # What the café keeps for its accounts: the day, the status, the bread and the price.
    assert (order.day, order.status, order.total_cents, order.code) == (
        date(2026, 8, 30),
        COLLECTED,
        220,
        "GONEP1",
    )
    assert [(line.quantity, line.unit_price_cents) for line in order.lines] == [(2, 110)]
    assert _state(BreadOrder, cancelled.id).name == ""
    assert _state(BreadOrder, overseas.id).name == ""  # 31 August is over 90 days ago in Nouméa
    assert _state(BreadOrder, kept.id).name == "Client KEEPP1"
    assert _state(BreadOrder, still_placed.id).name == "Client PLACP1"
    assert retention.run(NOW + timedelta(days=1)).bread_orders == 1  # the next day, the one kept
    assert _state(BreadOrder, kept.id).name == ""


def test_regular_orders_lose_names_90_days_after_they_stopped(paris):
    gone = add_regular(paris, "REGONE", stopped_at=local(paris, date(2026, 8, 30), 23, 30))
    kept = add_regular(paris, "REKEPT", stopped_at=local(paris, date(2026, 8, 31), 0, 30))
    running = add_regular(paris, "RERUNS", stopped_at=None)  # running for years: kept
    assert retention.run(NOW).standing_orders == 1
    assert (_state(StandingOrder, gone.id).name, _state(StandingOrder, gone.id).email) == ("", "")
    assert _state(StandingOrder, kept.id).name == "Habitué REKEPT"
    assert _state(StandingOrder, running.id).name == "Habitué RERUNS"


def test_parcels_lose_names_the_cafes_number_of_days_after_they_left(paris, noumea):
    _db.session.add(ShopSettings(cafe_id=paris.id, parcel_retention_days=10))
    _db.session.commit()
    # Paris keeps 10 days: a parcel that left on 18 November goes on the 29th, one of the 19th stays.
    gone = add_parcel(paris, "Parti", left_at=local(paris, date(2026, 11, 18), 23, 30))
    kept = add_parcel(paris, "Reste", left_at=local(paris, date(2026, 11, 19), 8))
    returned = add_parcel(paris, "Renvoye", status=RETURNED, left_at=local(paris, date(2026, 11, 2), 8))
    waiting = add_parcel(paris, "Attend", status=WAITING)
    # Nouméa keeps the default 30 days, on its own calendar (already 30 November there).
    overseas = add_parcel(noumea, "Loin", left_at=local(noumea, date(2026, 10, 30), 23))
    overseas_kept = add_parcel(noumea, "Loinreste", left_at=local(noumea, date(2026, 10, 31), 8))
    assert retention.run(NOW).parcels == 3
    parcel = _state(Parcel, gone.id)
    assert (parcel.recipient, parcel.phone, parcel.email) == ("", "", "")
    assert (parcel.status, parcel.carrier, parcel.anonymised_at is not None) == (
        HANDED_OVER,
        "la_poste",
        True,
    )
    assert _state(Parcel, returned.id).recipient == ""
    assert _state(Parcel, overseas.id).recipient == ""
    assert _state(Parcel, kept.id).recipient == "Reste"
    assert _state(Parcel, waiting.id).recipient == "Attend"
    assert _state(Parcel, overseas_kept.id).recipient == "Loinreste"

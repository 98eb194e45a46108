"""Tenancy: a café's URLs never show or change another café's data.

Every café endpoint must be listed here; a new one fails the first test until it is
classified, so nobody adds a café URL without its cross-café checks.
"""

import secrets
from datetime import date, time, timedelta

import pytest

from portal.models import (
    AvailabilityRule,
    Booking,
    BreadOrder,
    BreadOrderLine,
    Event,
    EventCategory,
    HelpReport,
    HelpTopic,
    HoursException,
    Invitation,
    Membership,
    Notice,
    NoticeCategory,
    NoticeStatus,
    OutboxMessage,
    OutboxStatus,
    Parcel,
    Product,
    Recurrence,
    Role,
    Rsvp,
    StandingOrder,
    StandingOrderPause,
    Suspension,
    utcnow,
)

from .conftest import make_user

PUBLIC = None
# endpoint -> (lowest role allowed, the HTTP method to try)
CAFE_ENDPOINTS = {
    "cafe.cafes.home": (PUBLIC, "GET"),
    "cafe.manage.index": (Role.HELPER, "GET"),
    "cafe.manage.profile": (Role.MANAGER, "POST"),
    "cafe.manage.hours": (Role.MANAGER, "POST"),
    "cafe.manage.add_exception": (Role.MANAGER, "POST"),
    "cafe.manage.delete_exception": (Role.MANAGER, "POST"),
    "cafe.manage.services_offered": (Role.MANAGER, "POST"),
    "cafe.manage.team": (Role.MANAGER, "GET"),
    "cafe.manage.invite": (Role.MANAGER, "POST"),
    "cafe.manage.revoke_invitation": (Role.MANAGER, "POST"),
    "cafe.manage.change_role": (Role.MANAGER, "POST"),
    "cafe.manage.remove_member": (Role.MANAGER, "POST"),
    "cafe.manage.audit_log": (Role.MANAGER, "GET"),
    "cafe.messages.failed": (Role.STAFF, "GET"),
    "cafe.messages.retry": (Role.STAFF, "POST"),
    "cafe.manage.join": ("logged-in", "GET"),
    "cafe.noticeboard.index": (PUBLIC, "GET"),
    "cafe.noticeboard.detail": (PUBLIC, "GET"),
    "cafe.noticeboard.report": (PUBLIC, "GET"),
    "cafe.noticeboard.new": ("logged-in", "GET"),
    "cafe.noticeboard.mine": ("logged-in", "GET"),
    "cafe.noticeboard.edit": ("logged-in", "POST"),
    "cafe.noticeboard.renew": ("logged-in", "POST"),
    "cafe.noticeboard.withdraw": ("logged-in", "POST"),
    "cafe.noticeboard.reply": ("logged-in", "POST"),
    "cafe.noticeboard.new_for_someone": (Role.STAFF, "POST"),
    "cafe.moderation.queue": (Role.MODERATOR, "GET"),
    "cafe.moderation.approve": (Role.MODERATOR, "POST"),
    "cafe.moderation.reject": (Role.MODERATOR, "POST"),
    "cafe.moderation.hide": (Role.MODERATOR, "POST"),
    "cafe.moderation.restore": (Role.MODERATOR, "POST"),
    "cafe.moderation.suspend": (Role.MODERATOR, "POST"),
    "cafe.moderation.lift": (Role.MODERATOR, "POST"),
    "cafe.moderation.history": (Role.MODERATOR, "GET"),
    "cafe.moderation.settings": (Role.MODERATOR, "POST"),
    "cafe.events.index": (PUBLIC, "GET"),
    "cafe.events.detail": (PUBLIC, "GET"),
    "cafe.events.event_ics": (PUBLIC, "GET"),
    "cafe.events.feed_ics": (PUBLIC, "GET"),
    "cafe.events.feed_atom": (PUBLIC, "GET"),
    "cafe.events.programme": (PUBLIC, "GET"),
    "cafe.events.rsvp": (PUBLIC, "POST"),
    "cafe.events.find_rsvp": (PUBLIC, "GET"),
    "cafe.events.my_rsvp": (PUBLIC, "GET"),
    "cafe.events.cancel_rsvp": (PUBLIC, "POST"),
    "cafe.events.manage": (Role.STAFF, "GET"),
    "cafe.events.new": (Role.STAFF, "POST"),
    "cafe.events.duplicate": (Role.STAFF, "GET"),
    "cafe.events.edit": (Role.STAFF, "POST"),
    "cafe.events.cancel": (Role.STAFF, "POST"),
    "cafe.events.reinstate": (Role.STAFF, "POST"),
    "cafe.events.delete": (Role.STAFF, "POST"),
    "cafe.events.occurrences": (Role.STAFF, "POST"),
    "cafe.events.attendees": (Role.STAFF, "GET"),
    "cafe.events.staff_cancel_rsvp": (Role.STAFF, "POST"),
    # Network admins only; a café role is not enough (checked in test_events).
    "cafe.events.network_copy": (Role.MANAGER, "GET"),
    "cafe.bookings.index": (PUBLIC, "GET"),
    "cafe.bookings.topic": (PUBLIC, "GET"),
    "cafe.bookings.book": (PUBLIC, "POST"),
    "cafe.bookings.done": (PUBLIC, "GET"),
    "cafe.bookings.find": (PUBLIC, "POST"),
    "cafe.bookings.change": (PUBLIC, "GET"),
    "cafe.bookings.cancel": (PUBLIC, "POST"),
    "cafe.bookings.move": (PUBLIC, "POST"),
    "cafe.bookings.day": (Role.HELPER, "GET"),
    "cafe.bookings.week": (Role.HELPER, "GET"),
    "cafe.bookings.mark": (Role.HELPER, "POST"),
    "cafe.bookings.book_for_someone": (Role.HELPER, "GET"),
    "cafe.bookings.slip": (Role.HELPER, "GET"),
    "cafe.bookings.counter.start": (Role.HELPER, "POST"),
    "cafe.bookings.counter.topics": (Role.HELPER, "GET"),
    "cafe.bookings.counter.slots": (Role.HELPER, "GET"),
    "cafe.bookings.counter.book": (Role.HELPER, "GET"),
    "cafe.bookings.counter.done": (Role.HELPER, "GET"),
    "cafe.bookings.counter.exit": (Role.HELPER, "GET"),
    "cafe.bookings.setup": (Role.STAFF, "GET"),
    "cafe.bookings.add_topic": (Role.STAFF, "POST"),
    "cafe.bookings.toggle_topic": (Role.STAFF, "POST"),
    "cafe.bookings.add_rule": (Role.STAFF, "POST"),
    "cafe.bookings.add_extra": (Role.STAFF, "POST"),
    "cafe.bookings.add_closure": (Role.STAFF, "POST"),
    "cafe.bookings.delete_setup_row": (Role.STAFF, "POST"),
    "cafe.bookings.save_settings": (Role.MANAGER, "POST"),
    "cafe.privacy.page": (PUBLIC, "GET"),
    "cafe.privacy.one_record": (PUBLIC, "POST"),
    "cafe.orders.index": (PUBLIC, "GET"),
    "cafe.orders.day": (PUBLIC, "GET"),
    "cafe.orders.place": (PUBLIC, "POST"),
    "cafe.orders.order": (PUBLIC, "GET"),
    "cafe.orders.change": (PUBLIC, "POST"),
    "cafe.orders.cancel": (PUBLIC, "POST"),
    "cafe.orders.regular": (PUBLIC, "POST"),
    "cafe.orders.standing": (PUBLIC, "GET"),
    "cafe.orders.pause": (PUBLIC, "POST"),
    "cafe.orders.unpause": (PUBLIC, "POST"),
    "cafe.orders.stop": (PUBLIC, "POST"),
    "cafe.orders.staff_day": (Role.STAFF, "GET"),
    "cafe.orders.baker": (Role.STAFF, "GET"),
    "cafe.orders.collected": (Role.STAFF, "POST"),
    "cafe.orders.staff_cancel": (Role.STAFF, "POST"),
    "cafe.orders.close_day": (Role.STAFF, "POST"),
    "cafe.orders.staff_order": (Role.STAFF, "POST"),
    "cafe.orders.setup": (Role.STAFF, "GET"),
    "cafe.orders.save_settings": (Role.STAFF, "POST"),
    "cafe.orders.add_product": (Role.STAFF, "POST"),
    "cafe.orders.edit_product": (Role.STAFF, "GET"),
    "cafe.orders.day_quantity": (Role.STAFF, "POST"),
    "cafe.orders.staff_regulars": (Role.STAFF, "GET"),
    "cafe.orders.staff_pause": (Role.STAFF, "POST"),
    "cafe.orders.staff_unpause": (Role.STAFF, "POST"),
    "cafe.orders.staff_stop": (Role.STAFF, "POST"),
    "cafe.orders.counter": (Role.HELPER, "GET"),
    "cafe.orders.counter_order": (Role.HELPER, "GET"),
    "cafe.orders.counter_done": (Role.HELPER, "GET"),
    "cafe.parcels.index": (Role.STAFF, "GET"),
    "cafe.parcels.record": (Role.STAFF, "POST"),
    "cafe.parcels.collected": (Role.STAFF, "POST"),
    "cafe.parcels.returned": (Role.STAFF, "POST"),
    "cafe.parcels.phoned": (Role.STAFF, "POST"),
    "cafe.parcels.return_overdue": (Role.STAFF, "POST"),
    "cafe.impact.dashboard": (Role.MANAGER, "GET"),
    "cafe.impact.export_csv": (Role.MANAGER, "GET"),
    "cafe.impact.summary": (Role.MANAGER, "GET"),
    "cafe.impact.reports": (Role.HELPER, "GET"),
    "cafe.impact.new_report": (Role.HELPER, "POST"),
    "cafe.impact.edit_report": (Role.HELPER, "POST"),
    "cafe.impact.delete_report": (Role.HELPER, "POST"),
    "cafe.impact.answer_prompt": (Role.HELPER, "POST"),
    "cafe.impact.walk_in": (Role.HELPER, "POST"),
    "cafe.impact.workshops": (Role.HELPER, "GET"),
    "cafe.impact.workshop": (Role.HELPER, "GET"),
    "cafe.impact.mark_workshop": (Role.STAFF, "POST"),
    "cafe.impact.unmark_workshop": (Role.STAFF, "POST"),
    "cafe.impact.record_attendance": (Role.HELPER, "POST"),
}


def cafe_rules(app):
    return {rule.endpoint: rule for rule in app.url_map.iter_rules() if "cafe_slug" in rule.arguments}


def test_every_cafe_endpoint_is_classified(app):
    assert set(cafe_rules(app)) == set(CAFE_ENDPOINTS)


def owned_objects(db, cafe, member):
    """One object of each café-owned kind, for the ids in URLs."""
    cafe_id, member_id = cafe.id, member.id
    exception = HoursException(cafe=cafe, day=date.today() + timedelta(days=30), closed=True)
    invitation = Invitation(
        cafe=cafe,
        role=Role.STAFF,
        token_hash=Invitation.hash_token(secrets.token_urlsafe()),
        expires_at=utcnow() + timedelta(days=7),
    )
    notice = Notice(
        cafe_id=cafe_id,
        author_id=member_id,
        title="Donne vélo",
        body="Un vélo rouge à donner.",
        category=NoticeCategory.GIVE_AWAY,
        expires_on=date.today() + timedelta(days=10),
        status=NoticeStatus.PENDING,
    )
    suspension = Suspension(cafe_id=cafe_id, user_id=member_id, reason="test")
    start = utcnow() + timedelta(days=3)
    event = Event(
        cafe=cafe,
        title="Belote",
        category=EventCategory.CARDS,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        recurrence=Recurrence.WEEKLY,
        repeat_count=4,
        rsvp_enabled=True,
        capacity=10,
    )
    topic = HelpTopic(cafe=cafe, name="Impôts en ligne", duration_minutes=30)
    booking = Booking(
        cafe_id=cafe_id,
        topic=topic,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        name="Jeanne",
        phone="+33553123456",
        code=f"AC{cafe_id:04d}",
    )
    rule = AvailabilityRule(cafe_id=cafe_id, helper_id=member_id, weekday=1, starts=time(9), ends=time(12))
    db.session.add_all([exception, invitation, notice, suspension, event, topic, booking, rule])
    db.session.flush()
    rsvp = Rsvp(
        cafe_id=cafe.id, event_id=event.id, occurrence_start=start, name="Jeanne", email="j@example.org"
    )
    db.session.add(rsvp)
    message = OutboxMessage(
        cafe_id=cafe_id, email="j@example.org", subject="Rappel", status=OutboxStatus.FAILED
    )
    db.session.add(message)
    report = HelpReport(cafe_id=cafe.id, day=date.today(), duration_minutes=30, booking_id=booking.id)
    db.session.add_all([rsvp, report])
    product = Product(cafe_id=cafe_id, name="Baguette", price_cents=110, daily_quantity=10)
    db.session.add(product)
    db.session.flush()
    order = BreadOrder(
        cafe_id=cafe_id,
        day=date.today() + timedelta(days=3),
        code=f"BR{cafe_id:04d}",
        token=secrets.token_urlsafe(18),
        name="Jeanne",
        phone="+33553123456",
        lines=[BreadOrderLine(product_id=product.id, quantity=1, unit_price_cents=110)],
    )
    standing = StandingOrder(
        cafe_id=cafe_id,
        code=f"ST{cafe_id:04d}",
        token=secrets.token_urlsafe(18),
        name="Jeanne",
        phone="+33553123456",
        pauses=[StandingOrderPause(first_day=date.today(), last_day=date.today() + timedelta(days=3))],
    )
    parcel = Parcel(cafe_id=cafe_id, recipient="Jeanne", phone="+33553123456", keep_until=date.today())
    db.session.add_all([order, standing, parcel])
    db.session.commit()
    membership = db.session.query(Membership).filter_by(cafe_id=cafe.id, user_id=member.id).one()
    return {
        "exception_id": exception.id,
        "invitation_id": invitation.id,
        "membership_id": membership.id,
        "token": "not-a-token",
        "notice_id": notice.id,
        "suspension_id": suspension.id,
        "event_id": event.id,
        "rsvp_id": rsvp.id,
        "rsvp_code": rsvp.code,
        "topic_id": topic.id,
        "booking_id": booking.id,
        "booking_code": booking.code,
        "report_id": report.id,
        "key": "20261201T0900Z",
        "kind": "rules",
        "row_id": rule.id,
        "message_id": message.id,
        "day": "not-a-day",
        "order_token": order.token,
        "order_id": order.id,
        "standing_token": standing.token,
        "standing_id": standing.id,
        "pause_id": standing.pauses[0].id,
        "product_id": product.id,
        "parcel_id": parcel.id,
    }


def url_for_rule(app, endpoint, slug, ids):
    rule = cafe_rules(app)[endpoint]
    # Two features call their public code "code": an RSVP's and a booking's.
    ids = {**ids, "code": ids["rsvp_code"] if endpoint.startswith("cafe.events.") else ids["booking_code"]}
    values = {name: ids[name] for name in rule.arguments if name != "cafe_slug"}
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, cafe_slug=slug, **values)


def request(client, method, url):
    return client.post(url, data={}) if method == "POST" else client.get(url)


@pytest.mark.parametrize(
    "endpoint", sorted(e for e, (role, _) in CAFE_ENDPOINTS.items() if isinstance(role, Role))
)
def test_staff_of_another_cafe_are_forbidden(app, client, auth, db, team_a, team_b, endpoint):
    ids = owned_objects(db, team_a.cafe, team_a.staff)
    auth.login(team_b.manager)
    _, method = CAFE_ENDPOINTS[endpoint]
    response = request(client, method, url_for_rule(app, endpoint, "saint-jean-de-cole", ids))
    assert response.status_code == 403
    assert db.session.get(HoursException, ids["exception_id"]) is not None
    assert db.session.get(Membership, ids["membership_id"]) is not None
    assert db.session.get(Notice, ids["notice_id"]).status == NoticeStatus.PENDING
    assert db.session.get(Suspension, ids["suspension_id"]).lifted_at is None


ENDPOINTS_WITH_IDS = [
    "cafe.messages.retry",
    "cafe.manage.delete_exception",
    "cafe.manage.revoke_invitation",
    "cafe.manage.change_role",
    "cafe.manage.remove_member",
    "cafe.manage.join",
    "cafe.noticeboard.detail",
    "cafe.noticeboard.report",
    "cafe.noticeboard.edit",
    "cafe.noticeboard.renew",
    "cafe.noticeboard.withdraw",
    "cafe.noticeboard.reply",
    "cafe.moderation.approve",
    "cafe.moderation.reject",
    "cafe.moderation.hide",
    "cafe.moderation.restore",
    "cafe.moderation.suspend",
    "cafe.moderation.lift",
    "cafe.events.detail",
    "cafe.events.event_ics",
    "cafe.events.rsvp",
    "cafe.events.my_rsvp",
    "cafe.events.cancel_rsvp",
    "cafe.events.duplicate",
    "cafe.events.edit",
    "cafe.events.cancel",
    "cafe.events.reinstate",
    "cafe.events.delete",
    "cafe.events.occurrences",
    "cafe.events.attendees",
    "cafe.events.staff_cancel_rsvp",
    "cafe.bookings.topic",
    "cafe.bookings.book",
    "cafe.bookings.done",
    "cafe.bookings.mark",
    "cafe.bookings.slip",
    "cafe.bookings.counter.slots",
    "cafe.bookings.counter.book",
    "cafe.bookings.toggle_topic",
    "cafe.bookings.delete_setup_row",
    "cafe.orders.day",
    "cafe.orders.order",
    "cafe.orders.change",
    "cafe.orders.cancel",
    "cafe.orders.standing",
    "cafe.orders.pause",
    "cafe.orders.unpause",
    "cafe.orders.stop",
    "cafe.orders.collected",
    "cafe.orders.staff_cancel",
    "cafe.orders.edit_product",
    "cafe.orders.counter_order",
    "cafe.orders.staff_pause",
    "cafe.orders.staff_unpause",
    "cafe.orders.staff_stop",
    "cafe.parcels.collected",
    "cafe.parcels.returned",
    "cafe.parcels.phoned",
    "cafe.impact.edit_report",
    "cafe.impact.delete_report",
    "cafe.impact.answer_prompt",
    "cafe.impact.workshop",
    "cafe.impact.mark_workshop",
    "cafe.impact.unmark_workshop",
    "cafe.impact.record_attendance",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS_WITH_IDS)
def test_ids_of_another_cafe_are_404(app, client, auth, db, team_a, team_b, endpoint):
    other = owned_objects(db, team_b.cafe, team_b.staff)
    other["token"] = "x"
    auth.login(team_a.manager)
    _, method = CAFE_ENDPOINTS[endpoint]
    response = request(client, method, url_for_rule(app, endpoint, "saint-jean-de-cole", other))
    assert response.status_code == 404
    assert db.session.get(HoursException, other["exception_id"]) is not None
    assert db.session.get(Invitation, other["invitation_id"]) is not None
    assert db.session.get(Membership, other["membership_id"]).role == Role.STAFF
    notice = db.session.get(Notice, other["notice_id"])
    assert notice.status == NoticeStatus.PENDING and not notice.hidden
    assert db.session.get(Suspension, other["suspension_id"]).lifted_at is None
    assert db.session.get(Event, other["event_id"]).status.value == "scheduled"
    assert db.session.get(Rsvp, other["rsvp_id"]).status.value == "going"
    assert db.session.get(Booking, other["booking_id"]).status == "booked"
    assert db.session.get(AvailabilityRule, other["row_id"]) is not None
    assert db.session.get(HelpTopic, other["topic_id"]).active
    assert db.session.get(OutboxMessage, other["message_id"]).status == OutboxStatus.FAILED
    assert db.session.get(BreadOrder, other["order_id"]).status == "placed"
    assert db.session.get(
        StandingOrder, db.session.get(StandingOrderPause, other["pause_id"]).standing_order_id
    ).active
    assert db.session.get(Parcel, other["parcel_id"]).status == "waiting"
    assert db.session.get(HelpReport, other["report_id"]).duration_minutes == 30


def test_every_endpoint_with_an_id_is_checked_for_cross_cafe_ids(app):
    with_ids = {e for e, rule in cafe_rules(app).items() if set(rule.arguments) - {"cafe_slug"}}
    assert with_ids == set(ENDPOINTS_WITH_IDS)


@pytest.mark.parametrize(
    "endpoint", sorted(e for e, (role, _) in CAFE_ENDPOINTS.items() if role is not PUBLIC)
)
def test_anonymous_visitors_are_sent_to_log_in(app, client, db, team_a, endpoint):
    ids = owned_objects(db, team_a.cafe, team_a.staff)
    _, method = CAFE_ENDPOINTS[endpoint]
    response = request(client, method, url_for_rule(app, endpoint, "saint-jean-de-cole", ids))
    assert response.status_code == 302
    assert response.location.startswith("/account/login?next=")
    # Back to this page after logging in; never to a POST-only address (a 405).
    assert client.get(response.location.split("?next=", 1)[1]).status_code != 405


@pytest.mark.parametrize("endpoint", sorted(CAFE_ENDPOINTS))
def test_unknown_cafe_slug_is_404_everywhere(app, client, auth, db, team_a, admin, endpoint):
    ids = owned_objects(db, team_a.cafe, team_a.staff)
    auth.login(admin)
    _, method = CAFE_ENDPOINTS[endpoint]
    assert request(client, method, url_for_rule(app, endpoint, "no-such-cafe", ids)).status_code == 404


def test_a_role_in_one_cafe_grants_nothing_in_another(client, auth, team_a, cafe_b):
    auth.login(team_a.manager)
    assert client.get("/c/saint-jean-de-cole/manage/team").status_code == 200
    assert client.get("/c/lagrasse/manage/").status_code == 403
    assert client.get("/c/lagrasse/manage/team").status_code == 403


def test_roles_are_ordered(client, auth, team_a):
    for who, expected in [("helper", 403), ("staff", 403), ("moderator", 403), ("manager", 200)]:
        auth.login(getattr(team_a, who))
        assert client.get("/c/saint-jean-de-cole/manage/team").status_code == expected
        assert client.get("/c/saint-jean-de-cole/manage/").status_code == 200
        auth.logout()


def test_network_admin_may_manage_any_cafe(client, auth, admin, cafe_a, cafe_b):
    auth.login(admin)
    assert client.get("/c/lagrasse/manage/team").status_code == 200
    assert client.get("/c/saint-jean-de-cole/manage/profile").status_code == 200


def test_htmx_request_without_login_gets_401_and_where_to_log_in(client, cafe_a):
    response = client.get("/c/saint-jean-de-cole/manage/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/account/login?next=")


def test_resident_is_forbidden_in_staff_area(client, auth, cafe_a):
    resident = make_user("r@example.org")
    auth.login(resident)
    response = client.get("/c/saint-jean-de-cole/manage/")
    assert response.status_code == 403
    assert "Vous n’avez pas le droit" in response.get_data(as_text=True)

"""Events: public pages, RSVP with capacity, feeds, staff pages and their bad input."""

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from portal.blueprints.events.recurrence import occurrence_key, to_utc
from portal.extensions import db as _db
from portal.models import (
    AuditEntry,
    Event,
    EventCategory,
    EventOccurrenceOverride,
    OccurrenceSeats,
    Recurrence,
    Rsvp,
    RsvpStatus,
    utcnow,
)

BASE = "/c/saint-jean-de-cole"


def local_day(days: int) -> date:
    return (utcnow() + timedelta(days=days)).date()


def at(day: date, hour: int, minute: int = 0, zone="Europe/Paris") -> datetime:
    from zoneinfo import ZoneInfo

    return to_utc(datetime(day.year, day.month, day.day, hour, minute), ZoneInfo(zone))


def make_event(cafe, title="Concert de jazz", days=3, hour=20, hours=2, **extra) -> Event:
    start = at(local_day(days), hour)
    event = Event(
        cafe=cafe,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        category=extra.pop("category", EventCategory.CONCERT),
        **extra,
    )
    _db.session.add(event)
    _db.session.commit()
    return event


def event_form(**overrides) -> dict:
    data = {
        "title": "Loto de Noël",
        "category": "association",
        "description": "Venez nombreux",
        "day": local_day(10).isoformat(),
        "start_time": "20:00",
        "end_time": "23:00",
        "place_kind": "cafe",
        "place": "",
        "price": "",
        "accessibility": "",
        "capacity": "",
        "recurrence": "none",
        "monthly_week": "same",
        "repeat_until": "",
        "repeat_count": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Public pages ---------------------------------------------------------------------------


def test_list_groups_by_day_and_filters(client, cafe_a):
    make_event(cafe_a, "Concert de jazz", days=2)
    make_event(cafe_a, "Belote", days=3, category=EventCategory.CARDS, for_all_ages=True)
    page = client.get(f"{BASE}/events/").get_data(as_text=True)
    assert "Concert de jazz" in page and "Belote" in page
    page = client.get(f"{BASE}/events/?category=cards").get_data(as_text=True)
    assert "Belote" in page and "Concert de jazz" not in page
    page = client.get(f"{BASE}/events/?all_ages=1").get_data(as_text=True)
    assert "Belote" in page and "Concert de jazz" not in page
    fragment = client.get(f"{BASE}/events/?category=cards", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert fragment.lstrip().startswith('<section id="event-results"')


def test_past_events_are_reachable(client, cafe_a):
    make_event(cafe_a, "Vieux concert", days=-5)
    assert "Vieux concert" not in client.get(f"{BASE}/events/").get_data(as_text=True)
    assert "Vieux concert" in client.get(f"{BASE}/events/?when=past").get_data(as_text=True)


def test_more_link_pages_with_and_without_htmx(app, client, cafe_a):
    app.config["EVENTS_PAGE_SIZE"] = 3
    for n in range(5):
        make_event(cafe_a, f"Atelier {n}", days=n + 1)
    page = client.get(f"{BASE}/events/").get_data(as_text=True)
    assert "Atelier 2" in page and "Atelier 3" not in page
    assert 'href="/c/saint-jean-de-cole/events/?page=2"' in page
    fragment = client.get(
        f"{BASE}/events/?page=2", headers={"HX-Request": "true", "HX-Target": "more-events"}
    )
    text = fragment.get_data(as_text=True)
    assert "Atelier 3" in text and "Atelier 4" in text and "<html" not in text and "more-events" not in text


def test_list_page_query_count_is_constant(client, cafe_a, count_queries):
    def queries():
        with count_queries() as counter:
            assert client.get(f"{BASE}/events/").status_code == 200
        return counter.count

    make_event(cafe_a, "Un", days=1, rsvp_enabled=True, capacity=10)
    few = queries()
    for n in range(10):
        make_event(
            cafe_a,
            f"Série {n}",
            days=2,
            rsvp_enabled=True,
            capacity=5,
            recurrence=Recurrence.WEEKLY,
            repeat_count=8,
        )
    assert queries() == few


def test_detail_escapes_description_keeps_lines_and_links(client, cafe_a):
    event = make_event(
        cafe_a, description="Ligne 1\n<script>alert(1)</script>\nInfos : https://example.org/jazz?a=1&b=2."
    )
    page = client.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Ligne 1<br>" in page
    assert '<a href="https://example.org/jazz?a=1&amp;b=2" rel="nofollow noopener">' in page
    assert "Gratuit" in page


def test_cafe_page_shows_this_week_and_feed_links(any_day, client, cafe_a):
    make_event(cafe_a, "Concert de jazz", days=2)
    make_event(cafe_a, "Dans un mois", days=30)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert 'id="events-heading"' in page
    assert "Concert de jazz" in page and "Dans un mois" not in page
    assert '<link rel="alternate" type="text/calendar"' in page
    assert 'href="/c/saint-jean-de-cole/events.atom"' in page


def test_unknown_event_and_bad_occurrence_are_404(client, cafe_a):
    event = make_event(cafe_a)
    assert client.get(f"{BASE}/events/999999").status_code == 404
    assert client.get(f"{BASE}/events/{event.id}?on=garbage").status_code == 404
    assert client.get(f"{BASE}/events/{event.id}?on=20000101T0000Z").status_code == 404


# RSVP ---------------------------------------------------------------------------------


def rsvp_data(event, **overrides):
    data = {
        "occurrence": occurrence_key(event.starts_at),
        "name": "Jeanne",
        "email": "jeanne@example.org",
        "phone": "",
        "party_size": "2",
    }
    data.update(overrides)
    return data


def test_rsvp_without_account_then_cancel_with_the_code(client, cafe_a, outbox):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    response = client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event))
    assert response.status_code == 303
    rsvp = _db.session.query(Rsvp).one()
    assert response.location.endswith(f"/events/rsvp/{rsvp.code}")
    assert rsvp.status == RsvpStatus.GOING and rsvp.party_size == 2
    assert rsvp.code in outbox[-1].get_content()
    page = client.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Places restantes" in page
    found = client.get(f"{BASE}/events/rsvp?code={rsvp.code.lower()}")
    assert found.status_code == 303
    assert client.post(f"{BASE}/events/rsvp/{rsvp.code}/cancel").status_code == 303
    _db.session.expire_all()
    assert _db.session.get(Rsvp, rsvp.id).status == RsvpStatus.CANCELLED
    assert _db.session.query(OccurrenceSeats).one().seats_taken == 0


def test_full_event_offers_the_waiting_list_and_promotes_on_cancel(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=2)
    client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, name="Paul"))
    response = client.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, name="Zoé", email="zoe@example.org", party_size="1"),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "complet" in page and "liste d’attente" in page
    assert 'value="Zoé"' in page
    response = client.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, name="Zoé", email="zoe@example.org", party_size="1", waitlist="1"),
    )
    assert response.status_code == 303
    zoe = _db.session.query(Rsvp).filter_by(name="Zoé").one()
    assert zoe.status == RsvpStatus.WAITLIST
    paul = _db.session.query(Rsvp).filter_by(name="Paul").one()
    client.post(f"{BASE}/events/rsvp/{paul.code}/cancel")
    _db.session.expire_all()
    assert _db.session.get(Rsvp, zoe.id).status == RsvpStatus.GOING
    assert _db.session.query(OccurrenceSeats).one().seats_taken == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Ce champ est requis"),
        ({"email": "", "phone": ""}, "adresse e-mail ou un numéro de téléphone"),
        ({"email": "pas-un-mail"}, "Adresse électronique non valide"),
        ({"email": "", "phone": "12"}, "numéro de téléphone n’est pas valide"),
        ({"party_size": "0"}, "Entre 1 et 10 personnes"),
        ({"party_size": "99"}, "Entre 1 et 10 personnes"),
    ],
)
def test_rsvp_bad_input(client, cafe_a, overrides, message):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    response = client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _db.session.query(Rsvp).count() == 0


def test_rsvp_refused_for_cancelled_or_past_dates(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5, status="cancelled", cancel_reason="Pluie")
    client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event))
    old = make_event(cafe_a, days=-2, rsvp_enabled=True)
    client.post(f"{BASE}/events/{old.id}/rsvp", data=rsvp_data(old))
    assert _db.session.query(Rsvp).count() == 0


def test_unknown_code(client, cafe_a):
    assert client.get(f"{BASE}/events/rsvp/NOPE1234").status_code == 404
    response = client.get(f"{BASE}/events/rsvp?code=NOPE1234")
    assert response.status_code == 422 and "Aucune réponse" in response.get_data(as_text=True)


# Feeds ----------------------------------------------------------------------------------


def test_cafe_ics_parses_back_with_rrule_exdate_and_recurrence_id(client, cafe_a):
    series = make_event(cafe_a, "Belote", days=1, hour=20, recurrence=Recurrence.WEEKLY, repeat_count=6)
    second = series.starts_at + timedelta(days=7)
    third = series.starts_at + timedelta(days=14)
    moved_to = third + timedelta(days=1)
    series.overrides = [
        EventOccurrenceOverride(
            cafe_id=cafe_a.id, original_start=second, cancelled=True, reason="Salle prise"
        ),
        EventOccurrenceOverride(
            cafe_id=cafe_a.id,
            original_start=third,
            new_starts_at=moved_to,
            new_ends_at=moved_to + timedelta(hours=2),
        ),
    ]
    make_event(cafe_a, "Concert", days=4)
    _db.session.commit()
    response = client.get(f"{BASE}/events.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.data)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = cal.walk("VEVENT")
    belote = [e for e in events if e["SUMMARY"] == "Belote"]
    master = next(e for e in belote if "RRULE" in e)
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [6]
    assert master["DTSTART"].params["TZID"] == "Europe/Paris"
    assert master.decoded("DTSTART").hour == 20
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert [d.astimezone(UTC) for d in exdates] == [second]
    moved = next(e for e in belote if "RECURRENCE-ID" in e)
    assert moved.decoded("RECURRENCE-ID").astimezone(UTC) == third
    assert moved.decoded("DTSTART").astimezone(UTC) == moved_to
    assert moved["UID"] == master["UID"]
    assert any(e["SUMMARY"] == "Concert" for e in events)


def test_event_ics_and_monthly_rule(client, cafe_a):
    event = make_event(
        cafe_a, "Marché", recurrence=Recurrence.MONTHLY, monthly_week=-1, repeat_until=local_day(200)
    )
    cal = icalendar.Calendar.from_ical(client.get(f"{BASE}/events/{event.id}.ics").data)
    vevent = cal.walk("VEVENT")[0]
    assert vevent["RRULE"]["FREQ"] == ["MONTHLY"]
    assert vevent["RRULE"]["BYDAY"][0].endswith(("MO", "TU", "WE", "TH", "FR", "SA", "SU"))
    assert vevent["RRULE"]["BYDAY"][0].startswith("-1")
    assert vevent["RRULE"]["UNTIL"][0].tzinfo is not None


def test_atom_feed_is_valid_atom(client, cafe_a):
    import xml.etree.ElementTree as ET

    make_event(cafe_a, "Concert & dîner <spécial>")
    response = client.get(f"{BASE}/events.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:title", "a:id", "a:updated"):
        assert root.find(required, ns) is not None
    entry = root.find("a:entry", ns)
    assert entry.find("a:title", ns).text == "Concert & dîner <spécial>"
    assert entry.find("a:updated", ns).text.endswith("Z")


def test_programme_has_qr_code(any_day, client, cafe_a):
    make_event(cafe_a, "Concert", days=0, hour=23)
    page = client.get(f"{BASE}/events/programme?period=month").get_data(as_text=True)
    assert "<svg" in page and "http://localhost/c/saint-jean-de-cole/" in page
    assert client.get(f"{BASE}/events/programme").status_code == 200


# Staff ----------------------------------------------------------------------------------


def test_staff_create_edit_cancel_delete_all_audited(client, auth, team_a):
    auth.login(team_a.staff)
    response = client.post(f"{BASE}/events/manage/new", data=event_form(rsvp_enabled="y", capacity="30"))
    assert response.status_code == 303, response.get_data(as_text=True)
    event = _db.session.query(Event).one()
    assert event.starts_at.astimezone(team_a.cafe.zone).hour == 20 and event.capacity == 30
    response = client.post(
        f"{BASE}/events/manage/{event.id}/edit",
        data=event_form(title="Grand loto", day=local_day(11).isoformat()),
    )
    assert response.status_code == 303
    _db.session.expire_all()
    assert _db.session.get(Event, event.id).title == "Grand loto"
    assert (
        client.post(f"{BASE}/events/manage/{event.id}/cancel", data={"reason": "Salle inondée"}).status_code
        == 303
    )
    page = client.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Annulé" in page and "Salle inondée" in page
    assert client.post(f"{BASE}/events/manage/{event.id}/delete", data={"confirmed": "1"}).status_code == 303
    assert _db.session.query(Event).count() == 0
    actions = [a for (a,) in _db.session.query(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions == ["events.created", "events.updated", "events.cancelled", "events.deleted"]


def test_duplicate_prefills_the_form(client, auth, team_a):
    event = make_event(team_a.cafe, "Atelier tablette", price="2 €")
    auth.login(team_a.staff)
    page = client.get(f"{BASE}/events/manage/{event.id}/duplicate").get_data(as_text=True)
    assert 'value="Atelier tablette"' in page and 'value="2 €"' in page
    assert f'name="copied_from" value="{event.id}"' in page
    client.post(
        f"{BASE}/events/manage/new", data=event_form(title="Atelier tablette", copied_from=str(event.id))
    )
    copy = _db.session.query(Event).filter(Event.id != event.id).one()
    assert copy.copied_from_id == event.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Ce champ est requis"),
        ({"day": "2020-01-01"}, "Cette date est passée"),
        ({"day": "pas une date"}, "pas une date valide"),
        ({"end_time": "20:00"}, "La fin doit être après le début"),
        ({"place_kind": "elsewhere", "place": ""}, "Indiquez où"),
        ({"recurrence": "weekly"}, "Dites quand la série se termine"),
        ({"recurrence": "weekly", "repeat_count": "500"}, "compris entre 1 et 200"),
        ({"recurrence": "weekly", "repeat_until": "2099-01-01"}, "deux ans au plus"),
        ({"recurrence": "weekly", "repeat_until": local_day(5).isoformat()}, "après la première"),
        ({"recurrence": "weekly", "repeat_until": "2099-01-01", "repeat_count": "3"}, "pas les deux"),
        ({"capacity": "0"}, "compris entre 1 et 10000"),
        ({"category": "rave"}, "pas un choix valide"),
    ],
)
def test_event_form_bad_input(client, auth, team_a, overrides, message):
    auth.login(team_a.staff)
    response = client.post(f"{BASE}/events/manage/new", data=event_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page, page[page.find("<main") :]
    assert 'aria-invalid="true"' in page
    assert _db.session.query(Event).count() == 0


def test_capacity_cannot_go_below_seats_taken(client, auth, team_a):
    event = make_event(team_a.cafe, rsvp_enabled=True, capacity=10)
    client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, party_size="4"))
    auth.login(team_a.staff)
    day = event.starts_at.astimezone(team_a.cafe.zone)
    response = client.post(
        f"{BASE}/events/manage/{event.id}/edit",
        data=event_form(day=day.date().isoformat(), rsvp_enabled="y", capacity="3"),
    )
    assert response.status_code == 422
    assert "4 personnes ont déjà dit" in response.get_data(as_text=True)


def test_cancel_form_needs_a_reason(client, auth, team_a):
    event = make_event(team_a.cafe)
    auth.login(team_a.staff)
    response = client.post(f"{BASE}/events/manage/{event.id}/cancel", data={"reason": ""})
    assert response.status_code == 422
    assert _db.session.get(Event, event.id).status.value == "scheduled"


def test_cancel_and_move_one_occurrence(client, auth, team_a):
    series = make_event(team_a.cafe, "Belote", recurrence=Recurrence.WEEKLY, repeat_count=5)
    second = series.starts_at + timedelta(days=7)
    third = series.starts_at + timedelta(days=14)
    auth.login(team_a.staff)
    url = f"{BASE}/events/manage/{series.id}/dates"
    bad = client.post(url, data={"occurrence": occurrence_key(second), "action": "cancel", "reason": ""})
    assert bad.status_code == 422
    bad = client.post(url, data={"occurrence": "20000101T0000Z", "action": "cancel", "reason": "x"})
    assert bad.status_code == 422
    bad = client.post(url, data={"occurrence": occurrence_key(third), "action": "move"})
    assert bad.status_code == 422 and "nouvelle date" in bad.get_data(as_text=True)
    ok = client.post(url, data={"occurrence": occurrence_key(second), "action": "cancel", "reason": "Foire"})
    assert ok.status_code == 303
    new_day = (third + timedelta(days=1)).astimezone(team_a.cafe.zone).date()
    ok = client.post(
        url,
        data={
            "occurrence": occurrence_key(third),
            "action": "move",
            "reason": "",
            "new_day": new_day.isoformat(),
            "new_start_time": "15:00",
            "new_end_time": "17:00",
        },
    )
    assert ok.status_code == 303
    page = client.get(f"{BASE}/events/").get_data(as_text=True)
    assert "Foire" in page and "Nouvelle date" in page
    assert client.get(f"{BASE}/events/{series.id}?on={occurrence_key(third)}").status_code == 200
    overrides = (
        _db.session.query(EventOccurrenceOverride).order_by(EventOccurrenceOverride.original_start).all()
    )
    assert [o.cancelled for o in overrides] == [True, False]
    assert overrides[1].new_starts_at.astimezone(team_a.cafe.zone).hour == 15


def test_attendee_list_for_staff_only(client, auth, team_a, resident):
    event = make_event(team_a.cafe, rsvp_enabled=True, capacity=10)
    client.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, name="Jeanne Martin", email="", phone="05 53 12 34 56"),
    )
    url = f"{BASE}/events/manage/{event.id}/attendees"
    auth.login(resident)
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(team_a.helper)
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(team_a.staff)
    page = client.get(url).get_data(as_text=True)
    assert "Jeanne Martin" in page and "05 53 12 34 56" in page and "2 personnes attendues" in page


def test_network_admin_publishes_in_several_cafes(client, auth, admin, team_a, cafe_b):
    url = f"{BASE}/events/manage/network"
    auth.login(team_a.manager)
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(admin)
    assert client.post(url, data=event_form(title="Théâtre itinérant")).status_code == 422  # no café chosen
    response = client.post(
        url, data={**event_form(title="Théâtre itinérant"), "cafes": [team_a.cafe.id, cafe_b.id]}
    )
    assert response.status_code == 303
    copies = _db.session.query(Event).filter_by(title="Théâtre itinérant").all()
    assert sorted(e.cafe_id for e in copies) == sorted([team_a.cafe.id, cafe_b.id])


def test_rsvp_with_htmx_gets_the_panel_or_a_redirect(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=1)
    headers = {"HX-Request": "true", "HX-Target": "rsvp-panel"}
    ok = client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, party_size="1"), headers=headers)
    assert ok.status_code == 200 and "/events/rsvp/" in ok.headers["HX-Redirect"]
    full = client.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, email="autre@example.org", party_size="1"),
        headers=headers,
    )
    assert full.status_code == 409
    text = full.get_data(as_text=True)
    assert (
        text.lstrip().startswith('<section id="rsvp-panel"')
        and 'name="waitlist" type="hidden" value="1"' in text
    )


def test_rsvp_is_rate_limited_per_address(make_app, cafe_a):
    limited = make_app(RATELIMIT_ENABLED=True, RSVP_RATE_LIMIT="2 per minute")
    event = make_event(cafe_a, rsvp_enabled=True, capacity=50)
    client = limited.test_client()
    statuses = [
        client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, party_size="1")).status_code
        for _ in range(3)
    ]
    assert statuses == [303, 303, 429]


def test_old_rsvp_contacts_are_purged_but_counts_kept(client, cafe_a):
    old = make_event(cafe_a, days=-400, rsvp_enabled=True)
    recent = make_event(cafe_a, days=-10, rsvp_enabled=True)
    for event in (old, recent):
        _db.session.add(
            Rsvp(
                cafe_id=cafe_a.id,
                event_id=event.id,
                occurrence_start=event.starts_at,
                name="Jeanne",
                email="j@example.org",
                party_size=3,
            )
        )
    _db.session.commit()
    result = client.application.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "1 RSVP(s) anonymised" in result.output
    again = client.application.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "0 RSVP(s) anonymised" in again.output  # nothing left to blank
    _db.session.expire_all()
    rows = {r.event_id: r for r in _db.session.query(Rsvp)}
    assert (rows[old.id].name, rows[old.id].email, rows[old.id].party_size) == ("", "", 3)
    assert rows[recent.id].name == "Jeanne"


def test_answers_follow_an_event_moved_to_another_day(client, auth, team_a):
    event = make_event(team_a.cafe, rsvp_enabled=True, capacity=10, days=5)
    client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, party_size="3"))
    auth.login(team_a.staff)
    new_day = local_day(6)
    response = client.post(
        f"{BASE}/events/manage/{event.id}/edit",
        data=event_form(day=new_day.isoformat(), start_time="18:00", rsvp_enabled="y", capacity="10"),
    )
    assert response.status_code == 303
    new_start = at(new_day, 18)
    assert _db.session.query(Rsvp).one().occurrence_start == new_start
    assert _db.session.query(OccurrenceSeats).one().occurrence_start == new_start
    page = client.get(f"{BASE}/events/manage/{event.id}/attendees").get_data(as_text=True)
    assert "Jeanne" in page
    assert "7" in client.get(f"{BASE}/events/{event.id}").get_data(as_text=True)


def test_date_changes_follow_a_series_moved_by_a_week(client, auth, team_a):
    series = make_event(team_a.cafe, "Belote", days=3, recurrence=Recurrence.WEEKLY, repeat_count=4)
    zone = team_a.cafe.zone
    second = series.starts_at + timedelta(days=7)
    third = series.starts_at + timedelta(days=14)
    series.overrides = [
        EventOccurrenceOverride(cafe_id=team_a.cafe.id, original_start=second, cancelled=True, reason="A"),
        EventOccurrenceOverride(cafe_id=team_a.cafe.id, original_start=third, cancelled=True, reason="B"),
    ]
    _db.session.commit()
    auth.login(team_a.staff)
    first_day = (series.starts_at + timedelta(days=7)).astimezone(zone).date()
    response = client.post(
        f"{BASE}/events/manage/{series.id}/edit",
        data=event_form(title="Belote", day=first_day.isoformat(), recurrence="weekly", repeat_count="4"),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    moved = {
        o.reason: o.original_start.astimezone(zone).date() for o in _db.session.query(EventOccurrenceOverride)
    }
    assert moved == {"A": first_day + timedelta(days=7), "B": first_day + timedelta(days=14)}


def test_staff_pages_render(client, auth, team_a, admin):
    series = make_event(
        team_a.cafe, "Belote", recurrence=Recurrence.WEEKLY, repeat_count=3, rsvp_enabled=True
    )
    auth.login(team_a.staff)
    for path in [
        "/events/manage/",
        "/events/manage/?when=past",
        "/events/manage/new",
        f"/events/manage/{series.id}/edit",
        f"/events/manage/{series.id}/duplicate",
        f"/events/manage/{series.id}/cancel",
        f"/events/manage/{series.id}/dates",
        f"/events/manage/{series.id}/attendees",
        f"/events/manage/{series.id}/attendees?on={occurrence_key(series.starts_at + timedelta(days=7))}",
    ]:
        response = client.get(BASE + path)
        assert response.status_code == 200, path
    page = client.get(f"{BASE}/events/manage/").get_data(as_text=True)
    assert "Belote" in page and "Publier dans plusieurs cafés" not in page
    auth.logout()
    auth.login(admin)
    assert "Publier dans plusieurs cafés" in client.get(f"{BASE}/events/manage/").get_data(as_text=True)
    assert client.get(f"{BASE}/events/manage/network").status_code == 200


# Review: seats given back once, whatever runs at the same time --------------------------------


def _going(event, name, party=1, status=RsvpStatus.GOING):
    rsvp = Rsvp(
        cafe_id=event.cafe_id,
        event_id=event.id,
        occurrence_start=event.starts_at,
        name=name,
        email=f"{name.lower()}@example.org",
        party_size=party,
        status=status,
    )
    _db.session.add(rsvp)
    return rsvp


def _seats_row(event, taken):
    _db.session.add(
        OccurrenceSeats(
            event_id=event.id, occurrence_start=event.starts_at, seats_taken=taken, capacity=event.capacity
        )
    )


def test_a_double_cancel_of_an_answer_gives_the_seats_back_once(cafe_a):
    from sqlalchemy import update

    from portal.blueprints.events import services

    event = make_event(cafe_a, rsvp_enabled=True, capacity=4)
    paul, jeanne = _going(event, "Paul", 2), _going(event, "Jeanne", 2)
    _seats_row(event, 4)
    _db.session.commit()
    stale = _db.session.get(Rsvp, paul.id)
    assert stale.status == RsvpStatus.GOING and jeanne.id
    # A double tap: the other request cancelled Paul and committed after we read him.
    with _db.engine.begin() as other:
        other.execute(update(Rsvp).where(Rsvp.id == paul.id).values(status="cancelled"))
        other.execute(update(OccurrenceSeats).values(seats_taken=OccurrenceSeats.seats_taken - 2))
    services.cancel_rsvp(cafe_a, stale)
    _db.session.expire_all()
    assert _db.session.query(OccurrenceSeats).one().seats_taken == 2  # Jeanne's two seats


def test_someone_already_promoted_is_not_given_seats_twice(cafe_a):
    from sqlalchemy import update

    from portal.blueprints.events import services

    event = make_event(cafe_a, rsvp_enabled=True, capacity=2)
    _going(event, "Paul")
    zoe = _going(event, "Zoé", status=RsvpStatus.WAITLIST)
    _seats_row(event, 1)
    _db.session.commit()
    stale = _db.session.get(Rsvp, zoe.id)
    # Another cancel promoted Zoé (and took her seat) after this one read the waiting list.
    with _db.engine.begin() as other:
        other.execute(update(Rsvp).where(Rsvp.id == zoe.id).values(status="going"))
        other.execute(update(OccurrenceSeats).values(seats_taken=2))
    services._promote(cafe_a, [stale])
    _db.session.commit()
    _db.session.expire_all()
    assert _db.session.query(OccurrenceSeats).one().seats_taken == 2


# Review: absurd ids, dates and keys are a 404 or a message, never a 500 ---------------------------


@pytest.mark.parametrize("on", ["99991231T2359Z", "00010101T0000Z", "99991231T2300Z"])
def test_occurrence_keys_at_the_ends_of_time_are_404(client, auth, team_a, on):
    event = make_event(team_a.cafe, rsvp_enabled=True, capacity=5)
    assert client.get(f"{BASE}/events/{event.id}?on={on}").status_code == 404
    assert (
        client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, occurrence=on)).status_code == 404
    )
    auth.login(team_a.staff)
    assert client.get(f"{BASE}/events/manage/{event.id}/attendees?on={on}").status_code == 404


def test_huge_ids_are_404(client, auth, team_a):
    huge = "9" * 25
    assert client.get(f"{BASE}/events/{huge}").status_code == 404
    assert client.get(f"{BASE}/events/{huge}.ics").status_code == 404
    auth.login(team_a.staff)
    assert client.get(f"{BASE}/events/manage/{huge}/edit").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": "9999-12-31", "start_time": "23:00", "end_time": "01:00"}, "trop lointaine"),
        ({"day": "0001-01-01", "start_time": "00:00"}, "trop lointaine"),
        ({"day": "9999-06-01", "recurrence": "weekly", "repeat_until": "9999-12-01"}, "trop lointaine"),
        ({"recurrence": "weekly", "repeat_until": "9999-12-31"}, "deux ans au plus"),
    ],
)
def test_event_dates_at_the_ends_of_time_get_a_message(client, auth, team_a, overrides, message):
    auth.login(team_a.staff)
    response = client.post(f"{BASE}/events/manage/new", data=event_form(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _db.session.query(Event).count() == 0


def test_moving_a_date_to_the_end_of_time_gets_a_message(client, auth, team_a):
    event = make_event(team_a.cafe, recurrence=Recurrence.WEEKLY, repeat_count=4)
    auth.login(team_a.staff)
    response = client.post(
        f"{BASE}/events/manage/{event.id}/dates",
        data={
            "occurrence": occurrence_key(event.starts_at),
            "action": "move",
            "new_day": "9999-12-31",
            "new_start_time": "23:00",
            "new_end_time": "01:00",
        },
    )
    assert response.status_code == 422
    assert "trop lointaine" in response.get_data(as_text=True)


def test_event_page_with_someones_details_is_not_stored(client, auth, cafe_a, resident):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    anonymous = client.get(f"{BASE}/events/{event.id}")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    typed = client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, phone="12", email=""))
    assert typed.status_code == 422 and "no-store" in typed.headers["Cache-Control"]
    assert 'hx-history="false"' in typed.get_data(as_text=True)
    auth.login(resident)
    page = client.get(f"{BASE}/events/{event.id}")
    assert resident.email in page.get_data(as_text=True)  # prefilled for them
    assert "no-store" in page.headers["Cache-Control"]
    assert 'hx-history="false"' in page.get_data(as_text=True)


def test_the_answer_form_of_a_series_says_which_date_it_is_for(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, recurrence=Recurrence.WEEKLY, repeat_count=4)
    page = client.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    panel = page[page.find('id="rsvp-panel"') :]
    assert "Pour le " in panel[: panel.find("<form")]


def test_more_seats_go_to_the_waiting_list_first(client, auth, team_a, outbox):
    event = make_event(team_a.cafe, rsvp_enabled=True, capacity=2)
    client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, name="Paul"))
    client.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, name="Zoé", email="zoe@example.org", party_size="1", waitlist="1"),
    )
    zoe = _db.session.query(Rsvp).filter_by(name="Zoé").one()
    assert zoe.status == RsvpStatus.WAITLIST
    auth.login(team_a.staff)
    day = event.starts_at.astimezone(team_a.cafe.zone)
    response = client.post(
        f"{BASE}/events/manage/{event.id}/edit",
        data=event_form(
            day=day.date().isoformat(), start_time="20:00", end_time="22:00", rsvp_enabled="y", capacity="3"
        ),
    )
    assert response.status_code == 303
    _db.session.expire_all()
    assert _db.session.get(Rsvp, zoe.id).status == RsvpStatus.GOING
    assert _db.session.query(OccurrenceSeats).one().seats_taken == 3
    assert "Une place" in outbox[-1]["Subject"] or zoe.email in outbox[-1]["To"]


def test_an_answer_for_a_date_the_series_no_longer_has_still_shows(client, auth, team_a):
    event = make_event(team_a.cafe, rsvp_enabled=True, recurrence=Recurrence.WEEKLY, repeat_count=4)
    last = event.starts_at + timedelta(weeks=3)
    client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, occurrence=occurrence_key(last)))
    answer = _db.session.query(Rsvp).one()
    event.repeat_count = 2
    _db.session.commit()
    page = client.get(f"{BASE}/events/rsvp/{answer.code}")
    assert page.status_code == 200
    assert "Annuler mon inscription" in page.get_data(as_text=True)


def test_the_list_links_are_big_enough_to_tap(client, cafe_a):
    page = client.get(f"{BASE}/events/").get_data(as_text=True)
    nav = page[page.find('<nav class="programme-nav"') :]
    assert nav and "Programme à imprimer" in nav[: nav.find("</nav>")]  # 44 px tall links

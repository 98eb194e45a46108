"""Every destructive action asks first, also without JavaScript, and says what happens to whom."""

from sqlalchemy import select

from portal.models import Booking, Event, Membership, Rsvp, RsvpStatus

from .test_bookings import BASE as HELP
from .test_bookings import booked, find, helpdesk  # noqa: F401  (fixtures)
from .test_events import BASE, make_event


def test_deleting_an_event_shows_a_confirmation_first(client, auth, db, team_a):
    event = make_event(team_a.cafe, "Loto", rsvp_enabled=True)
    db.session.add(
        Rsvp(
            cafe_id=team_a.cafe.id,
            event_id=event.id,
            occurrence_start=event.starts_at,
            name="Jeanne",
            party_size=3,
        )
    )
    db.session.commit()
    auth.login(team_a.staff)
    page = client.get(f"{BASE}/events/manage/").get_data(as_text=True)
    # No one-tap form: a link to the confirmation page (htmx or not).
    assert f'action="{BASE}/events/manage/{event.id}/delete"' not in page
    assert f'href="{BASE}/events/manage/{event.id}/delete"' in page
    page = client.get(f"{BASE}/events/manage/{event.id}/delete").get_data(as_text=True).replace("\u00a0", " ")
    assert "Supprimer « Loto » définitivement ?" in page
    assert "3 personnes ont dit qu’elles venaient" in page and "annulez plutôt l’événement" in page
    assert 'name="confirmed" value="1"' in page and f'href="{BASE}/events/manage/"' in page
    # A POST that did not come through the confirmation asks again.
    response = client.post(f"{BASE}/events/manage/{event.id}/delete")
    assert response.status_code == 200 and "définitivement" in response.get_data(as_text=True)
    event_id = event.id
    assert db.session.get(Event, event_id) is not None
    response = client.post(f"{BASE}/events/manage/{event_id}/delete", data={"confirmed": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Event, event_id) is None


def test_cancelling_an_appointment_shows_a_confirmation_first(client, db, helpdesk, booked):  # noqa: F811
    find(client, booked.booking.code, "0553123456")
    page = client.get(f"{HELP}/change/booking").get_data(as_text=True)
    assert f'action="{HELP}/change/cancel"' not in page and f'href="{HELP}/change/cancel"' in page
    page = client.get(f"{HELP}/change/cancel").get_data(as_text=True).replace("\u00a0", " ")
    assert "Annuler votre rendez-vous du" in page and "Votre place est libérée" in page
    assert client.post(f"{HELP}/change/cancel").status_code == 200
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "booked"
    assert client.post(f"{HELP}/change/cancel", data={"confirmed": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status != "booked"


def test_other_destructive_buttons_lead_to_a_confirmation_page(client, auth, db, team_a):
    auth.login(team_a.manager)
    page = client.get("/c/saint-jean-de-cole/manage/team").get_data(as_text=True)
    membership = db.session.scalars(select(Membership).where(Membership.user_id == team_a.staff.id)).one()
    action = f"/c/saint-jean-de-cole/manage/team/{membership.id}/remove"
    assert f'action="{action}"' not in page
    start = page.index(f'hx-post="{action}"')
    link = page[page.rindex("<a ", 0, start) : start]
    confirm = link[link.index('href="') + 6 : link.index('"', link.index('href="') + 6)].replace("&amp;", "&")
    page = client.get(confirm).get_data(as_text=True).replace("\u00a0", " ")
    assert "Retirer Serveur a de l’équipe ?" in page and "n’aura plus accès" in page
    assert f'action="{action}"' in page and 'name="confirmed" value="1"' in page
    # A link of someone else's making is not a confirmation page.
    assert client.get("/confirm?t=forged").status_code == 404


def test_taking_someone_off_an_event_asks_first(client, auth, db, team_a):
    event = make_event(team_a.cafe, "Loto", rsvp_enabled=True)
    answer = Rsvp(
        cafe_id=team_a.cafe.id,
        event_id=event.id,
        occurrence_start=event.starts_at,
        name="Jeanne Martin",
        status=RsvpStatus.GOING,
    )
    db.session.add(answer)
    db.session.commit()
    auth.login(team_a.staff)
    page = client.get(f"{BASE}/events/manage/{event.id}/attendees").get_data(as_text=True)
    assert f'action="{BASE}/events/manage/rsvp/{answer.id}/cancel"' not in page
    assert "/confirm?t=" in page

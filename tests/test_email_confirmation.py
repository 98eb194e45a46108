"""Registering sends a link to confirm the address; the account posts once it is confirmed."""

import re
from datetime import timedelta

from portal.extensions import db as _db
from portal.models import Notice, User
from tests.conftest import PASSWORD


def _register(client, email="nouvelle@example.org"):
    response = client.post(
        "/account/register",
        data={"display_name": "Nouvelle", "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )
    client.post("/account/login", data={"email": email, "password": PASSWORD})
    return response


def _link(outbox) -> str:
    body = outbox[-1].get_content()
    return re.search(r"http://localhost(/account/confirm/\S+)", body).group(1)


def _notice_form(cafe):
    return {
        "title": "Donne un vélo",
        "category": "give_away",
        "body": "Bon état, à venir chercher samedi.",
        "expires_on": (cafe.today() + timedelta(days=7)).isoformat(),
        "relay_contact": "y",
    }


def test_registering_sends_a_confirmation_link_and_posting_waits_for_it(client, cafe_a, outbox):
    assert _register(client).status_code == 303
    user = _db.session.query(User).filter_by(email="nouvelle@example.org").one()
    assert user.email_confirmed_at is None
    (mail,) = outbox  # the welcome mail carries the link
    assert mail["To"] == "nouvelle@example.org"
    assert "ouvrez ce lien d’ici 7 jours" in mail.get_content()
    assert "Pour ne plus recevoir de messages" in mail.get_content()

    base = f"/c/{cafe_a.slug}/board"
    page = client.get(f"{base}/new")
    assert page.status_code == 403
    assert "Confirmez d’abord votre adresse" in page.get_data(as_text=True)
    assert client.post(f"{base}/new", data=_notice_form(cafe_a)).status_code == 403
    assert _db.session.query(Notice).count() == 0

    follow = client.get(_link(outbox))
    assert follow.status_code == 303
    _db.session.expire_all()
    assert _db.session.get(User, user.id).email_confirmed_at is not None
    assert client.get(f"{base}/new").status_code == 200
    posted = client.post(f"{base}/new", data=_notice_form(cafe_a))
    assert posted.status_code == 303
    assert _db.session.query(Notice).count() == 1


def test_a_bad_or_foreign_link_confirms_nothing(client, outbox):
    _register(client)
    link = _link(outbox)
    user = _db.session.query(User).filter_by(email="nouvelle@example.org").one()
    user.email = "changee@example.org"  # the link was for the old address
    _db.session.commit()
    response = client.get(link)
    assert "a expiré ou n’est pas valable" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/account/confirm/not-a-token").status_code == 303
    _db.session.expire_all()
    assert _db.session.get(User, user.id).email_confirmed_at is None


def test_the_link_can_be_sent_again(client, outbox):
    _register(client)
    assert client.post("/account/confirm/resend").status_code == 303
    assert len(outbox) == 2

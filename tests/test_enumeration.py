"""Account enumeration by timing (issue 9 item 7): whether an address has an account, the
server does the same work. Counted, not timed: the number of password hashes computed is
what made a known address take 160 ms against 11 ms; mail is queued, never sent in the request."""

import pytest
import werkzeug.security
from sqlalchemy import select

from portal.extensions import db as _db
from portal.models import OutboxMessage, OutboxStatus
from tests.test_auth import register


@pytest.fixture
def hashes(monkeypatch):
    """How many password hashes (scrypt or pbkdf2, checked or made) the requests computed."""
    counted = []
    real = werkzeug.security._hash_internal

    def counting(*args, **kwargs):
        counted.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return counted


def _hashes_for(hashes, request) -> int:
    before = len(hashes)
    request()
    return len(hashes) - before


def _warm_up(client) -> None:
    # The stand-in hash an unknown address is checked against is made once per process.
    client.post("/account/login", data={"email": "premier@example.org", "password": "x" * 12})


def test_a_login_costs_one_hash_whether_the_address_has_an_account_or_not(client, resident, hashes):
    _warm_up(client)
    unknown = _hashes_for(
        hashes,
        lambda: client.post("/account/login", data={"email": "personne@example.org", "password": "x" * 12}),
    )
    wrong = _hashes_for(
        hashes, lambda: client.post("/account/login", data={"email": resident.email, "password": "x" * 12})
    )
    assert (unknown, wrong) == (1, 1)


def test_registering_costs_one_hash_whether_the_address_is_taken_or_not(client, resident, hashes):
    _warm_up(client)
    new = _hashes_for(hashes, lambda: register(client, name="Marcel", email="nouveau@example.org"))
    taken = _hashes_for(hashes, lambda: register(client, name="Jeanne Bis", email=resident.email))
    assert (new, taken) == (1, 1)


def test_a_reset_request_queues_its_mail_and_never_sends_it_in_the_request(make_app, resident):
    # An SMTP server that does not answer: sending inside the request would fail or hang.
    app = make_app(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=9, OUTBOX_INLINE=False, EMBEDDED_WORKER=False
    )
    client = app.test_client()
    with app.app_context():
        known = client.post("/account/reset", data={"email": resident.email})
        unknown = client.post("/account/reset", data={"email": "personne@example.org"})
        assert known.status_code == unknown.status_code == 303
        assert known.headers["Location"] == unknown.headers["Location"]
        queued = _db.session.scalars(select(OutboxMessage)).all()
        assert [(m.email, m.status) for m in queued] == [(resident.email, OutboxStatus.PENDING)]

"""The notifier sends by every channel a person can be reached on."""

from portal.extensions import db
from portal.notify import Recipient, notify

from .conftest import words


def test_email_and_sms_when_both_are_known(app, outbox):
    used = notify(
        Recipient(email="a@example.org", mobile="+33612345678"), "Rappel", "Demain 10 h", "Demain 10 h"
    )
    db.session.commit()  # the caller commits: the message is sent once it is saved
    assert used == ["email", "sms"]
    assert outbox[-1]["To"] == "a@example.org" and outbox[-1]["Subject"] == "Rappel"
    [(phone, sms)] = app.extensions["sms_outbox"]
    # French typography puts a no-break space before the colon.
    assert (phone, words(sms)) == ("+33612345678", "Demain 10 h Stop : http://localhost/privacy")


def test_nothing_is_sent_to_someone_with_only_a_landline(app, outbox):
    assert notify(Recipient(), "Rappel", "Demain") == []
    assert outbox == []


def test_sms_can_be_switched_off(make_app):
    app = make_app(SMS_ENABLED=False)
    with app.app_context():
        assert notify(Recipient(mobile="+33612345678"), "Rappel", "Demain") == []

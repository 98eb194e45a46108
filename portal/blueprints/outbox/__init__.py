"""Messages that could not be sent: the café's staff see theirs, the network team sees all."""

from flask import Blueprint, flash, g, url_for
from flask_babel import gettext as _

from ... import outbox
from ...access import cafe_role, network_admin, requires
from ...extensions import db
from ...htmx import private_blueprint, redirect_to, render
from ...models import Role

bp = Blueprint("messages", __name__, url_prefix="/manage/messages")
network_bp = Blueprint("network_messages", __name__, url_prefix="/network/messages")


# Addresses and message texts of residents: never cached, out of htmx's history.
private_blueprint(bp)
private_blueprint(network_bp)


@bp.get("/")
@requires(cafe_role(Role.STAFF))
def failed():
    return render("outbox/failed.html", messages=outbox.failed_messages(g.cafe), network=False)


@bp.post("/<int:message_id>/retry")
@requires(cafe_role(Role.STAFF))
def retry(message_id: int):
    outbox.retry_failed(g.cafe, message_id)
    db.session.commit()
    flash(_("The message will be sent again in a moment."), "success")
    return redirect_to(url_for(".failed"))


@network_bp.get("/")
@requires(network_admin)
def failed_everywhere():
    return render("outbox/failed.html", messages=outbox.failed_messages(), network=True)


@network_bp.post("/<int:message_id>/retry")
@requires(network_admin)
def retry_anywhere(message_id: int):
    outbox.retry_failed(None, message_id)
    db.session.commit()
    flash(_("The message will be sent again in a moment."), "success")
    return redirect_to(url_for(".failed_everywhere"))

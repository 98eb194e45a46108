"""`flask --app wsgi network-moderator add|remove EMAIL`: who moderates every café's board."""

import click
from sqlalchemy import select

from ... import audit
from ...extensions import db
from ...models import User
from . import network_bp


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.BadParameter("no account uses this address", param_hint="EMAIL")
    return user


@network_bp.cli.command("add")
@click.argument("email")
def add_command(email: str):
    """Let the account EMAIL moderate the noticeboards of every café."""
    user = _user(email)
    user.is_network_moderator = True
    audit.record("moderation.network_moderator_added", None, target=user.email, actor=None)
    db.session.commit()
    click.echo(f"{user.email} moderates every café's noticeboard.")


@network_bp.cli.command("remove")
@click.argument("email")
def remove_command(email: str):
    """Take the network moderator flag away from EMAIL."""
    user = _user(email)
    user.is_network_moderator = False
    audit.record("moderation.network_moderator_removed", None, target=user.email, actor=None)
    db.session.commit()
    click.echo(f"{user.email} no longer moderates the network.")

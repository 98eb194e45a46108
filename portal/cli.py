"""`flask --app wsgi …` commands for operators."""

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .extensions import db


@click.command("seed-demo")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print the café slugs and demo logins as JSON.")
def seed_demo_command(as_json: bool):
    """Load the demo network into an empty database (does nothing otherwise)."""
    from sqlalchemy import select

    from .demo import demo_logins, seed_demo
    from .models import Cafe

    created = seed_demo()
    if as_json:
        slugs = db.session.scalars(select(Cafe.slug).order_by(Cafe.id)).all()
        click.echo(
            json.dumps(
                {"created": created, "cafes": slugs, "logins": demo_logins()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo("Demo network created." if created else "The database already has data: nothing changed.")
    click.echo("Demo logins:")
    for login in demo_logins():
        cafe = login["cafe"] or "(network)"
        click.echo(f"  {login['email']:<34} {login['password']}  {login['role']:<13} {cafe}")


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", default="Équipe réseau", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin_command(email: str, name: str, password: str):
    """Create a network admin, or make an existing account one."""
    from .blueprints.auth.services import find_user_by_email, normalise_email
    from .models import User

    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), display_name=name)
        db.session.add(user)
    user.set_password(password)
    user.is_network_admin = True
    db.session.commit()
    click.echo(f"{user.email} is a network admin.")


@click.command("backup")
@with_appcontext
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(destination: Path | None):
    """Copy the database to DESTINATION (default: instance/backups/comptoir-<time>)."""
    from . import backup

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    destination = destination or backup.default_backup_path(current_app.instance_path, url)
    click.echo(f"Backup written to {backup.backup(url, destination)}")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool):
    """Replace the database's content with the backup SOURCE."""
    from . import backup

    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    click.echo(f"Database restored from {source}")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Remind tomorrow's digital-help appointments (run daily; running twice sends nothing twice)."""
    from .jobs import send_all_reminders

    for line in send_all_reminders():
        click.echo(line)


@click.command("shop-run")
@with_appcontext
def shop_run_command():
    """Village shop, every few minutes: regulars' orders, baker's lists, uncollected orders."""
    from .blueprints.orders import services as orders

    with current_app.test_request_context():
        placed = orders.place_all_standing_orders()
        lists = orders.send_baker_lists()
        marked = orders.mark_uncollected()
    click.echo(
        f"{placed} regular order(s) placed, {lists} baker's list(s) sent, {marked} marked not collected."
    )


@click.command("purge-personal-data")
@with_appcontext
def purge_personal_data_command():
    """Apply every retention rule of the personal-data map (daily; safe to run twice, even at once)."""
    from .jobs import purge_all_personal_data

    for line in purge_all_personal_data():
        click.echo(line)


COMMANDS = (
    seed_demo_command,
    create_admin_command,
    backup_command,
    restore_command,
    send_reminders_command,
    shop_run_command,
    purge_personal_data_command,
)


def register_cli(app: Flask) -> None:
    """The operators' commands (names and options are a contract: see the README)."""
    for command in COMMANDS:
        app.cli.add_command(command)

"""Applying the map: anonymising rows, on a person's request or when they have been kept long enough.

Nothing here names a table's columns: what to blank, neutralise, keep or delete is read from
portal/personal_data.py, so a column added to the map is handled everywhere at once.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, String, Text, delete, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from ...claims import updated_rows
from ...extensions import db
from ...models import Cafe, Membership, Role, User, utcnow
from ...models.outbox import OutboxMessage
from ...personal_data import BLANK, DELETE_ROW, MAP, NEUTRAL, STAMP, Column


class LastManager(Exception):
    """The person is the last manager of these cafés: someone must take over first."""

    def __init__(self, cafes: list[Cafe]):
        super().__init__(", ".join(c.name for c in cafes))
        self.cafes = cafes


def table(name: str):
    return db.metadata.tables[name]


def _links_to_user(column) -> bool:
    return any(fk.column.table.name == "user" for fk in column.foreign_keys)


def new_value(table_, name: str, spec: Column, action: str, now: datetime):
    """What `action` writes into the column (None: leave the column alone)."""
    column = table_.c[name]
    if action == BLANK:
        if isinstance(column.type, JSON):
            return {}
        if column.nullable:
            return None
        if isinstance(column.type, String | Text):
            return ""
        if isinstance(column.type, Boolean):
            return False
        raise ValueError(f"{table_.name}.{name}: no blank value for a required {column.type}")
    if action == NEUTRAL:
        return spec.neutral(table_) if callable(spec.neutral) else spec.neutral
    if action == STAMP:
        return now
    return None


def values_for(table_name: str, mode: str, now: datetime) -> dict:
    """The new values of a row anonymised for `mode` ('on_delete' or 'on_expiry')."""
    table_ = table(table_name)
    values = {}
    for name, spec in MAP[table_name].columns.items():
        value = new_value(table_, name, spec, getattr(spec, mode), now)
        if value is not None or getattr(spec, mode) == BLANK:
            values[name] = value
    return values


def _owner_condition(table_name: str, user: User, email: str) -> ColumnElement | None:
    """Rows of `table_name` that are this person's: linked to the account, or given their address."""
    table_ = table(table_name)
    conditions = []
    for name, spec in MAP[table_name].columns.items():
        if not spec.owner:
            continue
        column = table_.c[name]
        if _links_to_user(column) or (table_name == "user" and name == "id"):
            conditions.append(column == user.id)
        elif email:
            conditions.append(func.lower(column) == email)
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else db.or_(*conditions)


def cafes_needing_a_manager(user: User) -> list[Cafe]:
    """Open cafés where this person is the only manager."""
    managed = select(Membership.cafe_id).where(Membership.user_id == user.id, Membership.role == Role.MANAGER)
    cafes = []
    for cafe in db.session.scalars(select(Cafe).where(Cafe.id.in_(managed), Cafe.closed_at.is_(None))):
        others = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.cafe_id == cafe.id, Membership.role == Role.MANAGER, Membership.user_id != user.id
            )
        )
        if not others:
            cafes.append(cafe)
    return cafes


def anonymise_person(user: User, now: datetime | None = None) -> dict[str, int]:
    """Erase a person everywhere, as the map says; returns rows changed per table.

    Identity blanked, notices withdrawn, bookings and RSVPs kept as anonymous categories,
    staff memberships ended, the audit log keeping actions without the person. Raises
    LastManager before changing anything when a café would be left without a manager.
    The caller commits.
    """
    now = now or utcnow()
    needing = cafes_needing_a_manager(user)
    if needing:
        raise LastManager(needing)
    # Bookings and RSVPs carry no account: the address is the link, once the person confirmed it.
    email = user.email.strip().lower() if user.email_confirmed else ""
    changed: dict[str, int] = {}
    # Messages to others that name the person (a reply relayed to a notice's author): gone too.
    mentions = [OutboxMessage.body.contains(user.email)]
    if user.display_name.strip():
        mentions.append(OutboxMessage.body.contains(user.display_name.strip()))
    changed["outbox_message"] = updated_rows(delete(OutboxMessage).where(db.or_(*mentions)))
    # The person's own row last: the other tables are matched on its address first.
    for table_name in sorted(MAP, key=lambda name: name == "user"):
        table_ = table(table_name)
        specs = MAP[table_name].columns
        count = 0
        owned = _owner_condition(table_name, user, email)
        if owned is not None:
            if any(spec.owner and spec.on_delete == DELETE_ROW for spec in specs.values()):
                count += updated_rows(delete(table_).where(owned))
            else:
                values = values_for(table_name, "on_delete", now)
                if values:
                    count += updated_rows(update(table_).where(owned).values(**values))
        # Rows that merely mention the person (a helper's hours, a suspension, an approval).
        for name, spec in specs.items():
            column = table_.c[name]
            if spec.owner or not _links_to_user(column):
                continue
            if spec.on_delete == DELETE_ROW:
                count += updated_rows(delete(table_).where(column == user.id))
            elif spec.on_delete in (BLANK, NEUTRAL):
                value = new_value(table_, name, spec, spec.on_delete, now)
                count += updated_rows(update(table_).where(column == user.id).values({name: value}))
        if count:
            changed[table_name] = count
    db.session.expire_all()
    return changed

"""RSVPs: one current answer per email and per phone for each date, enforced by the database

Two browsers sending the same contact for the same date at the same instant could both get
seats (the service's check ran before either insert). Partial unique indexes close that on
SQLite and PostgreSQL. Duplicates already there (from such races) are resolved first: the
earliest answer stays, the later ones are cancelled and give their seats back.

Revision ID: i9_rsvp_one_per_contact
Revises: i11_cache_version
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "i9_rsvp_one_per_contact"
down_revision = "i11_cache_version"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('going', 'waitlist')"


def _cancel_later_duplicates(bind, contact: str) -> None:
    rows = bind.execute(
        sa.text(
            f"SELECT id, event_id, occurrence_start, {contact}, status, party_size FROM rsvp"
            f" WHERE {ACTIVE} AND {contact} != '' ORDER BY created_at, id"
        )
    ).all()
    seen = set()
    now = datetime.now(UTC).replace(tzinfo=None)
    for rsvp_id, event_id, start, value, status, party in rows:
        key = (event_id, start, value)
        if key not in seen:
            seen.add(key)
            continue
        bind.execute(
            sa.text("UPDATE rsvp SET status = 'cancelled', cancelled_at = :now WHERE id = :id").bindparams(
                sa.bindparam("now", type_=sa.DateTime())
            ),
            {"now": now, "id": rsvp_id},
        )
        if status == "going":
            bind.execute(
                sa.text(
                    "UPDATE occurrence_seats SET seats_taken = CASE WHEN seats_taken > :party"
                    " THEN seats_taken - :party ELSE 0 END"
                    " WHERE event_id = :event AND occurrence_start = :start"
                ),
                {"party": party, "event": event_id, "start": start},
            )


def upgrade():
    bind = op.get_bind()
    # Contacts were stored normalised by the service; older rows may differ only in case.
    bind.execute(sa.text("UPDATE rsvp SET email = lower(email) WHERE email != lower(email)"))
    for contact in ("email", "phone"):
        _cancel_later_duplicates(bind, contact)
        where = sa.text(f"{ACTIVE} AND {contact} != ''")
        op.create_index(
            f"uq_rsvp_active_{contact}",
            "rsvp",
            ["event_id", "occurrence_start", contact],
            unique=True,
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade():
    op.drop_index("uq_rsvp_active_phone", table_name="rsvp")
    op.drop_index("uq_rsvp_active_email", table_name="rsvp")

"""Importing cafés from a CSV file: a dry run that says what each line will do, then the import.

Columns (French or English headers, `;` or `,`): name, village, postcode, department, address,
time zone, manager email. A café already in the network (same name and postcode) is left as
it is, so importing the same file twice changes nothing the second time.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import Cafe, Invitation, Membership, Role, User, utcnow
from ...models.cafe import normalise_for_search
from .forms import TIMEZONES

MAX_LINES = 2000
MAX_BYTES = 1_000_000

# Accepted headers (normalised: lower case, no accents, spaces as _) for each column.
HEADERS = {
    "name": {"name", "nom", "nom_du_cafe", "cafe"},
    "village": {"village", "commune"},
    "postcode": {"postcode", "code_postal", "cp"},
    "department": {"department", "departement"},
    "address": {"address", "adresse"},
    "timezone": {"time_zone", "timezone", "fuseau_horaire", "fuseau"},
    "manager_email": {
        "manager_email",
        "email_du_gerant",
        "email_gerant",
        "courriel_du_gerant",
        "e_mail_du_gerant",
        "email",
    },
}
REQUIRED = ("name", "village", "postcode", "department")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


@dataclass
class Line:
    number: int
    values: dict
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create", "unchanged", "error"
    slug: str = ""
    manager_action: str = ""  # "appoint", "invite", ""

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def slugify(text: str) -> str:
    words = normalise_for_search(text)
    return re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:60].strip("-")


def read_rows(raw: bytes) -> list[Line]:
    """The file's lines with their values by column; ImportFileError when it cannot be read."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("The file is too big: at most 1 MB."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportFileError(_("The file is not text: save it as CSV (UTF-8).")) from error
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        key = _header_key(name)
        for column, aliases in HEADERS.items():
            if key in aliases and column not in columns.values():
                columns[index] = column
    missing = [c for c in REQUIRED if c not in columns.values()]
    if missing:
        raise ImportFileError(
            _(
                "The first line must name the columns; missing: %(columns)s.",
                columns=", ".join(missing),
            )
        )
    lines = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {column: "" for column in HEADERS}
        for index, column in columns.items():
            if index < len(row):
                values[column] = row[index].strip()
        lines.append(Line(number=number, values=values))
        if len(lines) > MAX_LINES:
            raise ImportFileError(_("At most %(num)d cafés per file.", num=MAX_LINES))
    if not lines:
        raise ImportFileError(_("The file has a header but no café."))
    return lines


def plan(raw: bytes) -> list[Line]:
    """What importing the file would do, line by line, without writing anything.

    A constant number of queries: the cafés already there (by name and postcode) and the
    slugs already taken are looked up for the whole file at once.
    """
    lines = read_rows(raw)
    zones = {zone for zone, _label in TIMEZONES}
    for line in lines:
        _check_values(line, zones)
    keys = {(normalise_for_search(line.values["name"]), line.values["postcode"]) for line in lines}
    existing = {}
    if keys:
        rows = db.session.execute(
            select(Cafe.id, Cafe.name, Cafe.postcode, Cafe.slug).where(
                Cafe.postcode.in_({k[1] for k in keys})
            )
        ).all()
        existing = {(normalise_for_search(row.name), row.postcode): row for row in rows}
    candidates = {slugify(line.values["village"]) for line in lines} | {
        slugify(f"{line.values['name']} {line.values['village']}") for line in lines
    }
    taken = set(db.session.scalars(select(Cafe.slug).where(Cafe.slug.in_(candidates))))
    seen: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (normalise_for_search(line.values["name"]), line.values["postcode"])
        if key in seen and line.ok:
            line.errors.append(_("Same café as line %(num)d.", num=seen[key]))
        seen.setdefault(key, line.number)
        if not line.ok:
            line.action = "error"
            continue
        found = existing.get(key)
        if found is not None:
            line.action = "unchanged"
            line.slug = found.slug
        else:
            line.action = "create"
            line.slug = _free_slug(line.values, taken)
            taken.add(line.slug)
    _plan_managers(lines, existing)
    return lines


def _check_values(line: Line, zones: set[str]) -> None:
    """The errors of one line on its own (the file-wide checks come after)."""
    v = line.values
    for column, label in (
        ("name", _("name")),
        ("village", _("village")),
        ("department", _("department")),
    ):
        if not v[column]:
            line.errors.append(_("The %(column)s is missing.", column=label))
    if len(v["name"]) > 120 or len(v["village"]) > 120 or len(v["department"]) > 80:
        line.errors.append(_("A name, village or department is too long."))
    if not re.fullmatch(r"\d{5}", v["postcode"]):
        line.errors.append(_("The postcode “%(value)s” does not have 5 digits.", value=v["postcode"][:20]))
    if v["timezone"] and v["timezone"] not in zones:
        line.errors.append(_("Unknown time zone “%(value)s”.", value=v["timezone"][:40]))
    v["timezone"] = v["timezone"] or "Europe/Paris"
    if v["manager_email"]:
        try:
            v["manager_email"] = validate_email(
                v["manager_email"], check_deliverability=False
            ).normalized.lower()
        except EmailNotValidError:
            line.errors.append(
                _("The manager’s email “%(value)s” is not valid.", value=v["manager_email"][:80])
            )


def _free_slug(values: dict, taken: set[str]) -> str:
    for candidate in (slugify(values["village"]), slugify(f"{values['name']} {values['village']}")):
        if len(candidate) >= 3 and candidate not in taken:
            return candidate
    base = slugify(f"{values['name']} {values['village']}")[:55] or "cafe"
    n = 2
    while f"{base}-{n}" in taken or db.session.scalar(select(Cafe.id).where(Cafe.slug == f"{base}-{n}")):
        n += 1
    return f"{base}-{n}"


def _plan_managers(lines: list[Line], existing: dict) -> None:
    """Who will be appointed or invited; nothing when it is already done (idempotent)."""
    emails = {line.values["manager_email"] for line in lines if line.ok and line.values["manager_email"]}
    if not emails:
        return
    cafe_ids = [row.id for row in existing.values()]
    managers = set()
    waiting = set()
    if cafe_ids:
        managers = set(
            db.session.execute(
                select(Membership.cafe_id, func.lower(User.email))
                .join(Membership.user)
                .where(Membership.cafe_id.in_(cafe_ids), Membership.role == Role.MANAGER)
            ).all()
        )
        waiting = set(
            db.session.execute(
                select(Invitation.cafe_id, Invitation.email).where(
                    Invitation.cafe_id.in_(cafe_ids),
                    Invitation.role == Role.MANAGER,
                    Invitation.accepted_at.is_(None),
                    Invitation.expires_at > utcnow(),
                    Invitation.email.in_(emails),
                )
            ).all()
        )
    accounts = set(
        db.session.scalars(select(func.lower(User.email)).where(func.lower(User.email).in_(emails)))
    )
    for line in lines:
        email = line.values["manager_email"]
        if not line.ok or not email:
            continue
        found = existing.get((normalise_for_search(line.values["name"]), line.values["postcode"]))
        if found is not None and ((found.id, email) in managers or (found.id, email) in waiting):
            continue
        line.manager_action = "appoint" if email in accounts else "invite"


def run(raw: bytes, *, actor: User | None) -> list[Line]:
    """Import the file: create the new cafés, appoint or invite their managers; skip the rest."""
    from . import services

    lines = plan(raw)
    if any(not line.ok for line in lines):
        return lines
    for line in lines:
        v = line.values
        if line.action == "create":
            cafe = services.create_cafe(
                v["name"], line.slug, v["village"], v["postcode"], v["department"], v["timezone"], actor=actor
            )
            if v["address"]:
                cafe.address = v["address"][:255]
                db.session.commit()
        else:
            cafe = db.session.scalar(select(Cafe).where(Cafe.slug == line.slug))
        if line.manager_action == "appoint":
            services.appoint_manager(cafe, v["manager_email"], actor=actor)
        elif line.manager_action == "invite":
            services.invite_manager(cafe, v["manager_email"], actor=actor)
    return lines

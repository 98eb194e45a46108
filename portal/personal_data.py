"""The map of personal data: every column of every table, and what becomes of it.

For each column: does it hold personal data (something that names, reaches or describes a
person), what happens to it when that person erases their account (`on_delete`), and what
happens when it has been kept long enough (`on_expiry`). The privacy page, "download my data",
account deletion and the retention command all read this map, so they cannot drift apart,
and tests/test_personal_data.py fails as soon as a model gains a column the map does not
classify. Adding a column? Add a line here saying what it is and what happens to it.

Actions:
- KEEP: stays as it is (not personal, or needed and harmless once the person is erased);
- BLANK: emptied ('' for text, NULL otherwise);
- NEUTRAL: replaced by a neutral value (`neutral`, a constant or a function of the table);
- CATEGORY: personal but coarse (an age band, a status, a party size): kept as a category,
  so the café's figures stay true once the name beside it is gone;
- DELETE_ROW: on a column that links a row to a person, the whole row goes with them;
- PSEUDONYMISE: replaced by a stable pseudonym (the same person gives the same pseudonym,
  nobody can go back from it to the person);
- STAMP: set to the moment of the anonymisation (it says the row was anonymised).

A column marked `owner` ties a row to its person: a link to the account, or the email address
that person gave (bookings and RSVPs are made without an account). Rows a person owns are
theirs: exported to them, and anonymised with them.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, case, cast, literal

KEEP = "keep"
BLANK = "blank"
NEUTRAL = "neutral"
CATEGORY = "category"
DELETE_ROW = "delete row"
PSEUDONYMISE = "pseudonymise"
STAMP = "stamp"
ACTIONS = (KEEP, BLANK, NEUTRAL, CATEGORY, DELETE_ROW, PSEUDONYMISE, STAMP)

# What a deleted account is called wherever its name is still shown (the author of an old notice).
ERASED_NAME = "Compte supprimé"
# Where a name is required (a notice posted at the counter), once it is erased.
ANONYMOUS = "Anonyme"


@dataclass(frozen=True)
class Column:
    personal: bool
    about: Any = ""  # a lazy string: the privacy page and the export's README describe the column with it
    on_delete: str = KEEP
    on_expiry: str = KEEP
    owner: bool = False
    neutral: Any = None
    # In an export, a link to a staff member is written "staff": people see that staff acted, not who.
    staff_link: bool = False


def no(about: Any = "") -> Column:
    """A column that holds nothing personal."""
    return Column(personal=False, about=about)


def plain(names: str) -> dict[str, Column]:
    """Columns holding nothing personal, named in one string."""
    return {name: no() for name in names.split()}


def personal(about: Any, on_delete: str = BLANK, on_expiry: str = KEEP, **extra) -> Column:
    return Column(personal=True, about=about, on_delete=on_delete, on_expiry=on_expiry, **extra)


def staff(about: Any, on_delete: str = KEEP, on_expiry: str = KEEP) -> Column:
    """A link to the staff member who acted (approved, hid, booked for someone…)."""
    return Column(personal=True, about=about, on_delete=on_delete, on_expiry=on_expiry, staff_link=True)


def _anonymous_if_named(table):
    # A notice posted at the counter needs a name (a CHECK says so); an author's notice has none.
    return case((table.c.on_behalf_of == "", ""), else_=literal(ANONYMOUS))


def _erased_email(table):
    # Unique like the address it replaces, and can never receive mail (.invalid is reserved).
    return literal("deleted-") + cast(table.c.id, String) + literal("@invalid")


@dataclass(frozen=True)
class Table:
    about: Any
    columns: dict[str, Column]
    # How long rows are kept before `on_expiry` applies (for the privacy page), if ever.
    retention: Any = None
    extra: dict = field(default_factory=dict)


CREATED = no(_l("When it was recorded"))
UPDATED = no(_l("When it was last changed"))
ID = no(_l("Its number"))
CAFE = no(_l("The café"))

MAP: dict[str, Table] = {
    "user": Table(
        _l("Your account"),
        {
            "id": Column(personal=False, about=_l("Account number"), owner=True),
            "email": personal(
                _l("Your email address, to log in and to receive what you asked for"),
                on_delete=NEUTRAL,
                neutral=_erased_email,
            ),
            "display_name": personal(
                _l("The name you chose, shown on your notices"), on_delete=NEUTRAL, neutral=ERASED_NAME
            ),
            "password_hash": personal(
                _l("Your password, scrambled so nobody can read it"), on_delete=NEUTRAL, neutral="!"
            ),
            "is_network_admin": Column(
                False, _l("Member of the network team"), on_delete=NEUTRAL, neutral=False
            ),
            # Raised on erasure: every session and remember-me cookie of the account ends.
            "session_version": Column(False, _l("Ends every session when it changes"), on_delete=KEEP),
            "is_network_moderator": Column(
                False, _l("Moderator of every café's noticeboard"), on_delete=NEUTRAL, neutral=False
            ),
            "email_confirmed_at": personal(_l("When you confirmed your address"), on_delete=BLANK),
            "last_seen_at": personal(_l("When you last logged in"), on_delete=BLANK),
            "inactivity_warned_at": personal(
                _l("When we warned you that an unused account will be erased"), on_delete=BLANK
            ),
            "anonymised_at": Column(False, _l("When the account was erased"), on_delete=STAMP),
            "created_at": personal(_l("When you created your account"), on_delete=CATEGORY),
            "updated_at": UPDATED,
        },
        retention=_l(
            "until you erase it; after 2 years without logging in, we warn you, then erase it 30 days later"
        ),
    ),
    "outbox_message": Table(
        _l("Emails and text messages waiting to be sent, or sent recently"),
        {
            "id": ID,
            "cafe_id": CAFE,
            "email": personal(_l("The address it goes to"), owner=True),
            "mobile": personal(_l("The mobile number it goes to")),
            "subject": personal(_l("Its subject")),
            "body": personal(_l("Its text")),
            "sms_text": personal(_l("Its text message")),
            **plain(
                "status attempts next_attempt_at locked_until email_sent_at sms_sent_at sent_at last_error"
            ),
            "created_at": CREATED,
        },
    ),
    # The page cache's version numbers and the daily jobs' leases: nothing about anyone.
    "cache_version": Table(_l("Page cache versions"), plain("name version")),
    "job_lease": Table(_l("Daily jobs"), plain("name holder expires_at last_run_on last_run_at")),
    "rate_limit_counter": Table(
        _l("Counters that limit how often a form may be sent"),
        {
            # "<limit>/<IP address or account>/…": who sent, only for the window (minutes to a day);
            # portal/ratelimits.py deletes expired rows by itself.
            "key": personal(_l("Your IP address or account number, with the form sent"), on_delete=KEEP),
            "count": no(),
            "expires_at": no(),
        },
        retention=_l("a few minutes to a day, then deleted"),
    ),
    "membership": Table(
        _l("Your roles in the cafés' teams"),
        {
            "id": ID,
            "user_id": personal(_l("The team member"), on_delete=DELETE_ROW, owner=True),
            "role": no(_l("The role: digital helper, counter staff, moderator or manager")),
            "cafe_id": CAFE,
            "created_at": no(_l("Since when")),
            "updated_at": UPDATED,
        },
        retention=_l("as long as you are in the team"),
    ),
    "invitation": Table(
        _l("Invitations to join a café's team"),
        {
            "id": ID,
            "token_hash": no(),
            "role": no(),
            "email": personal(_l("The address the invitation was sent to"), on_delete=BLANK, owner=True),
            "expires_at": no(),
            "created_by_id": staff(_l("Who invited")),
            "accepted_at": no(),
            "accepted_by_id": staff(_l("Who accepted")),
            "cafe_id": CAFE,
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    ),
    "cafe": Table(
        _l("The cafés"),
        # The café's own contact details are public business details, not a person's.
        plain(
            "id slug name village postcode department timezone address phone email description"
            " search_text closed_at retention_months created_at updated_at"
        ),
    ),
    "weekly_hours": Table(_l("Opening hours"), plain("id weekday opens closes cafe_id")),
    "hours_exception": Table(
        _l("Opening hours exceptions"), plain("id day closed opens closes label cafe_id")
    ),
    "cafe_service": Table(_l("Services of a café"), plain("id key cafe_id")),
    "audit_entry": Table(
        _l("The log of staff and moderation actions"),
        {
            "id": ID,
            "created_at": no(_l("When")),
            "actor_id": staff(_l("Who acted"), on_delete=BLANK, on_expiry=PSEUDONYMISE),
            "cafe_id": CAFE,
            "action": no(_l("What was done")),
            # Names the person acted upon (an address, a name typed at the counter).
            "target": personal(
                _l("What or whom it was about"),
                on_delete=NEUTRAL,
                on_expiry=PSEUDONYMISE,
                neutral="—",
                owner=True,
            ),
            "details": personal(_l("Details of the action"), on_delete=BLANK, on_expiry=PSEUDONYMISE),
            "pseudonymised_at": no(),
        },
        retention=_l("12 months with names, then the people in it are replaced by pseudonyms"),
    ),
    "availability_rule": Table(
        _l("Digital helpers' weekly hours"),
        {
            "id": ID,
            "helper_id": personal(_l("The digital helper"), on_delete=DELETE_ROW),
            **plain("weekday starts ends slot_minutes seats valid_from valid_until cafe_id"),
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    ),
    "extra_opening": Table(
        _l("Digital helpers' extra dates"),
        {
            "id": ID,
            "helper_id": personal(_l("The digital helper"), on_delete=DELETE_ROW),
            **plain("day starts ends slot_minutes seats cafe_id"),
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    ),
    "closure": Table(
        _l("Closures and helpers' absences"),
        {
            "id": ID,
            "helper_id": personal(_l("The absent helper"), on_delete=DELETE_ROW),
            **plain("first_day last_day reason cafe_id"),
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    ),
    "cafe_booking_settings": Table(
        _l("Booking settings"),
        plain("cafe_id window_days min_notice_hours cancel_notice_hours created_at updated_at"),
    ),
    "help_topic": Table(
        _l("Help topics"),
        plain("id name duration_minutes what_to_bring active position cafe_id created_at updated_at"),
    ),
    "slot": Table(
        _l("Seats of a helper at a time"),
        {
            "id": ID,
            # Links to a helper's account; once that account is erased it links to nobody.
            "helper_id": staff(_l("The digital helper")),
            **plain("starts_at capacity seats_taken cafe_id"),
        },
    ),
    "booking": Table(
        _l("Digital-help appointments"),
        {
            "id": ID,
            "topic_id": no(_l("What the help is about")),
            "helper_id": staff(_l("The digital helper")),
            "starts_at": no(_l("Start (UTC)")),
            "ends_at": no(_l("End (UTC)")),
            "party_size": personal(_l("How many people come"), on_delete=CATEGORY, on_expiry=CATEGORY),
            "name": personal(_l("Your name, so the helper knows whom to expect"), on_expiry=BLANK),
            "phone": personal(
                _l("Your phone number, to reach you if the appointment changes"), on_expiry=BLANK
            ),
            "email": personal(
                _l("Your email address, for the confirmation, the reminder and changes"),
                on_expiry=BLANK,
                owner=True,
            ),
            "age_band": personal(
                _l("Your age band (optional), for the café's anonymous figures"),
                on_delete=CATEGORY,
                on_expiry=CATEGORY,
            ),
            "note": personal(_l("What you wrote for the helper (optional)"), on_expiry=BLANK),
            "code": no(_l("The appointment's code")),
            # A random key only the booking browser's form holds (a second tap finds this row).
            "form_key": no(),
            # The same for the form that last moved it (a second tap moves it once).
            "move_key": no(),
            "status": personal(
                _l("Booked, attended, did not come or cancelled"), on_delete=CATEGORY, on_expiry=CATEGORY
            ),
            "cancel_reason": personal(_l("Why it was cancelled"), on_expiry=BLANK),
            "booked_by_id": staff(_l("Staff member who booked for you")),
            "overbooked": no(),
            "reminder_sent_at": no(_l("When the reminder was sent")),
            "anonymised_at": Column(
                False, _l("When the name and contacts were erased"), on_delete=STAMP, on_expiry=STAMP
            ),
            "cafe_id": CAFE,
            "created_at": no(_l("When it was booked")),
            "updated_at": UPDATED,
        },
        retention=_l(
            "%(months)s months after the appointment, then only the topic, date, age band and status remain"
        ),
    ),
    "event": Table(
        _l("Events"),
        {
            **plain(
                "id title description category for_all_ages starts_at ends_at at_cafe place price"
                " accessibility capacity rsvp_enabled status cancel_reason recurrence monthly_week"
                " repeat_until repeat_count copied_from_id form_key cafe_id created_at updated_at"
            ),
            "created_by_id": staff(_l("Staff member who published it")),
        },
    ),
    "event_occurrence_override": Table(
        _l("Dates of a series cancelled or moved"),
        plain("id event_id original_start cancelled reason new_starts_at new_ends_at cafe_id"),
    ),
    "occurrence_seats": Table(
        _l("Seats taken at each date of an event"),
        plain("event_id occurrence_start seats_taken capacity"),
    ),
    "rsvp": Table(
        _l("Replies to events (I'm coming)"),
        {
            "id": ID,
            "event_id": no(_l("The event")),
            "occurrence_start": no(_l("The date (UTC)")),
            "name": personal(_l("Your name, for the list of who is coming"), on_expiry=BLANK),
            "email": personal(
                _l("Your email address, to tell you if the event changes"), on_expiry=BLANK, owner=True
            ),
            "phone": personal(_l("Your phone number, to tell you if the event changes"), on_expiry=BLANK),
            "party_size": personal(_l("How many people come"), on_delete=CATEGORY, on_expiry=CATEGORY),
            "code": no(_l("The reply's code")),
            "status": personal(
                _l("Coming, on the waiting list or cancelled"), on_delete=CATEGORY, on_expiry=CATEGORY
            ),
            "user_id": personal(_l("Your account, if you were logged in"), on_expiry=BLANK, owner=True),
            "created_at": no(_l("When you replied")),
            "cancelled_at": no(_l("When you cancelled")),
            # A random key of the form the answer came from (a double tap finds this row): no one's.
            "form_key": no(),
            "anonymised_at": Column(
                False, _l("When the name and contacts were erased"), on_delete=STAMP, on_expiry=STAMP
            ),
            "cafe_id": CAFE,
        },
        retention=_l("%(months)s months after the event, then only the number of people remains"),
    ),
    "help_report": Table(
        _l("Reports of the help given (for the café's anonymous figures)"),
        {
            **plain(
                "id kind day duration_minutes participants place_kind autonomy workshop_title"
                " workshop_level referred referred_to first_visit walk_in booking_id event_id"
                " occurrence_start cafe_id created_at updated_at"
            ),
            # Categories of the person helped, never a name: kept so the figures stay true.
            "age_band": personal(_l("Age band of the person helped"), on_delete=CATEGORY, on_expiry=CATEGORY),
            "gender": personal(_l("Gender of the person helped"), on_delete=CATEGORY, on_expiry=CATEGORY),
            "social_status": personal(
                _l("Situation of the person helped"), on_delete=CATEGORY, on_expiry=CATEGORY
            ),
            "postcode": personal(_l("Postcode of the person helped"), on_delete=CATEGORY, on_expiry=CATEGORY),
            "insee_code": personal(
                _l("Commune code of the person helped"), on_delete=CATEGORY, on_expiry=CATEGORY
            ),
            "commune": personal(_l("Commune of the person helped"), on_delete=CATEGORY, on_expiry=CATEGORY),
            "note": personal(_l("The helper's note"), on_delete=KEEP, on_expiry=BLANK),
            "recorded_by_id": staff(_l("The helper who wrote the report")),
        },
        retention=_l("%(months)s months for the helper's note, then only categories remain"),
    ),
    "help_report_choice": Table(
        _l("Themes and equipment of a help report"), plain("id report_id dimension value")
    ),
    # The network's help reports summed per day: counts of categories, nothing about anyone.
    "impact_daily": Table(
        _l("Help given, summed per day for the network"), plain("day dimension value amount")
    ),
    "booking_report_prompt": Table(
        _l("Whether an attended appointment got its report"),
        {
            **plain("booking_id answer answered_at cafe_id"),
            "answered_by_id": staff(_l("The helper who answered")),
        },
    ),
    "workshop": Table(_l("Digital workshops"), plain("event_id level themes cafe_id created_at updated_at")),
    # The village shop: bread orders and parcels (their own purges run in purge-personal-data).
    "baker_list_sent": Table(_l("Bread lists sent to the baker"), plain("id day sent_at cafe_id")),
    "product": Table(
        _l("Breads on sale"),
        plain("id name price_cents daily_quantity weekdays active position cafe_id created_at updated_at"),
    ),
    "shop_settings": Table(
        _l("Shop settings"),
        plain(
            "cafe_id cutoff_days_before cutoff_time collect_from closing_time days_ahead baker_email"
            " parcel_retention_days created_at updated_at"
        ),
    ),
    "bread_stock": Table(_l("Bread stock per day"), plain("id product_id day capacity taken fixed cafe_id")),
    "standing_order_line": Table(
        _l("Lines of a regular order"), plain("id standing_order_id product_id quantity")
    ),
    "standing_order_pause": Table(
        _l("Pauses of a regular order"), plain("id standing_order_id first_day last_day")
    ),
    "standing_shortfall": Table(
        _l("Days a regular order could not be met"), plain("id standing_order_id day noted_at cafe_id")
    ),
    "bread_order_line": Table(
        _l("Lines of a bread order"), plain("id order_id product_id quantity unit_price_cents")
    ),
    "parcel": Table(
        _l("Parcels waiting at the counter"),
        {
            **plain("id reminder_sent_at phoned_at form_key cafe_id updated_at"),
            "carrier": no(_l("The carrier")),
            "keep_until": no(_l("Kept at the counter until")),
            "status": no(_l("Waiting, collected or sent back")),
            "created_at": no(_l("When it arrived")),
            "notified_at": no(_l("When you were told it had arrived")),
            "handed_over_at": no(_l("When it was handed over")),
            "returned_at": no(_l("When it was sent back")),
            "recipient": personal(_l("Your name, on the parcel"), on_expiry=BLANK),
            "phone": personal(_l("Your phone number, to tell you the parcel is here"), on_expiry=BLANK),
            "email": personal(
                _l("Your email address, to tell you the parcel is here"), on_expiry=BLANK, owner=True
            ),
            "received_by_id": staff(_l("Staff member who received it")),
            "handed_over_by_id": staff(_l("Staff member who handed it over")),
            "anonymised_at": Column(
                False, _l("When the name and contacts were erased"), on_delete=STAMP, on_expiry=STAMP
            ),
        },
        retention=_l(
            "%(parcel_days)s days after the parcel was collected or sent back (the café chooses), then"
            " only the carrier and the dates remain"
        ),
    ),
    "standing_order": Table(
        _l("Regular bread orders"),
        {
            **plain("id token form_key cafe_id updated_at"),
            "code": no(_l("The order's code")),
            "weekdays": no(_l("The days, from 0 for Monday to 6 for Sunday")),
            "created_at": no(_l("When it was ordered")),
            # An erased person's regular order stops: no bread is baked for nobody.
            "active": Column(False, _l("Whether it runs"), on_delete=NEUTRAL, neutral=False),
            "name": personal(_l("Your name, for the order"), on_expiry=BLANK),
            "phone": personal(_l("Your phone number, for the order"), on_expiry=BLANK),
            "email": personal(_l("Your email address, for the order"), on_expiry=BLANK, owner=True),
            "created_by_id": staff(_l("Who took the order")),
            "anonymised_at": Column(
                False, _l("When the name and contacts were erased"), on_delete=STAMP, on_expiry=STAMP
            ),
        },
        retention=_l("as long as it runs; 90 days after it is stopped, the name and contacts are erased"),
    ),
    "bread_order": Table(
        _l("Bread orders"),
        {
            # form_key: a random key of the form the order came from (a double tap finds it): no one's.
            **plain("id token version standing_order_id form_key cafe_id updated_at"),
            "code": no(_l("The order's code")),
            "day": no(_l("The collection day")),
            "status": no(_l("Placed, collected, not collected or cancelled")),
            "total_cents": no(_l("The total, in euro cents")),
            "created_at": no(_l("When it was ordered")),
            "collected_at": no(_l("When it was collected")),
            "name": personal(_l("Your name, for the order"), on_expiry=BLANK),
            "phone": personal(_l("Your phone number, for the order"), on_expiry=BLANK),
            "email": personal(_l("Your email address, for the order"), on_expiry=BLANK, owner=True),
            "ordered_by_id": staff(_l("Who took the order")),
            "collected_by_id": staff(_l("Staff member who handed it over")),
            "anonymised_at": Column(
                False, _l("When the name and contacts were erased"), on_delete=STAMP, on_expiry=STAMP
            ),
        },
        retention=_l(
            "90 days after the collection day, then only the bread, the quantities and the prices remain,"
            " for the café's accounts"
        ),
    ),
    "notice": Table(
        _l("Notices on the noticeboard"),
        {
            "id": ID,
            "author_id": personal(_l("Your account, as the author"), on_delete=KEEP, owner=True),
            "on_behalf_of": personal(
                _l("The name of someone whose notice staff typed at the counter"),
                on_delete=NEUTRAL,
                on_expiry=NEUTRAL,
                neutral=_anonymous_if_named,
            ),
            "posted_by_id": staff(_l("Who typed it")),
            "title": personal(_l("The title you wrote"), on_delete=NEUTRAL, neutral="—"),
            "body": personal(_l("The text you wrote"), on_delete=BLANK),
            "category": no(_l("Its kind (give away, carpool…)")),
            "expires_on": no(_l("Until when it is shown")),
            "relay_contact": personal(
                _l("Whether replies are relayed to your email address"),
                on_delete=NEUTRAL,
                on_expiry=NEUTRAL,
                neutral=False,
            ),
            "contact_phone": personal(
                _l("The phone number you chose to show (optional)"), on_delete=BLANK, on_expiry=BLANK
            ),
            "status": personal(
                _l("Waiting for approval, published, rejected or withdrawn"),
                on_delete=NEUTRAL,
                neutral="withdrawn",
            ),
            "published_at": no(_l("When it was published")),
            "approved_at": no(_l("When it was approved")),
            "approved_by_id": staff(_l("Moderator who approved it")),
            "reject_reason": personal(_l("Why a moderator rejected it"), on_delete=BLANK),
            "held_because": no(_l("Why it waited for a moderator")),
            "cafe_id": CAFE,
            "created_at": CREATED,
            "updated_at": UPDATED,
            "hidden": no(_l("Hidden by a moderator")),
            "hidden_at": no(_l("When it was hidden")),
            "hidden_reason": personal(_l("Why a moderator hid it"), on_delete=BLANK),
            "hidden_by_id": staff(_l("Moderator who hid it")),
            "form_key": no(),  # a random key of the form it was posted from: no one's
        },
        retention=_l("until it expires; 3 months later its contact details are erased"),
    ),
    "notice_reply": Table(
        _l("Replies sent to notices"),
        {
            "id": ID,
            "notice_id": no(_l("The notice you replied to")),
            "sender_id": personal(_l("Your account, as the sender"), on_delete=DELETE_ROW, owner=True),
            "created_at": no(_l("When you replied")),
            "form_key": no(),
            "cafe_id": CAFE,
        },
        retention=_l(
            "the message itself goes by email and is not kept; that you replied is kept until you erase"
            " your account"
        ),
    ),
    "report": Table(
        _l("Reports on notices"),
        {
            "id": ID,
            "notice_id": no(_l("The notice reported")),
            "reporter_id": personal(_l("Your account, as the person reporting"), on_delete=BLANK, owner=True),
            # Only stops the same person reporting twice; holds an account number or a hash.
            "reporter_key": personal(_l("What stops the same person reporting twice"), on_delete=KEEP),
            "reason": no(_l("The reason chosen")),
            "note": personal(_l("What you added to the report"), on_delete=BLANK),
            "created_at": no(_l("When")),
            "resolved_at": no(_l("When a moderator dealt with it")),
            "resolved_by_id": staff(_l("Moderator who dealt with it")),
            "cafe_id": CAFE,
        },
    ),
    "suspension": Table(
        _l("Suspensions from a noticeboard"),
        {
            "id": ID,
            "user_id": personal(_l("The person suspended"), on_delete=DELETE_ROW),
            "until": no(),
            "reason": personal(_l("Why"), on_delete=BLANK),
            "by_id": staff(_l("Moderator")),
            "lifted_at": no(),
            "lifted_by_id": staff(_l("Moderator who lifted it")),
            "cafe_id": CAFE,
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    ),
    "moderation_settings": Table(
        _l("Moderation settings"),
        plain(
            "id mode approvals_needed report_threshold blocked_words max_links_new_posters"
            " cafe_id created_at updated_at"
        ),
    ),
    "moderation_decision": Table(
        _l("Moderation history"),
        {
            "id": ID,
            "created_at": no(),
            "action": no(),
            "notice_id": no(),
            "subject_user_id": personal(
                _l("The person a decision was about"), on_delete=KEEP, on_expiry=BLANK, owner=True
            ),
            "actor_id": staff(_l("Moderator"), on_expiry=BLANK),
            "reason": personal(_l("Why"), on_delete=BLANK, on_expiry=BLANK),
            "cafe_id": CAFE,
        },
        retention=_l("12 months with names, then without them"),
    ),
}


def column(table: str, name: str) -> Column:
    return MAP[table].columns[name]


def pseudonym(value: object) -> str:
    """A stable stand-in for a person: the same input gives the same pseudonym, nobody can go back."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"comptoir-pseudonym:{value}".encode(), hashlib.sha256).hexdigest()
    return "p-" + digest[:10]


def unclassified(metadata) -> list[str]:
    """Columns of the database the map says nothing about ('table.column')."""
    missing = []
    for table in metadata.sorted_tables:
        known = MAP.get(table.name)
        for col in table.columns:
            if known is None or col.name not in known.columns:
                missing.append(f"{table.name}.{col.name}")
    return missing


def stale(metadata) -> list[str]:
    """Entries of the map that no longer match a column."""
    return [
        f"{name}.{col}"
        for name, spec in MAP.items()
        for col in spec.columns
        if name not in metadata.tables or col not in metadata.tables[name].columns
    ]

"""What search engines and link previews read: descriptions, canonical URLs, robots.txt,
the sitemap, and schema.org data (a café as a LocalBusiness, an event as an Event).

A link to an event shared in a messaging app shows its title, date and café because the
page says them in Open Graph tags; a search engine shows a café's hours from its JSON-LD.
"""

from datetime import UTC, datetime, timedelta

from flask import Flask, request
from sqlalchemy import or_, select

from .extensions import db
from .models import Cafe, Event, EventStatus, Recurrence
from .urls import external_url, public_base_url

SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Pages for people with a reason to be there (staff, moderators, someone's own booking or
# RSVP): search engines are asked to stay out. The café's public pages stay indexable.
PRIVATE_PATHS = (
    "/account/",
    "/network/",
    "/c/*/manage/",
    "/c/*/moderation/",
    "/c/*/events/manage/",
    "/c/*/events/rsvp",
    "/c/*/events/*/rsvp",
    "/c/*/help/*/",
    "/c/*/help/change",
    "/c/*/help/done",
    "/c/*/help/staff/",
    "/c/*/help/counter/",
    "/c/*/board/new",
    "/c/*/board/counter",
    "/c/*/board/*/reply",
    "/c/*/board/*/report",
    "/c/*/bread/o/",
    "/c/*/bread/r/",
    "/c/*/bread/staff/",
    "/c/*/bread/counter/",
    "/c/*/parcels/",
    "/preferences/",
)


def canonical_url() -> str:
    """This page's address on the public site, without the query (filters and searches)."""
    return public_base_url() + request.path


def robots_txt() -> str:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in PRIVATE_PATHS]
    lines += ["", f"Sitemap: {external_url('site.sitemap')}", ""]
    return "\n".join(lines)


def _postal_address(cafe: Cafe) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": cafe.address,
        "postalCode": cafe.postcode,
        "addressLocality": cafe.village,
        "addressRegion": cafe.department,
        "addressCountry": "FR",
    }


def cafe_structured_data(cafe: Cafe) -> dict:
    """The café as schema.org sees a village café: address, contact and opening hours."""
    data = {
        "@context": "https://schema.org",
        "@type": "CafeOrCoffeeShop",
        "name": cafe.name,
        "url": external_url("cafe.cafes.home", cafe_slug=cafe.slug),
        "address": _postal_address(cafe),
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[hours.weekday]}",
                "opens": hours.opens.strftime("%H:%M"),
                "closes": hours.closes.strftime("%H:%M"),
            }
            for hours in cafe.weekly_hours
        ],
    }
    if cafe.description:
        data["description"] = cafe.description
    if cafe.phone:
        data["telephone"] = cafe.phone
    return data


def event_structured_data(cafe: Cafe, occurrence) -> dict:
    """One date of an event as a schema.org Event, its times in the café's zone."""
    event = occurrence.event
    if occurrence.is_cancelled:
        status = "EventCancelled"
    elif occurrence.moved:
        status = "EventRescheduled"
    else:
        status = "EventScheduled"
    place = {"@type": "Place", "name": cafe.name, "address": _postal_address(cafe)}
    if not event.at_cafe:
        place = {"@type": "Place", "name": event.place, "address": event.place}
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": cafe.local(occurrence.starts_at).isoformat(),
        "endDate": cafe.local(occurrence.ends_at).isoformat(),
        "eventStatus": f"https://schema.org/{status}",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "organizer": {
            "@type": "Organization",
            "name": cafe.name,
            "url": external_url("cafe.cafes.home", cafe_slug=cafe.slug),
        },
        "url": external_url("cafe.events.detail", cafe_slug=cafe.slug, event_id=event.id),
        "isAccessibleForFree": event.is_free,
    }
    if event.description:
        data["description"] = event.description
    return data


def sitemap_urls() -> list[str]:
    """The public pages worth finding: the directory, every open café and its coming events."""
    cafes = db.session.scalars(select(Cafe).where(Cafe.closed_at.is_(None)).order_by(Cafe.slug)).all()
    urls = [external_url("directory.index")]
    for cafe in cafes:
        for endpoint in ("cafe.cafes.home", "cafe.events.index", "cafe.noticeboard.index"):
            urls.append(external_url(endpoint, cafe_slug=cafe.slug))
    since = datetime.now(UTC) - timedelta(days=1)
    events = db.session.execute(
        select(Event.id, Cafe.slug)
        .join(Cafe, Cafe.id == Event.cafe_id)
        .where(Cafe.closed_at.is_(None), Event.status != EventStatus.CANCELLED)
        .where(or_(Event.ends_at >= since, Event.recurrence != Recurrence.NONE))
        .order_by(Cafe.slug, Event.id)
    ).all()
    urls += [
        external_url("cafe.events.detail", cafe_slug=slug, event_id=event_id) for event_id, slug in events
    ]
    return urls


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        canonical_url=canonical_url,
        cafe_structured_data=cafe_structured_data,
        event_structured_data=event_structured_data,
    )

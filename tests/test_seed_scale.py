"""seed-scale: a network-scale data set in bulk, whose pages all work."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import Booking, Cafe, Event, HelpReport, HelpReportChoice, Notice, Recurrence, Report, User
from portal.models.board import ModerationDecision, NoticeReply
from portal.models.shop import BreadOrder, Parcel


def test_seed_scale_fills_an_empty_database_and_every_page_works(app, runner, client):
    result = runner.invoke(args=["seed-scale", "--cafes", "30", "--batch", "500"])
    assert result.exit_code == 0, result.output
    count = lambda model: _db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Cafe) == 30 and count(User) == 1500
    assert count(Event) == 6000 and count(Notice) == 15000 and count(Booking) == 9000
    assert count(Report) == 1500
    # A year of help reports with the variety of real ones, for the impact dashboards.
    assert count(HelpReport) == 3000 and count(HelpReportChoice) > 6000
    assert count(NoticeReply) == 3000 and count(ModerationDecision) == 750
    assert count(BreadOrder) == 3000 and count(Parcel) == 900
    values = lambda column: set(_db.session.scalars(select(column).distinct()))  # noqa: E731
    assert values(HelpReport.kind) == {"individuel", "collectif"}
    assert len(values(HelpReport.age_band)) == 8 and len(values(HelpReport.social_status)) == 5
    assert {True, False} <= values(HelpReport.walk_in) and len(values(HelpReport.cafe_id)) == 30
    assert _db.session.scalar(select(func.count()).where(HelpReport.booking_id.is_not(None))) == 600
    assert len(set(_db.session.scalars(select(HelpReportChoice.value).distinct()))) >= 30
    days = values(HelpReport.day)
    assert (max(days) - min(days)).days >= 300
    recurring = _db.session.scalar(select(func.count()).where(Event.recurrence != Recurrence.NONE))
    assert recurring == 6000 // 3  # every third event
    zones = set(_db.session.scalars(select(Cafe.timezone)))
    assert {"Europe/Paris", "America/Guadeloupe"} <= zones
    slugs = _db.session.scalars(select(Cafe.slug).order_by(Cafe.id).limit(3)).all()
    for slug in slugs:
        for page in ("", "events/", "board/", "help/", "events.ics"):
            response = client.get(f"/c/{slug}/{page}")
            assert response.status_code == 200, (slug, page)
    assert client.get("/?q=dordogne").status_code == 200
    # Every café has notices on its board, the first one too (benchmarks open one of them),
    # whatever the number of cafés (30: a multiple of 10 once left the first café none).
    board = client.get(f"/c/{slugs[0]}/board/").get_data(as_text=True)
    notice = re.search(rf'href="(/c/{slugs[0]}/board/\d+)"', board)
    assert notice is not None, "no notice on the first café's board"
    assert client.get(notice.group(1)).status_code == 200
    admin = _db.session.scalar(select(User).where(User.is_network_admin.is_(True)))
    client.post("/account/login", data={"email": admin.email, "password": "comptoir-scale"})
    first, last = min(days) - timedelta(days=1), max(days) + timedelta(days=1)
    page = client.get(f"/network/impact/?period=custom&from={first}&to={last}")
    assert page.status_code == 200
    people = _db.session.scalar(select(func.sum(HelpReport.participants)))
    shown = re.search(r'id="figure-people">\s*<span class="key-value">([^<]+)<', page.get_data(as_text=True))
    assert int(re.sub(r"\D", "", shown.group(1))) == people
    again = runner.invoke(args=["seed-scale", "--cafes", "2"])
    assert again.exit_code != 0 and "already has cafés" in again.output

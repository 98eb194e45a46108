"""seed-scale: a network-scale data set in bulk, whose pages all work."""

import re

from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import Booking, Cafe, Event, Notice, Recurrence, Report, User


def test_seed_scale_fills_an_empty_database_and_every_page_works(app, runner, client):
    result = runner.invoke(args=["seed-scale", "--cafes", "30", "--batch", "500"])
    assert result.exit_code == 0, result.output
    count = lambda model: _db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Cafe) == 30 and count(User) == 1500
    assert count(Event) == 6000 and count(Notice) == 15000 and count(Booking) == 9000
    assert count(Report) == 1500
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
    again = runner.invoke(args=["seed-scale", "--cafes", "2"])
    assert again.exit_code != 0 and "already has cafés" in again.output

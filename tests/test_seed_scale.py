"""seed-scale: a network-scale data set in bulk, whose pages all work."""

from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import Booking, Cafe, Event, Notice, Recurrence, Report, User


def test_seed_scale_fills_an_empty_database_and_every_page_works(app, runner, client):
    result = runner.invoke(args=["seed-scale", "--cafes", "25", "--batch", "500"])
    assert result.exit_code == 0, result.output
    count = lambda model: _db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Cafe) == 25 and count(User) == 1250
    assert count(Event) == 5000 and count(Notice) == 12500 and count(Booking) == 7500
    assert count(Report) == 1250
    recurring = _db.session.scalar(select(func.count()).where(Event.recurrence != Recurrence.NONE))
    assert recurring == 5000 // 3 + 1
    zones = set(_db.session.scalars(select(Cafe.timezone)))
    assert {"Europe/Paris", "America/Guadeloupe"} <= zones
    slugs = _db.session.scalars(select(Cafe.slug).order_by(Cafe.id).limit(3)).all()
    for slug in slugs:
        for page in ("", "events/", "board/", "help/", "events.ics"):
            response = client.get(f"/c/{slug}/{page}")
            assert response.status_code == 200, (slug, page)
    assert client.get("/?q=dordogne").status_code == 200
    again = runner.invoke(args=["seed-scale", "--cafes", "2"])
    assert again.exit_code != 0 and "already has cafés" in again.output

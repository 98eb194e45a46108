"""The ?page= of paginated lists, kept in a range the database can count to."""

from flask import request

MAX_PAGE = 100_000


def page_arg() -> int:
    """The requested page number: garbage is page 1, a huge number an empty last page."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)

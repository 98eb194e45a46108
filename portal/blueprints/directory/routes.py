"""The directory of cafés, with a search that works as you type and without JS."""

from flask import current_app, request

from ...htmx import render
from ...paging import page_arg
from ..cafes.services import search_cafes
from . import bp


@bp.get("/")
def index():
    query = request.args.get("q", "").strip()[:100]
    page = page_arg()
    results = search_cafes(query, page=page, per_page=current_app.config["DIRECTORY_PAGE_SIZE"])
    # The "more" link appends rows; a new search replaces the whole result block.
    block = "cafe_rows" if request.headers.get("HX-Target") == "more-cafes" else "cafe_results"
    return render("directory/index.html", block=block, query=query, results=results)

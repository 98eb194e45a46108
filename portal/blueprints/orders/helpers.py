"""Reading what residents and staff type: dates in URLs, quantities per product."""

from datetime import date

from flask import request
from flask_babel import gettext as _

from .forms import (
    MAX_PER_PRODUCT,
)


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def read_quantities(products) -> tuple[dict[int, int], dict[int, str]]:
    """The quantity typed for each product (empty is 0), and an error per bad one."""
    quantities, errors = {}, {}
    for product in products:
        raw = (request.form.get(f"q-{product.id}") or "").strip()
        if not raw:
            continue
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_PER_PRODUCT:
            errors[product.id] = _("Type a number from 0 to %(max)d.", max=MAX_PER_PRODUCT)
            continue
        if int(raw):
            quantities[product.id] = int(raw)
    return quantities, errors

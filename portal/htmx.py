"""One route, two renderings: the whole page, or just the block htmx asked for.

`render` is the one way a view answers with HTML. It also says two things for the view:
- a form sent with mistakes (POST, or a GET search) is a 422, the form shown again as typed;
- a private page (personal data) is kept out of caches and of htmx's history. A view marks
  one page with `render(..., private=True)`; a blueprint that is private as a whole says so
  once with `private_blueprint(bp)`.
"""

from flask import Response, g, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block
from wtforms import Form


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def is_partial() -> bool:
    """True when htmx wants a fragment (not a boosted page nor a history restore)."""
    return (
        is_htmx()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _has_invalid_form(context: dict) -> bool:
    """A form of this page was sent and has mistakes (its own, or ones the view added)."""
    return any(isinstance(value, Form) and value.errors for value in context.values())


def is_private_page() -> bool:
    """True when the page being rendered shows personal data (see `render`)."""
    return bool(g.get("private_page"))


def mark_private(response: Response) -> Response:
    """No shared computer's or proxy's cache keeps this answer."""
    response.headers["Cache-Control"] = "no-store"
    return response


def private_blueprint(blueprint) -> None:
    """Every page of this blueprint is private: no-store, and out of htmx's history."""

    @blueprint.before_request
    def _private():
        g.private_page = True

    blueprint.after_request(mark_private)


def render(
    template: str, block: str | None = None, status: int | None = None, private: bool = False, **context
) -> Response:
    """Render the page, or only `block` for htmx; caches must keep the two apart.

    Without an explicit `status`, a page showing a submitted form's mistakes answers 422
    (a form only has errors once it was validated, whether sent by POST or by GET).
    `private=True` (or a private blueprint) sets no-store and, through the base layout and
    the blocks that can be rendered alone (`private_page`), keeps htmx from storing the page.
    """
    if private:
        g.private_page = True
    if status is None:
        status = 422 if _has_invalid_form(context) else 200
    if block and is_partial():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    if is_private_page():
        mark_private(response)
    return response


def redirect_to(url: str) -> Response:
    """Post/Redirect/Get for plain forms; htmx must not follow a 3xx, so tell it instead."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)

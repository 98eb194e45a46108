"""Staff: the café's regular orders (who, what, which days, since when), paused or stopped
for someone who phoned (/c/<slug>/bread/staff/regulars)."""

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _

from ...access import cafe_role, current_actor, requires
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Role
from . import bp, services
from .forms import PauseForm

staff_only = requires(cafe_role(Role.STAFF))


def _pause_form(standing, formdata=None) -> PauseForm:
    """One pause form per regular on the page, its fields named apart (p12-first_day…)."""
    return PauseForm(formdata=formdata, prefix=f"p{standing.id}")


def _list_page(status: int = 200, failed=None):
    regulars = services.standing_orders(g.cafe)
    forms = {
        s.id: failed if failed is not None and failed.standing_id == s.id else _pause_form(s)
        for s in regulars
    }
    return render(
        "orders/staff_regulars.html",
        private=True,
        status=status,
        running=[s for s in regulars if s.active],
        stopped=[s for s in regulars if not s.active],
        pause_forms=forms,
        today=g.cafe.today(),
        action_form=ActionForm(),
    )


def _standing_or_404(standing_id: int):
    standing = services.get_standing(g.cafe, standing_id)
    if standing is None:
        abort(404)
    return standing


@bp.get("/staff/regulars")
@staff_only
def staff_regulars():
    return _list_page()


@bp.post("/staff/regulars/<int:standing_id>/pause")
@staff_only
def staff_pause(standing_id: int):
    standing = _standing_or_404(standing_id)
    form = _pause_form(standing, request.form)
    if not standing.active:
        abort(404)
    if not form.validate_on_submit():
        form.standing_id = standing.id
        return _list_page(422, failed=form)
    services.pause_standing_order(
        g.cafe, standing, form.first_day.data, form.last_day.data, actor=current_actor()
    )
    flash(_("%(name)s: paused, no bread on those days.", name=standing.name), "success")
    return redirect_to(url_for(".staff_regulars") + f"#regular-{standing.id}")


@bp.post("/staff/regulars/<int:standing_id>/pauses/<int:pause_id>/delete")
@staff_only
def staff_unpause(standing_id: int, pause_id: int):
    standing = _standing_or_404(standing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not services.remove_pause(g.cafe, standing, pause_id, actor=current_actor()):
        abort(404)
    flash(_("%(name)s: the pause is removed.", name=standing.name), "success")
    return redirect_to(url_for(".staff_regulars") + f"#regular-{standing.id}")


@bp.post("/staff/regulars/<int:standing_id>/stop")
@staff_only
def staff_stop(standing_id: int):
    """Asked first (the button's confirmation page, or the browser's dialog with htmx)."""
    standing = _standing_or_404(standing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if standing.active:
        services.stop_standing_order(g.cafe, standing, actor=current_actor())
    flash(_("The regular order of %(name)s is stopped.", name=standing.name), "success")
    return redirect_to(url_for(".staff_regulars"))

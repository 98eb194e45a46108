"""Moderating a café's noticeboard: /c/<slug>/moderation/, and the network's queue."""

from contextlib import suppress

from flask import abort, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...forms import ActionForm
from ...htmx import is_htmx, redirect_to, render
from ...models import ModerationMode, Notice, Suspension, User
from ...paging import page_arg
from ...tenancy import get_cafe_owned_or_404
from ..noticeboard.services import today_in
from . import bp, network_bp, services
from .access import moderator_required, network_moderator_required
from .forms import ReasonForm, RejectForm, SettingsForm, SuspendForm


def _item_context(notice: Notice, **extra) -> dict:
    context = dict(
        item=notice,
        today=today_in(notice.cafe),
        reason_form=ReasonForm(formdata=None),
        reject_form=RejectForm(formdata=None),
        suspend_form=SuspendForm(formdata=None),
    )
    context.update(extra)
    return context


@bp.get("/")
@moderator_required
def queue():
    return render(
        "moderation/queue.html",
        items=services.queue(g.cafe),
        today=today_in(g.cafe),
        suspensions=services.active_suspensions(g.cafe),
        reason_form=ReasonForm(formdata=None),
        reject_form=RejectForm(formdata=None),
        suspend_form=SuspendForm(formdata=None),
        action_form=ActionForm(),
        network=False,
    )


def _after_action(notice: Notice, message: str, status: int = 200, **forms):
    """htmx gets the item's block re-rendered; a plain form goes back to the queue."""
    network = request.form.get("from") == "network" and current_user.moderates_network
    if is_htmx():
        fresh = services.queue_item(g.cafe, notice.id)
        body = render(
            "moderation/_item.html",
            status=status,
            **_item_context(fresh, done=message, errors=status != 200, network=network, **forms),
            # The count at the top of the queue follows the decisions (an out-of-band swap).
            queue_count=services.queue_count(None if network else g.cafe),
        )
        return body
    if status == 200:
        flash(message, "success")
        return redirect_to(url_for("network_moderation.index" if network else ".queue"))
    context = dict(
        items=services.queue(g.cafe),
        today=today_in(g.cafe),
        suspensions=services.active_suspensions(g.cafe),
        reason_form=ReasonForm(formdata=None),
        reject_form=RejectForm(formdata=None),
        suspend_form=SuspendForm(formdata=None),
        action_form=ActionForm(),
        network=False,
        invalid_id=notice.id,
        problem=message,
    )
    context.update(forms)
    return render("moderation/queue.html", status=status, **context)


def _act(notice_id: int, action, message: str, form_class=ReasonForm, form_name="reason_form"):
    notice = get_cafe_owned_or_404(Notice, notice_id)
    form = form_class()
    if not form.validate_on_submit():
        return _after_action(notice, _("Please correct the field marked."), status=422, **{form_name: form})
    try:
        action(g.cafe, notice, form)
    except services.NotAllowed:
        return _after_action(
            notice, _("This notice has changed in the meantime: nothing was done."), status=409
        )
    return _after_action(notice, message)


@bp.post("/notices/<int:notice_id>/approve")
@moderator_required
def approve(notice_id: int):
    return _act(notice_id, lambda c, n, f: services.approve(c, n), _("Approved: the notice is on the board."))


@bp.post("/notices/<int:notice_id>/reject")
@moderator_required
def reject(notice_id: int):
    return _act(
        notice_id,
        lambda c, n, f: services.reject(c, n, f.reason.data.strip()),
        _("Rejected: the author has been told why."),
        RejectForm,
        "reject_form",
    )


@bp.post("/notices/<int:notice_id>/hide")
@moderator_required
def hide(notice_id: int):
    return _act(
        notice_id,
        lambda c, n, f: services.hide(c, n, (f.reason.data or "").strip()),
        _("Hidden: the notice is off the board."),
    )


@bp.post("/notices/<int:notice_id>/restore")
@moderator_required
def restore(notice_id: int):
    return _act(
        notice_id, lambda c, n, f: services.restore(c, n), _("Restored: the notice is back on the board.")
    )


@bp.post("/notices/<int:notice_id>/suspend")
@moderator_required
def suspend(notice_id: int):
    notice = get_cafe_owned_or_404(Notice, notice_id)
    if notice.author_id is None:
        abort(404)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _after_action(notice, _("Please correct the field marked."), status=422, suspend_form=form)
    author = db.session.get(User, notice.author_id)
    days = int(form.days.data) or None
    services.suspend(g.cafe, author, days, form.reason.data.strip(), notice=notice)
    return _after_action(notice, _("%(name)s can no longer post on this board.", name=author.display_name))


@bp.post("/suspensions/<int:suspension_id>/lift")
@moderator_required
def lift(suspension_id: int):
    suspension = get_cafe_owned_or_404(Suspension, suspension_id)
    if ActionForm().validate_on_submit():
        with suppress(services.NotAllowed):  # already lifted: nothing to do
            services.lift(g.cafe, suspension)
        flash(_("The suspension is lifted."), "success")
    return redirect_to(url_for(".queue"))


@bp.get("/history")
@moderator_required
def history():
    page = page_arg()
    return render("moderation/history.html", decisions=services.history(g.cafe, page))


@bp.route("/settings", methods=["GET", "POST"])
@moderator_required
def settings():
    current = services.settings_for(g.cafe)
    if request.method == "GET":
        form = SettingsForm(
            data={
                "mode": current.mode.value,
                "approvals_needed": current.approvals_needed,
                "report_threshold": current.report_threshold,
                "blocked_words": current.blocked_words,
                "max_links_new_posters": current.max_links_new_posters,
            }
        )
    else:
        form = SettingsForm()
    if form.validate_on_submit():
        services.save_settings(
            g.cafe,
            ModerationMode(form.mode.data),
            form.approvals_needed.data,
            form.report_threshold.data,
            form.blocked_words.data or "",
            form.max_links_new_posters.data,
        )
        flash(_("The moderation settings are saved."), "success")
        return redirect_to(url_for(".queue"))
    status = 422 if request.method == "POST" else 200
    return render_template("moderation/settings.html", form=form), status


@network_bp.get("/")
@network_moderator_required
def index():
    return render_template(
        "moderation/queue.html",
        items=services.network_queue(),
        today=None,
        suspensions=[],
        reason_form=ReasonForm(formdata=None),
        reject_form=RejectForm(formdata=None),
        suspend_form=SuspendForm(formdata=None),
        action_form=ActionForm(),
        network=True,
    )

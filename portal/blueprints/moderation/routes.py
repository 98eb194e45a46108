"""Moderating a café's noticeboard: /c/<slug>/moderation/, and the network's queue."""

from contextlib import suppress

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _

from ...access import allowed, current_actor, network_moderator
from ...extensions import db
from ...forms import ActionForm
from ...htmx import is_partial, redirect_to, render
from ...models import ModerationMode, Notice, Suspension, User
from ...paging import page_arg
from ...tenancy import get_cafe_owned_or_404
from . import bp, network_bp, services
from .forms import ReasonForm, RejectForm, SettingsForm, SuspendForm

# Who may: the café's moderators for `bp`, the network's for `network_bp` (see __init__.py).


def _queue_page(items, network: bool, status: int | None = None, block: str | None = None, **extra):
    """The queue page, or (htmx after a decision) only the block of the notice decided on."""
    context = dict(
        items=items,
        suspensions=[] if network else services.active_suspensions(g.cafe),
        reason_form=ReasonForm(formdata=None),
        reject_form=RejectForm(formdata=None),
        suspend_form=SuspendForm(formdata=None),
        action_form=ActionForm(),
        network=network,
    )
    context.update(extra)
    return render("moderation/queue.html", block=block, status=status, **context)


@bp.get("/")
def queue():
    return _queue_page(services.queue(g.cafe), network=False)


def _after_action(notice: Notice, message: str, status: int = 200, **forms):
    """htmx gets the item's block re-rendered; a plain form goes back to the queue."""
    network = request.form.get("from") == "network" and allowed(network_moderator)
    if is_partial():
        fresh = services.queue_item(g.cafe, notice.id)
        return _queue_page(
            [fresh],
            network=network,
            status=status,
            block="queue_item",
            item=fresh,
            done=message,
            errors=status != 200,
            **forms,
            # The count at the top of the queue follows the decisions (an out-of-band swap).
            queue_count=services.queue_count(None if network else g.cafe),
        )
    if status == 200:
        flash(message, "success")
        return redirect_to(url_for("network_moderation.index" if network else ".queue"))
    return _queue_page(
        services.queue(g.cafe), network=False, status=status, invalid_id=notice.id, problem=message, **forms
    )


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
def approve(notice_id: int):
    return _act(
        notice_id,
        lambda c, n, f: services.approve(c, n, actor=current_actor()),
        _("Approved: the notice is on the board."),
    )


@bp.post("/notices/<int:notice_id>/reject")
def reject(notice_id: int):
    return _act(
        notice_id,
        lambda c, n, f: services.reject(c, n, f.reason.data.strip(), actor=current_actor()),
        _("Rejected: the author has been told why."),
        RejectForm,
        "reject_form",
    )


@bp.post("/notices/<int:notice_id>/hide")
def hide(notice_id: int):
    return _act(
        notice_id,
        lambda c, n, f: services.hide(c, n, (f.reason.data or "").strip(), actor=current_actor()),
        _("Hidden: the notice is off the board."),
    )


@bp.post("/notices/<int:notice_id>/restore")
def restore(notice_id: int):
    return _act(
        notice_id,
        lambda c, n, f: services.restore(c, n, actor=current_actor()),
        _("Restored: the notice is back on the board."),
    )


@bp.post("/notices/<int:notice_id>/suspend")
def suspend(notice_id: int):
    notice = get_cafe_owned_or_404(Notice, notice_id)
    if notice.author_id is None:
        abort(404)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _after_action(notice, _("Please correct the field marked."), status=422, suspend_form=form)
    author = db.session.get(User, notice.author_id)
    days = int(form.days.data) or None
    services.suspend(g.cafe, author, days, form.reason.data.strip(), notice=notice, actor=current_actor())
    return _after_action(notice, _("%(name)s can no longer post on this board.", name=author.display_name))


@bp.post("/suspensions/<int:suspension_id>/lift")
def lift(suspension_id: int):
    suspension = get_cafe_owned_or_404(Suspension, suspension_id)
    if ActionForm().validate_on_submit():
        with suppress(services.NotAllowed):  # already lifted: nothing to do
            services.lift(g.cafe, suspension, actor=current_actor())
        flash(_("The suspension is lifted."), "success")
    return redirect_to(url_for(".queue"))


@bp.get("/history")
def history():
    page = page_arg()
    return render("moderation/history.html", decisions=services.history(g.cafe, page))


@bp.route("/settings", methods=["GET", "POST"])
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
            actor=current_actor(),
        )
        flash(_("The moderation settings are saved."), "success")
        return redirect_to(url_for(".queue"))
    return render("moderation/settings.html", form=form)


@network_bp.get("/")
def index():
    return _queue_page(services.network_queue(), network=True)

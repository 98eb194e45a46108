"""The noticeboard of a café, for everyone: read, reply, report (/c/<slug>/board/).

Posting and managing one's own notices (and staff posting at the counter) is authors.py.
"""

import secrets

from flask import abort, flash, g, request, session, url_for
from flask_babel import gettext as _

from ...access import allowed, cafe_moderator, logged_in, requires
from ...htmx import redirect_to, render
from ...models import Notice, NoticeCategory, ReportReason
from ...tenancy import get_cafe_owned_or_404
from ..auth import confirm
from ..moderation import services as moderation
from . import bp, services
from .forms import CategoryFilterForm, ReplyForm, ReportForm
from .pages import detail_page, me, rate_limited, suspended_page


def _notice_or_404(notice_id: int) -> Notice:
    notice = get_cafe_owned_or_404(Notice, notice_id)
    if not services.can_see(g.cafe, notice, me(), allowed(cafe_moderator)):
        abort(404)
    return notice


@bp.get("/")
def index():
    form = CategoryFilterForm(request.args)
    try:
        category = NoticeCategory(form.category.data) if form.category.data else None
    except ValueError:
        category = None
    return render(
        "noticeboard/index.html",
        block="notice_list",
        notices=services.board(g.cafe, category),
        filter_form=form,
        category=category,
        today=services.today_in(g.cafe),
        can_moderate=allowed(cafe_moderator),
    )


@bp.get("/<int:notice_id>")
def detail(notice_id: int):
    notice = _notice_or_404(notice_id)
    return detail_page(notice)


@bp.post("/<int:notice_id>/reply")
@requires(logged_in)
@rate_limited("REPLY")
def reply(notice_id: int):
    notice = _notice_or_404(notice_id)
    if not me().email_confirmed:
        return confirm.needed_page()
    if not services.can_reply(notice) or not notice.is_visible(services.today_in(g.cafe)):
        abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        return detail_page(notice, reply_form=form, status=422)
    try:
        services.send_reply(g.cafe, notice, me(), form.message.data, form_key=form.form_key.data)
    except services.Suspended as error:
        return suspended_page(error)
    flash(_("Your message is sent. The author will answer you by email if they wish."), "success")
    return redirect_to(url_for(".detail", notice_id=notice.id))


def _anonymous_key() -> str:
    if "visitor" not in session:
        session["visitor"] = secrets.token_urlsafe(16)
    return moderation.visitor_key(session["visitor"])


@bp.route("/<int:notice_id>/report", methods=["GET", "POST"])
@rate_limited("REPORT")
def report(notice_id: int):
    notice = _notice_or_404(notice_id)
    if not notice.is_visible(services.today_in(g.cafe)):
        abort(404)
    user = me()
    if user is not None and notice.author_id == user.id:
        flash(_("This is your own notice: you can withdraw it instead."), "info")
        return redirect_to(url_for(".detail", notice_id=notice.id))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report(
                g.cafe,
                notice,
                ReportReason(form.reason.data),
                form.note.data or "",
                reporter=user,
                anonymous_key="" if user else _anonymous_key(),
            )
        except moderation.AlreadyReported:
            flash(_("You have already reported this notice. The moderators will look at it."), "info")
        else:
            flash(_("Thank you. The café’s moderators will look at this notice."), "success")
        return redirect_to(url_for(".index"))
    return render("noticeboard/report.html", form=form, notice=notice)

"""The noticeboard of a café, for everyone: read, reply, report (/c/<slug>/board/).

Posting and managing one's own notices (and staff posting at the counter) is authors.py.
"""

import secrets
from datetime import timedelta

from flask import abort, current_app, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ...access import allowed, cafe_moderator, cafe_role, logged_in, requires
from ...extensions import limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Notice, NoticeCategory, ReportReason, Role, utcnow
from ...tenancy import get_cafe_owned_or_404
from ..auth import confirm
from ..moderation import services as moderation
from . import bp, services
from .forms import CategoryFilterForm, RenewForm, ReplyForm, ReportForm


def _limit(key: str) -> str:
    """A rate limit from the configuration (BOARD_*_RATE_LIMIT, see portal/config.py)."""
    return current_app.config[key]


def _user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _post_limit_for_account() -> str:
    user = current_user
    if user.is_authenticated and user.created_at > utcnow() - timedelta(days=1):
        return _limit("BOARD_POST_NEW_ACCOUNT_RATE_LIMIT")
    return _limit("BOARD_POST_USER_RATE_LIMIT")


def rate_limited(action: str, user_limit=None):
    """Per address and per account, on POST only: reading a form never locks anyone out."""

    def decorator(view):
        per_user = user_limit or (lambda: _limit(f"BOARD_{action}_USER_RATE_LIMIT"))
        view = limiter.limit(per_user, key_func=_user_key, methods=["POST"], scope=f"board-{action}-user")(
            view
        )
        view = limiter.limit(
            lambda: _limit(f"BOARD_{action}_IP_RATE_LIMIT"),
            key_func=get_remote_address,
            methods=["POST"],
            scope=f"board-{action}-ip",
        )(view)
        return view

    return decorator


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _notice_or_404(notice_id: int) -> Notice:
    notice = get_cafe_owned_or_404(Notice, notice_id)
    if not services.can_see(g.cafe, notice, _me(), allowed(cafe_moderator)):
        abort(404)
    return notice


def _suspended_page(error: services.Suspended):
    return render("noticeboard/suspended.html", status=403, suspension=error.suspension)


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
    return _detail_page(notice)


def _detail_page(notice: Notice, reply_form=None, renew_form=None, status: int = 200):
    me = _me()
    reply_form = reply_form or ReplyForm(formdata=None)
    reply_form.issue_key()
    return render(
        "noticeboard/detail.html",
        status=status,
        notice=notice,
        today=services.today_in(g.cafe),
        reply_form=reply_form,
        can_reply=services.can_reply(notice) and notice.is_visible(services.today_in(g.cafe)),
        can_edit=services.can_edit(notice, me, allowed(cafe_role(Role.STAFF))),
        is_author=me is not None and notice.author_id == me.id,
        renew_form=renew_form
        or RenewForm(formdata=None, data={"expires_on": services.default_expiry(g.cafe)}),
        action_form=ActionForm(),
        latest=services.latest_expiry(g.cafe),
        today_value=services.today_in(g.cafe),
    )


@bp.post("/<int:notice_id>/reply")
@requires(logged_in)
@rate_limited("REPLY")
def reply(notice_id: int):
    notice = _notice_or_404(notice_id)
    if not _me().email_confirmed:
        return confirm.needed_page()
    if not services.can_reply(notice) or not notice.is_visible(services.today_in(g.cafe)):
        abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _detail_page(notice, reply_form=form, status=422)
    try:
        services.send_reply(g.cafe, notice, _me(), form.message.data, form_key=form.form_key.data)
    except services.Suspended as error:
        return _suspended_page(error)
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
    me = _me()
    if me is not None and notice.author_id == me.id:
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
                reporter=me,
                anonymous_key="" if me else _anonymous_key(),
            )
        except moderation.AlreadyReported:
            flash(_("You have already reported this notice. The moderators will look at it."), "info")
        else:
            flash(_("Thank you. The café’s moderators will look at this notice."), "success")
        return redirect_to(url_for(".index"))
    return render("noticeboard/report.html", form=form, notice=notice)

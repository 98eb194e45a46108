"""The noticeboard of a café: /c/<slug>/board/."""

import secrets
from datetime import timedelta
from functools import wraps

from flask import abort, current_app, flash, g, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ...extensions import limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Notice, NoticeCategory, NoticeStatus, ReportReason, Role, utcnow
from ...tenancy import get_cafe_owned_or_404, has_role, login_required_response
from ..auth import confirm
from ..moderation import services as moderation
from ..moderation.access import is_moderator
from . import bp, services
from .forms import CategoryFilterForm, CounterNoticeForm, NoticeForm, RenewForm, ReplyForm, ReportForm


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


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_required_response()
        return view(*args, **kwargs)

    return wrapped


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _notice_or_404(notice_id: int) -> Notice:
    notice = get_cafe_owned_or_404(Notice, notice_id)
    if not services.can_see(g.cafe, notice, _me(), is_moderator()):
        abort(404)
    return notice


def _editable_or_404(notice_id: int) -> Notice:
    notice = get_cafe_owned_or_404(Notice, notice_id)
    if not services.can_edit(notice, _me(), has_role(Role.STAFF)):
        abort(404)
    return notice


def _suspended_page(error: services.Suspended):
    return render_template("noticeboard/suspended.html", suspension=error.suspension), 403


def _data(form: NoticeForm) -> services.NoticeData:
    return services.NoticeData(
        title=form.title.data,
        body=form.body.data,
        category=NoticeCategory(form.category.data),
        expires_on=form.expires_on.data,
        relay_contact=bool(form.relay_contact.data),
        contact_phone=form.contact_phone.data or "",
    )


def _form_limits(trusted: bool) -> dict:
    return {
        "today": services.today_in(g.cafe),
        "latest": services.latest_expiry(g.cafe),
        "link_limit": services.link_limit(g.cafe, _me(), trusted),
    }


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
        can_moderate=is_moderator(),
    )


@bp.get("/<int:notice_id>")
def detail(notice_id: int):
    notice = _notice_or_404(notice_id)
    return _detail_page(notice)


def _detail_page(notice: Notice, reply_form=None, renew_form=None, status: int = 200):
    me = _me()
    return render(
        "noticeboard/detail.html",
        status=status,
        notice=notice,
        today=services.today_in(g.cafe),
        reply_form=reply_form or ReplyForm(formdata=None),
        can_reply=services.can_reply(notice) and notice.is_visible(services.today_in(g.cafe)),
        can_edit=services.can_edit(notice, me, has_role(Role.STAFF)),
        is_author=me is not None and notice.author_id == me.id,
        renew_form=renew_form
        or RenewForm(formdata=None, data={"expires_on": services.default_expiry(g.cafe)}),
        action_form=ActionForm(),
        latest=services.latest_expiry(g.cafe),
        today_value=services.today_in(g.cafe),
    )


def _held_message(notice: Notice) -> None:
    if notice.status == NoticeStatus.PUBLISHED:
        flash(_("Your notice is on the board."), "success")
    else:
        flash(_("Thank you. Your notice will appear on the board once a moderator has approved it."), "info")


@bp.route("/new", methods=["GET", "POST"])
@login_required
@rate_limited("POST", user_limit=_post_limit_for_account)
def new():
    if not _me().email_confirmed:
        return confirm.needed_page()
    try:
        services.check_not_suspended(g.cafe, _me())
    except services.Suspended as error:
        return _suspended_page(error)
    form = NoticeForm(**_form_limits(trusted=False))
    if request.method == "GET":
        form.expires_on.data = services.default_expiry(g.cafe)
    if form.validate_on_submit():
        try:
            notice = services.create_notice(g.cafe, _me(), _data(form))
        except services.Suspended as error:
            return _suspended_page(error)
        _held_message(notice)
        return redirect_to(url_for(".detail", notice_id=notice.id))
    status = 422 if request.method == "POST" else 200
    return render_template("noticeboard/form.html", form=form, counter=False, **_form_limits(False)), status


@bp.route("/counter", methods=["GET", "POST"])
@login_required
def new_for_someone():
    if not has_role(Role.STAFF):
        abort(403)
    form = CounterNoticeForm(relay_possible=False, **_form_limits(trusted=True))
    if request.method == "GET":
        form.expires_on.data = services.default_expiry(g.cafe)
    if form.validate_on_submit():
        notice = services.create_counter_notice(g.cafe, _me(), form.on_behalf_of.data, _data(form))
        flash(_("The notice for %(name)s is saved.", name=notice.on_behalf_of), "success")
        if notice.status != NoticeStatus.PUBLISHED:
            flash(_("It contains a blocked word, so it waits for a moderator."), "info")
        return redirect_to(url_for(".detail", notice_id=notice.id))
    status = 422 if request.method == "POST" else 200
    return render_template("noticeboard/form.html", form=form, counter=True, **_form_limits(True)), status


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limited("POST", user_limit=_post_limit_for_account)
def edit(notice_id: int):
    notice = _editable_or_404(notice_id)
    counter = notice.author_id is None
    form_class = NoticeForm
    limits = _form_limits(trusted=counter)
    if request.method == "GET":
        form = form_class(obj=notice, relay_possible=not counter, **limits)
        form.category.data = notice.category.value
        form.contact_phone.data = notice.contact_phone
    else:
        form = form_class(relay_possible=not counter, **limits)
    if form.validate_on_submit():
        try:
            services.update_notice(g.cafe, notice, _data(form), _me(), trusted=counter)
        except services.Suspended as error:
            return _suspended_page(error)
        if notice.status == NoticeStatus.PENDING:
            flash(_("Your changes are saved. The notice waits for a moderator."), "info")
        else:
            flash(_("Your changes are saved."), "success")
        return redirect_to(url_for(".detail", notice_id=notice.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "noticeboard/form.html", form=form, notice=notice, counter=counter, **limits
    ), status


@bp.post("/<int:notice_id>/renew")
@login_required
def renew(notice_id: int):
    notice = _editable_or_404(notice_id)
    if notice.author_id is not None:
        try:
            services.check_not_suspended(g.cafe, _me())
        except services.Suspended as error:
            return _suspended_page(error)
    form = RenewForm(today=services.today_in(g.cafe), latest=services.latest_expiry(g.cafe))
    if form.validate_on_submit():
        services.renew(g.cafe, notice, form.expires_on.data)
        flash(
            _("Your notice stays on the board until %(date)s.", date=notice.expires_on.strftime("%d/%m/%Y")),
            "success",
        )
        return redirect_to(url_for(".detail", notice_id=notice.id))
    return _detail_page(notice, renew_form=form, status=422)


@bp.post("/<int:notice_id>/withdraw")
@login_required
def withdraw(notice_id: int):
    notice = _editable_or_404(notice_id)
    if ActionForm().validate_on_submit():
        services.withdraw(g.cafe, notice)
        flash(_("Your notice is withdrawn from the board."), "success")
    return redirect_to(url_for(".mine") if notice.author_id else url_for(".index"))


@bp.post("/<int:notice_id>/reply")
@login_required
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
        services.send_reply(g.cafe, notice, _me(), form.message.data)
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
    status = 422 if request.method == "POST" else 200
    return render_template("noticeboard/report.html", form=form, notice=notice), status


@bp.get("/mine")
@login_required
def mine():
    return render_template(
        "noticeboard/mine.html",
        notices=services.my_notices(g.cafe, _me()),
        today=services.today_in(g.cafe),
        action_form=ActionForm(),
    )

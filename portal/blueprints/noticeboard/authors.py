"""The noticeboard for authors: post, edit, renew, withdraw one's notices, and staff posting
at the counter for someone without an account (/c/<slug>/board/)."""

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _

from ...access import allowed, cafe_role, current_actor, logged_in, requires
from ...formatting import short_date
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Notice, NoticeCategory, NoticeStatus, Role
from ...tenancy import get_cafe_owned_or_404
from ..auth import confirm
from . import bp, services
from .forms import CounterNoticeForm, NoticeForm, RenewForm
from .pages import detail_page, me, post_limit_for_account, rate_limited, suspended_page


def _editable_or_404(notice_id: int) -> Notice:
    notice = get_cafe_owned_or_404(Notice, notice_id)
    if not services.can_edit(notice, me(), allowed(cafe_role(Role.STAFF))):
        abort(404)
    return notice


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
        "link_limit": services.link_limit(g.cafe, me(), trusted),
    }


def _held_message(notice: Notice) -> None:
    if notice.status == NoticeStatus.PUBLISHED:
        flash(_("Your notice is on the board."), "success")
    else:
        flash(_("Thank you. Your notice will appear on the board once a moderator has approved it."), "info")


@bp.route("/new", methods=["GET", "POST"])
@requires(logged_in)
@rate_limited("POST", user_limit=post_limit_for_account)
def new():
    if not me().email_confirmed:
        return confirm.needed_page()
    try:
        services.check_not_suspended(g.cafe, me())
    except services.Suspended as error:
        return suspended_page(error)
    form = NoticeForm(**_form_limits(trusted=False))
    if request.method == "GET":
        form.expires_on.data = services.default_expiry(g.cafe)
    if form.validate_on_submit():
        try:
            notice = services.create_notice(g.cafe, me(), _data(form), form_key=form.form_key.data)
        except services.Suspended as error:
            return suspended_page(error)
        _held_message(notice)
        return redirect_to(url_for(".detail", notice_id=notice.id))
    form.issue_key()
    return render("noticeboard/form.html", form=form, counter=False, **_form_limits(False))


@bp.route("/counter", methods=["GET", "POST"])
@requires(cafe_role(Role.STAFF))
def new_for_someone():
    form = CounterNoticeForm(relay_possible=False, **_form_limits(trusted=True))
    if request.method == "GET":
        form.expires_on.data = services.default_expiry(g.cafe)
    if form.validate_on_submit():
        notice = services.create_counter_notice(
            g.cafe,
            me(),
            form.on_behalf_of.data,
            _data(form),
            actor=current_actor(),
            form_key=form.form_key.data,
        )
        flash(_("The notice for %(name)s is saved.", name=notice.on_behalf_of), "success")
        if notice.status != NoticeStatus.PUBLISHED:
            flash(_("It contains a blocked word, so it waits for a moderator."), "info")
        return redirect_to(url_for(".detail", notice_id=notice.id))
    form.issue_key()
    return render("noticeboard/form.html", form=form, counter=True, **_form_limits(True))


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@requires(logged_in)
@rate_limited("POST", user_limit=post_limit_for_account)
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
            services.update_notice(g.cafe, notice, _data(form), me(), trusted=counter, actor=current_actor())
        except services.Suspended as error:
            return suspended_page(error)
        if notice.status == NoticeStatus.PENDING:
            flash(_("Your changes are saved. The notice waits for a moderator."), "info")
        else:
            flash(_("Your changes are saved."), "success")
        return redirect_to(url_for(".detail", notice_id=notice.id))
    return render("noticeboard/form.html", form=form, notice=notice, counter=counter, **limits)


@bp.post("/<int:notice_id>/renew")
@requires(logged_in)
def renew(notice_id: int):
    notice = _editable_or_404(notice_id)
    if notice.author_id is not None:
        try:
            services.check_not_suspended(g.cafe, me())
        except services.Suspended as error:
            return suspended_page(error)
    form = RenewForm(today=services.today_in(g.cafe), latest=services.latest_expiry(g.cafe))
    if form.validate_on_submit():
        services.renew(g.cafe, notice, form.expires_on.data)
        flash(
            _("Your notice stays on the board until %(date)s.", date=short_date(notice.expires_on)),
            "success",
        )
        return redirect_to(url_for(".detail", notice_id=notice.id))
    return detail_page(notice, renew_form=form, status=422)


@bp.post("/<int:notice_id>/withdraw")
@requires(logged_in)
def withdraw(notice_id: int):
    notice = _editable_or_404(notice_id)
    if ActionForm().validate_on_submit():
        services.withdraw(g.cafe, notice, actor=current_actor())
        flash(_("Your notice is withdrawn from the board."), "success")
    return redirect_to(url_for(".mine") if notice.author_id else url_for(".index"))


@bp.get("/mine")
@requires(logged_in)
def mine():
    return render(
        "noticeboard/mine.html",
        notices=services.my_notices(g.cafe, me()),
        today=services.today_in(g.cafe),
        action_form=ActionForm(),
    )

"""The staff area of a café: /c/<slug>/manage/."""

from flask import flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import cafe_role, current_actor, logged_in, login_required_response, requires
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import HoursException, Invitation, Membership, Role
from ...paging import page_arg
from ...tenancy import get_cafe_owned_or_404
from ...urls import external_url
from ..cafes.services import upcoming_exceptions, weekly_table
from . import bp, services
from .forms import (
    CafeProfileForm,
    HoursExceptionForm,
    InvitationForm,
    RoleForm,
    ServicesForm,
    WeeklyHoursForm,
)


@bp.get("/")
@requires(cafe_role(Role.HELPER))
def index():
    return render("manage/index.html")


@bp.route("/profile", methods=["GET", "POST"])
@requires(cafe_role(Role.MANAGER))
def profile():
    form = CafeProfileForm(obj=g.cafe)
    if form.validate_on_submit():
        services.update_profile(
            g.cafe,
            form.name.data,
            form.address.data or "",
            form.phone.data or "",
            form.email.data or "",
            form.description.data or "",
            actor=current_actor(),
        )
        flash(_("The café's details are saved."), "success")
        return redirect_to(url_for(".index"))
    return render("manage/profile.html", form=form)


def _weekly_form_data() -> dict:
    table = weekly_table(g.cafe)
    days = []
    for periods in table:
        day = {}
        for n, period in enumerate(periods[:2], start=1):
            day[f"opens_{n}"] = period.opens
            day[f"closes_{n}"] = period.closes
        days.append(day)
    return {"days": days}


@bp.route("/hours", methods=["GET", "POST"])
@requires(cafe_role(Role.MANAGER))
def hours():
    # On POST the form reads what was typed; on GET it shows what is saved.
    form = WeeklyHoursForm() if request.method == "POST" else WeeklyHoursForm(data=_weekly_form_data())
    exception_form = HoursExceptionForm()
    if form.validate_on_submit():
        services.replace_weekly_hours(
            g.cafe, [day.form.periods() for day in form.days], actor=current_actor()
        )
        flash(_("The opening hours are saved."), "success")
        return redirect_to(url_for(".hours"))
    context = dict(form=form, exception_form=exception_form, exceptions=upcoming_exceptions(g.cafe, days=366))
    return render("manage/hours.html", **context)


@bp.post("/hours/exceptions")
@requires(cafe_role(Role.MANAGER))
def add_exception():
    exception_form = HoursExceptionForm()
    if exception_form.validate_on_submit():
        services.save_hours_exception(
            g.cafe,
            exception_form.day.data,
            exception_form.status.data == "closed",
            exception_form.opens.data,
            exception_form.closes.data,
            exception_form.label.data or "",
            actor=current_actor(),
        )
        flash(_("The exceptional day is saved."), "success")
        return redirect_to(url_for(".hours"))
    return render(
        "manage/hours.html",
        form=WeeklyHoursForm(formdata=None, data=_weekly_form_data()),
        exception_form=exception_form,
        exceptions=upcoming_exceptions(g.cafe, days=366),
    )


@bp.post("/hours/exceptions/<int:exception_id>/delete")
@requires(cafe_role(Role.MANAGER))
def delete_exception(exception_id: int):
    exception = get_cafe_owned_or_404(HoursException, exception_id)
    services.delete_hours_exception(g.cafe, exception, actor=current_actor())
    flash(_("The exceptional day is removed."), "success")
    return redirect_to(url_for(".hours"))


@bp.route("/services", methods=["GET", "POST"])
@requires(cafe_role(Role.MANAGER))
def services_offered():
    form = ServicesForm(data={"services": g.cafe.service_keys} if request.method == "GET" else None)
    if form.validate_on_submit():
        services.set_services(g.cafe, form.services.data or [], actor=current_actor())
        flash(_("The services are saved."), "success")
        return redirect_to(url_for(".index"))
    return render("manage/services.html", form=form)


def _team_page(invitation_form: InvitationForm, new_link: str | None = None):
    return render(
        "manage/team.html",
        members=services.team(g.cafe),
        invitations=services.open_invitations(g.cafe),
        invitation_form=invitation_form,
        role_form=RoleForm(),
        action_form=ActionForm(),
        new_link=new_link,
    )


@bp.get("/team")
@requires(cafe_role(Role.MANAGER))
def team():
    return _team_page(InvitationForm())


@bp.post("/team/invitations")
@requires(cafe_role(Role.MANAGER))
def invite():
    form = InvitationForm()
    if not form.validate_on_submit():
        return _team_page(form)
    invitation, token = services.create_invitation(
        g.cafe, Role.parse(form.role.data), form.email.data or "", actor=current_actor()
    )
    link = external_url("cafe.manage.join", cafe_slug=g.cafe.slug, token=token)
    # The link is shown once, right now: only its hash is stored.
    if invitation.email:
        flash(
            _("Invitation sent to %(email)s. The link works once, for 7 days.", email=invitation.email),
            "success",
        )
    else:
        flash(
            _("Invitation created. Give this link to the person you invite; it works once, for 7 days."),
            "success",
        )
    return _team_page(InvitationForm(formdata=None), new_link=link)


@bp.post("/team/invitations/<int:invitation_id>/revoke")
@requires(cafe_role(Role.MANAGER))
def revoke_invitation(invitation_id: int):
    invitation = get_cafe_owned_or_404(Invitation, invitation_id)
    services.revoke_invitation(g.cafe, invitation, actor=current_actor())
    flash(_("The invitation is cancelled."), "success")
    return redirect_to(url_for(".team"))


@bp.post("/team/<int:membership_id>/role")
@requires(cafe_role(Role.MANAGER))
def change_role(membership_id: int):
    membership = get_cafe_owned_or_404(Membership, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles in the list."), "error")
        return redirect_to(url_for(".team"))
    try:
        services.change_role(g.cafe, membership, Role.parse(form.role.data), actor=current_actor())
    except services.LastManagerError:
        flash(_("The café must keep at least one manager. Appoint another manager first."), "error")
    else:
        flash(
            _(
                "New role for %(name)s: %(role)s.",
                name=membership.user.display_name,
                role=membership.role.label,
            ),
            "success",
        )
    return redirect_to(url_for(".team"))


@bp.post("/team/<int:membership_id>/remove")
@requires(cafe_role(Role.MANAGER))
def remove_member(membership_id: int):
    membership = get_cafe_owned_or_404(Membership, membership_id)
    name = membership.user.display_name
    try:
        services.remove_member(g.cafe, membership, actor=current_actor())
    except services.LastManagerError:
        flash(_("The café must keep at least one manager. Appoint another manager first."), "error")
    else:
        flash(_("%(name)s is no longer on the team.", name=name), "success")
    return redirect_to(url_for(".team"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    if not logged_in():
        flash(_("Log in or create an account to accept the invitation."), "info")
        return login_required_response()
    invitation = services.find_invitation(g.cafe, token)
    if invitation is None:
        return render("manage/join.html", status=404, invitation=None)
    if not invitation.is_usable:
        return render("manage/join.html", status=410, invitation=invitation, expired=True)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(g.cafe, invitation, current_user._get_current_object())
        except services.InvitationUsed:
            return render("manage/join.html", status=410, invitation=invitation, expired=True)
        flash(_("Welcome to the team of %(cafe)s.", cafe=g.cafe.name), "success")
        return redirect_to(url_for(".index"))
    return render("manage/join.html", invitation=invitation, form=form)


@bp.get("/audit")
@requires(cafe_role(Role.MANAGER))
def audit_log():
    page = page_arg()
    return render("manage/audit.html", entries=services.audit_log(g.cafe, page))

"""Staff set up the help: topics, weekly openings, extra dates, closures and the booking settings."""

from flask import abort, flash, g, url_for
from flask_babel import gettext as _

from ...access import cafe_role, current_actor, requires
from ...forms import ActionForm, with_id_prefix
from ...htmx import redirect_to, render
from ...models import WEEKDAYS, AvailabilityRule, Closure, ExtraOpening, HelpTopic, Role
from ...tenancy import get_cafe_owned_or_404
from . import bp, services
from .forms import ClosureForm, ExtraOpeningForm, RuleForm, SettingsForm, TopicForm

staff_only = requires(cafe_role(Role.STAFF))


def _helper_choices(with_whole_cafe: bool = False):
    choices = [(u.id, u.display_name) for u in services.team_helpers(g.cafe)]
    return ([(0, _("The whole café"))] if with_whole_cafe else []) + choices


def _setup_forms(**given):
    forms = {
        "topic_form": TopicForm(formdata=None),
        "rule_form": RuleForm(formdata=None),
        "extra_form": ExtraOpeningForm(formdata=None),
        "closure_form": ClosureForm(formdata=None),
        "settings_form": SettingsForm(
            formdata=None, obj=services.settings_for(g.cafe), retention_months=g.cafe.retention_months
        ),
    }
    forms.update(given)
    forms["rule_form"].helper.choices = _helper_choices()
    forms["extra_form"].helper.choices = _helper_choices()
    forms["closure_form"].helper.choices = _helper_choices(with_whole_cafe=True)
    for name, form in forms.items():
        with_id_prefix(form, name.removesuffix("_form"))
    return forms


def _setup_page(status: int = 200, **given):
    return render(
        "bookings/setup.html",
        status=status,
        action_form=ActionForm(),
        weekdays=WEEKDAYS,
        **services.setup_overview(g.cafe),
        **_setup_forms(**given),
    )


@bp.get("/staff/setup")
@staff_only
def setup():
    return _setup_page()


@bp.post("/staff/setup/topics")
@staff_only
def add_topic():
    form = TopicForm()
    if not form.validate_on_submit():
        return _setup_page(422, topic_form=form)
    services.add_topic(
        g.cafe,
        form.name.data,
        form.duration_minutes.data,
        form.what_to_bring.data or "",
        actor=current_actor(),
    )
    flash(_("The topic is added."), "success")
    return redirect_to(url_for(".setup"))


@bp.post("/staff/setup/topics/<int:topic_id>/toggle")
@staff_only
def toggle_topic(topic_id: int):
    services.toggle_topic(g.cafe, get_cafe_owned_or_404(HelpTopic, topic_id), actor=current_actor())
    return redirect_to(url_for(".setup"))


def _add_setup_row(form, adder, name: str, **extra_values):
    form.helper.choices = _helper_choices(with_whole_cafe=name == "closure_form")
    if not form.validate_on_submit():
        return _setup_page(422, **{name: form})
    values = {k: v for k, v in form.data.items() if k not in ("csrf_token", "helper", "outside_hours_ok")}
    helper_id = form.helper.data or None
    try:
        adder(g.cafe, helper_id=helper_id, **values, **extra_values, actor=current_actor())
    except services.NotAllowed:
        abort(404)
    flash(_("Saved."), "success")
    return redirect_to(url_for(".setup"))


@bp.post("/staff/setup/rules")
@staff_only
def add_rule():
    return _add_setup_row(RuleForm(), services.add_rule, "rule_form")


@bp.post("/staff/setup/extras")
@staff_only
def add_extra():
    return _add_setup_row(ExtraOpeningForm(), services.add_extra, "extra_form")


@bp.post("/staff/setup/closures")
@staff_only
def add_closure():
    return _add_setup_row(ClosureForm(), services.add_closure, "closure_form")


SETUP_ROWS = {"rules": AvailabilityRule, "extras": ExtraOpening, "closures": Closure}


@bp.post("/staff/setup/<any(rules, extras, closures):kind>/<int:row_id>/delete")
@staff_only
def delete_setup_row(kind: str, row_id: int):
    services.delete_setup_row(g.cafe, get_cafe_owned_or_404(SETUP_ROWS[kind], row_id), actor=current_actor())
    flash(_("Removed."), "success")
    return redirect_to(url_for(".setup"))


@bp.post("/staff/setup/settings")
@requires(cafe_role(Role.MANAGER))
def save_settings():
    form = SettingsForm()
    if not form.validate_on_submit():
        return _setup_page(422, settings_form=form)
    services.save_settings(
        g.cafe,
        window_days=form.window_days.data,
        min_notice_hours=form.min_notice_hours.data,
        cancel_notice_hours=form.cancel_notice_hours.data,
        retention_months=form.retention_months.data,
        actor=current_actor(),
    )
    flash(_("The booking settings are saved."), "success")
    return redirect_to(url_for(".setup"))

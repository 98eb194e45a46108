"""The network team's area: /network/ (network admins only: see __init__.py)."""

import base64
import binascii

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from ...access import current_actor
from ...extensions import db
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Cafe
from ...paging import page_arg
from . import bp, imports, services
from .forms import AppointManagerForm, CafeForm, ImportForm


def _cafe_or_404(cafe_id: int) -> Cafe:
    return db.get_or_404(Cafe, cafe_id)


def _list_args() -> dict:
    return {
        "q": request.args.get("q", "").strip()[:120],
        "department": request.args.get("department", "").strip()[:80],
        "status": request.args.get("status", "") if request.args.get("status") in ("open", "closed") else "",
    }


def _index_page(appoint_form=None, appoint_cafe=None, status=200):
    args = _list_args()
    cafes = services.cafe_list(args["q"], args["department"], args["status"], page=page_arg())
    if appoint_cafe is not None and all(row.cafe.id != appoint_cafe.id for row in cafes.items):
        # The café whose form has an error is shown first, wherever it is in the list.
        cafes.items.insert(0, services.cafe_row(appoint_cafe))
    return render(
        "network/index.html",
        block="cafe_list",
        cafes=cafes,
        args=args,
        link_args={key: value for key, value in args.items() if value},
        departments=services.departments(),
        action_form=ActionForm(),
        appoint_form=appoint_form or AppointManagerForm(formdata=None),
        appoint_cafe_id=appoint_cafe.id if appoint_cafe is not None else None,
        status=status,
    )


@bp.get("/")
def index():
    return _index_page()


@bp.route("/cafes/new", methods=["GET", "POST"])
def new_cafe():
    form = CafeForm()
    if form.validate_on_submit():
        if services.slug_taken(form.slug.data):
            form.slug.errors.append(_("Another café already uses this address."))
        else:
            cafe = services.create_cafe(
                form.name.data,
                form.slug.data,
                form.village.data,
                form.postcode.data,
                form.department.data,
                form.timezone.data,
                actor=current_actor(),
            )
            flash(_("The café %(name)s is open on Comptoir.", name=cafe.name), "success")
            if form.manager_email.data:
                _appoint_or_invite(cafe, form.manager_email.data)
            return redirect_to(url_for(".index"))
    status = 422 if request.method == "POST" else 200
    return render("network/new_cafe.html", form=form, status=status)


def _appoint_or_invite(cafe: Cafe, email: str) -> None:
    user, invitation = services.appoint_or_invite(cafe, email, actor=current_actor())
    if user is not None:
        flash(_("%(name)s now manages %(cafe)s.", name=user.display_name, cafe=cafe.name), "success")
    elif invitation is not None:
        flash(
            _(
                "Invitation emailed to %(email)s: they will manage %(cafe)s once they accept it.",
                email=invitation.email,
                cafe=cafe.name,
            ),
            "success",
        )
    else:
        flash(_("An invitation to %(email)s is already waiting.", email=email.strip().lower()), "info")


@bp.route("/cafes/<int:cafe_id>/close", methods=["GET", "POST"])
def close_cafe(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    if request.method == "GET":
        # The confirmation, as a page: it works without JavaScript.
        return render("network/close_cafe.html", target=cafe, form=ActionForm())
    if not ActionForm().validate_on_submit():
        abort(400)
    services.close_cafe(cafe, actor=current_actor())
    flash(_("%(name)s is closed: it no longer appears in the directory.", name=cafe.name), "success")
    return redirect_to(url_for(".index"))


@bp.post("/cafes/<int:cafe_id>/reopen")
def reopen_cafe(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    services.reopen_cafe(cafe, actor=current_actor())
    flash(_("%(name)s is open again.", name=cafe.name), "success")
    return redirect_to(url_for(".index"))


@bp.post("/cafes/<int:cafe_id>/manager")
def appoint_manager(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    form = AppointManagerForm()
    if form.validate_on_submit():
        _appoint_or_invite(cafe, form.email.data)
        return redirect_to(url_for(".index"))
    return _index_page(appoint_form=form, appoint_cafe=cafe, status=422)


@bp.route("/cafes/import", methods=["GET", "POST"])
def import_cafes():
    form = ImportForm()
    if request.method == "GET":
        return render("network/import.html", form=form, lines=None)
    raw = _uploaded(form)
    if raw is None:
        form.file.errors = [_("Choose a CSV file of cafés.")]
        return render("network/import.html", form=form, lines=None, status=422)
    confirmed = request.form.get("confirm") == "1"
    try:
        lines = imports.run(raw, actor=current_actor()) if confirmed else imports.plan(raw)
    except imports.ImportFileError as error:
        form.file.errors = [str(error)]
        return render("network/import.html", form=form, lines=None, status=422)
    failed = any(not line.ok for line in lines)
    if confirmed and not failed:
        created = sum(1 for line in lines if line.action == "create")
        flash(
            _(
                "Import done: %(created)d café(s) created, %(unchanged)d already there.",
                created=created,
                unchanged=len(lines) - created,
            ),
            "success",
        )
        return redirect_to(url_for(".index"))
    form.content.data = base64.b64encode(raw).decode()
    return render(
        "network/import.html",
        form=form,
        lines=lines,
        failed=failed,
        to_create=sum(1 for line in lines if line.action == "create"),
        status=422 if failed else 200,
    )


def _uploaded(form: ImportForm) -> bytes | None:
    """The file sent, or the content carried over from the dry run."""
    if not form.validate_on_submit():
        return None
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        return upload.read(imports.MAX_BYTES + 1)
    if form.content.data:
        try:
            return base64.b64decode(form.content.data, validate=True)
        except (binascii.Error, ValueError):
            return None
    return None


@bp.get("/audit")
def audit_log():
    page = page_arg()
    return render("network/audit.html", entries=services.network_audit_log(page))

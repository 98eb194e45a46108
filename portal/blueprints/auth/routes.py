"""Register, log in and out, reset a forgotten password."""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import confirm_login, current_user, login_user, logout_user

from ... import ratelimits
from ...access import logged_in, requires
from ...extensions import limiter
from ...htmx import redirect_to, render
from ...navigation import safe_next_url
from ...sessions import end_every_session, mark_seen
from . import bp, services
from .forms import ConfirmPasswordForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm


def _post_only_limit(config_key: str):
    # Only attempts count: looking at the form must never lock anyone out.
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"], per_method=True)


@bp.route("/login", methods=["GET", "POST"])
@_post_only_limit("LOGIN_RATE_LIMIT")
def login():
    next_url = safe_next_url(request.args.get("next"), url_for("directory.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        # Too many failures on this account, from wherever: refused even with the right
        # password until the window ends (the page says how long).
        if not ratelimits.account_login_allowed(form.email.data):
            abort(429)
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            mark_seen(force=True)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect_to(next_url)
        ratelimits.count_failed_login(form.email.data)
        form.password.errors.append(_("Wrong email address or password."))
    return render("auth/login.html", form=form, next_url=next_url)


@bp.post("/logout")
def logout():
    # Logging out ends every session of the account: a copied cookie or a remember-me
    # cookie on another device stops working too.
    if current_user.is_authenticated:
        end_every_session(current_user)
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect_to(url_for("directory.index"))


@bp.route("/register", methods=["GET", "POST"])
@_post_only_limit("REGISTER_RATE_LIMIT")
def register():
    next_url = safe_next_url(request.args.get("next"), url_for("directory.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        # The same answer whether the address is new or already has an account (whose
        # owner is told by mail): this page must not tell who has an account.
        services.register_user(form.display_name.data, form.email.data, form.password.data)
        flash(
            _(
                "Check your mailbox: we have sent a message to %(email)s. "
                "If this address is new, your account is ready: log in with the password you chose.",
                email=services.normalise_email(form.email.data),
            ),
            "success",
        )
        return redirect_to(url_for("auth.login", next=next_url))
    return render("auth/register.html", form=form, next_url=next_url)


@bp.route("/reset", methods=["GET", "POST"])
@_post_only_limit("RESET_RATE_LIMIT")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.send_reset_email(form.email.data)
        flash(
            _("If an account uses this address, we have sent a link to it to choose a new password."),
            "success",
        )
        return redirect_to(url_for("auth.login"))
    return render("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_post_only_limit("RESET_RATE_LIMIT")
def reset_password(token: str):
    user = services.user_from_reset_token(token)
    if user is None:
        flash(_("This link has expired or was already used. Ask for a new one."), "error")
        return redirect_to(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_new_password(user, form.password.data)
        # Whoever had the old password is logged out everywhere; this browser stays in.
        end_every_session(user, keep_this_one=True)
        flash(_("Your password has been changed."), "success")
        return redirect_to(url_for("directory.index"))
    return render("auth/reset_password.html", form=form, token=token)


@bp.route("/confirm", methods=["GET", "POST"])
@requires(logged_in)
@_post_only_limit("LOGIN_RATE_LIMIT")
def confirm_password():
    """Staff pages after a long idle time: the password again, then back where they were."""
    next_url = safe_next_url(request.args.get("next"), url_for("directory.index"))
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        if not ratelimits.account_login_allowed(current_user.email):
            abort(429)
        if current_user.check_password(form.password.data):
            confirm_login()
            mark_seen(force=True)
            return redirect_to(next_url)
        ratelimits.count_failed_login(current_user.email)
        form.password.errors.append(_("Wrong password."))
    return render("auth/confirm_password.html", form=form, next_url=next_url)

"""What the noticeboard's pages share (reading, replying, posting): who is asking, the rate
limits on what people send, and the pages shown again after a refused form."""

from datetime import timedelta

from flask import current_app, g
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ...access import allowed, cafe_role
from ...extensions import limiter
from ...forms import ActionForm
from ...htmx import render
from ...models import Notice, Role, utcnow
from . import services
from .forms import RenewForm, ReplyForm


def _limit(key: str) -> str:
    """A rate limit from the configuration (BOARD_*_RATE_LIMIT, see portal/config.py)."""
    return current_app.config[key]


def _user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def post_limit_for_account() -> str:
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


def me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def suspended_page(error: services.Suspended):
    return render("noticeboard/suspended.html", status=403, suspension=error.suspension)


def detail_page(notice: Notice, reply_form=None, renew_form=None, status: int = 200):
    user = me()
    reply_form = reply_form or ReplyForm(formdata=None)
    reply_form.issue_key()
    return render(
        "noticeboard/detail.html",
        status=status,
        notice=notice,
        today=services.today_in(g.cafe),
        reply_form=reply_form,
        can_reply=services.can_reply(notice) and notice.is_visible(services.today_in(g.cafe)),
        can_edit=services.can_edit(notice, user, allowed(cafe_role(Role.STAFF))),
        is_author=user is not None and notice.author_id == user.id,
        renew_form=renew_form
        or RenewForm(formdata=None, data={"expires_on": services.default_expiry(g.cafe)}),
        action_form=ActionForm(),
        latest=services.latest_expiry(g.cafe),
        today_value=services.today_in(g.cafe),
    )

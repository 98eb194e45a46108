"""The words of emails and SMS, from text templates (`templates/<feature>/email/*.txt`).

Rendered with the app's Jinja environment but without a request (reminders are sent by
a command): a template gets only what it is given, translated with `_()` in the current
language. Features' `notifications.py` render them and pass them to `portal.notify.notify`.
"""

from flask import current_app


def render_text(template: str, **context) -> str:
    """A message body from a text template (no HTML escaping), without trailing blank lines."""
    return current_app.jinja_env.get_template(template).render(**context).rstrip("\n") + "\n"


def render_line(template: str, **context) -> str:
    """A one-line text (a subject, an SMS) from a template: surrounding space removed."""
    return " ".join(current_app.jinja_env.get_template(template).render(**context).split())

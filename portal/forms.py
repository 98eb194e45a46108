"""Forms shared across blueprints."""

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons, so the CSRF token travels with them."""

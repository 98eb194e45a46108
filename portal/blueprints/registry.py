"""Which blueprints the app serves, and which live inside a café.

Nesting happens once, at import: a blueprint cannot be changed after an app has
registered it, and the tests create many apps.
"""

from ..tenancy import cafe_bp
from .auth import bp as auth_bp
from .bookings import bp as bookings_bp
from .cafes import bp as cafes_bp
from .directory import bp as directory_bp
from .events import bp as events_bp
from .impact import bp as impact_bp
from .impact import network_bp as network_impact_bp
from .manage import bp as manage_bp
from .moderation import bp as moderation_bp
from .moderation import network_bp as network_moderation_bp
from .network import bp as network_bp
from .noticeboard import bp as noticeboard_bp
from .orders import bp as orders_bp
from .outbox import bp as messages_bp
from .outbox import network_bp as network_messages_bp
from .parcels import bp as parcels_bp
from .privacy import bp as privacy_bp
from .privacy import cafe_bp as cafe_privacy_bp
from .site import bp as site_bp

# Inside /c/<cafe_slug>: each gets g.cafe for free.
for feature in (
    cafes_bp,
    manage_bp,
    events_bp,
    bookings_bp,
    noticeboard_bp,
    moderation_bp,
    orders_bp,
    parcels_bp,
    impact_bp,
    cafe_privacy_bp,
    messages_bp,
):
    cafe_bp.register_blueprint(feature)

TOP_LEVEL_BLUEPRINTS = (
    site_bp,
    directory_bp,
    auth_bp,
    network_bp,
    network_moderation_bp,
    privacy_bp,
    network_impact_bp,
    network_messages_bp,
    cafe_bp,
)

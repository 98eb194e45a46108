"""Counter mode: the café's tablet left to the public (big type, three steps, resets itself).

A staff member puts the tablet in counter mode (they are logged out: nobody stays logged in
on a public tablet); every page then answers that browser, or a helper of the café, and
a staff login takes it out again. URLs: /c/<slug>/help/counter/...
"""

from flask import Blueprint

from ....access import cafe_role, counter_mode, protect_blueprint
from ....models import Role

bp = Blueprint("counter", __name__, url_prefix="/counter")
protect_blueprint(bp, counter_mode | cafe_role(Role.HELPER))

from . import routes  # noqa: E402,F401

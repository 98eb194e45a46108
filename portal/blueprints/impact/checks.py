"""Who may record and see the help given: the café's team, its managers, the counter tablet."""

from ...access import Check, cafe_role, counter_mode
from ...models import Role

helper = cafe_role(Role.HELPER)
staff = cafe_role(Role.STAFF)
manager = cafe_role(Role.MANAGER)
# The café's team, or its counter tablet (nobody logged in there); others are asked to log in.
helper_or_counter = Check("helper_or_counter", lambda: counter_mode() or helper())

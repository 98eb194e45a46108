"""Short codes people read out at the counter or type on a phone (bookings, RSVPs, orders)."""

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: nothing to confuse when read aloud or handwritten.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3479"


def new_code(length: int = 6) -> str:
    """A random code of `length` unambiguous characters (callers check uniqueness)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(code: str) -> str:
    """What people type back: any case, spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())

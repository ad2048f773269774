"""Tracking codes residents can read aloud and type: 8 characters from an
alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), shown as
``ABCD-EFGH``. 26 symbols ** 8 ≈ 2×10^11 codes: guessing one is hopeless
behind the rate limit on /track/."""

import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 8


def new_tracking_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_tracking_code(raw: str) -> str:
    """Accept what a resident types: lower case, spaces, dashes, and the
    look-alike characters we never issue mapped to the ones we do."""
    text = (raw or "").upper()
    text = "".join(ch for ch in text if ch.isalnum())
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))[: LENGTH * 2]

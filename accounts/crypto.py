"""Protection of residents' phone numbers (PIPL).

A phone number is stored encrypted (Fernet: AES-128-CBC + HMAC) with a key
from ``PORTAL_FIELD_ENCRYPTION_KEY`` (required in production; derived from
SECRET_KEY locally), alongside its masked form (138****1234) and last four
digits, which are all that lists, tracking and exports ever need.
"""

import base64
import hashlib
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _fernet() -> Fernet:
    secret = settings.PORTAL_FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(hashlib.sha256(("phone:" + secret).encode()).digest())
    return Fernet(key)


def normalize_phone(raw: str) -> str:
    """Digits only, without a +86/0086 prefix."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def is_valid_mobile(phone: str) -> bool:
    return bool(PHONE_RE.match(phone))


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "****"


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def mask_name(name: str) -> str:
    """A resident's name as shown to those who need not call back (PIPL):
    the surname (first character) and one star, 王阿姨 → 王*, 欧阳修 → 欧*."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else ""


def phone_digest(phone: str) -> str:
    """A keyed digest of a phone number: finds the same number again (one
    subscription per number, admin search) without storing it in clear."""
    if not phone:
        return ""
    secret = settings.PORTAL_FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    return hashlib.sha256(("phone-digest:" + secret + ":" + phone).encode()).hexdigest()

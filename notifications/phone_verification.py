"""One-time SMS codes that prove a person holds a phone number.

``phone_code_send`` writes a ``PhoneCode`` (the number as a keyed digest, the
code as a hash) and queues the SMS in the outbox in the same transaction, so
the code is sent once even if a worker dies; ``phone_code_verify`` checks the
latest unexpired code for that number and purpose, at most
``MAX_ATTEMPTS`` times, and uses it up.

Limits (a stranger must not be able to flood a number, nor guess codes):
one code per number and purpose a minute, ``PER_PHONE_DAY`` a day; per
address ``PER_IP_HOUR`` codes an hour. Codes live ``TTL`` seconds.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from intake import ratelimit

from .models import Channel, PhoneCode
from .recipients import To
from .services.outbox import outbox_add
from .tasks import deliver_messages, enqueue

TTL = 10 * 60
MAX_ATTEMPTS = 5
RESEND_AFTER = 60
PER_PHONE_DAY = 5
PER_IP_HOUR = 10


def _limit(name: str, default: int) -> int:
    """``settings.PHONE_CODE`` may override a limit (e.g. ``INTERVAL_SECONDS``)."""
    return int(getattr(settings, "PHONE_CODE", {}).get(name, default))


MSG_BAD_PHONE = _("手机号格式不正确，请填写 11 位手机号。")
MSG_TOO_SOON = _("验证码已发送，请 1 分钟后再重新获取。")
MSG_TOO_MANY = _("今天获取验证码的次数太多了，请明天再试。")
MSG_WRONG = _("验证码不正确或已过期，请重新输入或重新获取。")


class PhoneCodeError(Exception):
    """A refused send or check; str() is a Chinese message for the resident."""


PhoneCodeRefused = PhoneCodeError  # the name the programme apps use


def phone_digest(phone: str, *, scope: str = "phone") -> str:
    """A keyed digest of a number within ``scope`` (one vote per verified
    phone and report, say) that cannot be linked across scopes."""
    return crypto.phone_digest(f"{scope}:{crypto.normalize_phone(phone)}")


def _hash(code: str, digest: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{digest}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_code_send(*, phone: str, purpose: str, request_ip: str = "", purpose_label: str = "", now=None) -> PhoneCode:
    """Queue a new six-digit code by SMS to ``phone`` for ``purpose``
    (``purpose_label``, if given, names it in the message: 代表述职测评…)."""
    phone = crypto.normalize_phone(phone)
    if not crypto.is_valid_mobile(phone):
        raise PhoneCodeError(MSG_BAD_PHONE)
    now = now or timezone.now()
    digest = crypto.phone_digest(phone)
    if request_ip and not ratelimit.hit("phone-code-ip", request_ip, (_limit("PER_IP_HOUR", PER_IP_HOUR), 3600)):
        raise PhoneCodeError(MSG_TOO_MANY)
    with transaction.atomic():
        recent = PhoneCode.objects.select_for_update().filter(
            phone_digest=digest, purpose=purpose, created_at__gte=now - dt.timedelta(days=1)
        )
        interval = _limit("INTERVAL_SECONDS", RESEND_AFTER)
        if interval and recent.filter(created_at__gte=now - dt.timedelta(seconds=interval)).exists():
            raise PhoneCodeError(MSG_TOO_SOON)
        if recent.count() >= _limit("PER_PHONE_DAY", PER_PHONE_DAY):
            raise PhoneCodeError(MSG_TOO_MANY)
        code = f"{secrets.randbelow(10**6):06d}"
        row = PhoneCode.objects.create(
            purpose=purpose, phone_digest=digest, code_hash=_hash(code, digest), created_at=now, expires_at=now + dt.timedelta(seconds=TTL)
        )
        keys = outbox_add(
            kind="phone_code",
            recipients=[To(phone=phone, channels=frozenset({Channel.SMS}))],
            channels_={Channel.SMS},
            context={"code": code, "minutes": TTL // 60, "purpose_label": str(purpose_label) if purpose_label else ""},
            dedup=f"phone-code:{row.pk}",
            now=now,
        )
    # The code must not wait for the sweep: deliver just this message after commit.
    transaction.on_commit(lambda: enqueue(deliver_messages, keys))
    return row


def phone_code_verify(*, phone: str, purpose: str, code: str, now=None) -> bool:
    """True (and the code is used up) if ``code`` is the latest unexpired code
    sent to ``phone`` for ``purpose``; each wrong try counts against it."""
    phone = crypto.normalize_phone(phone)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not crypto.is_valid_mobile(phone) or len(code) != 6:
        return False
    now = now or timezone.now()
    digest = crypto.phone_digest(phone)
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone_digest=digest, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None or row.attempts >= MAX_ATTEMPTS:
            return False
        if not hmac.compare_digest(row.code_hash, _hash(code, digest)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            return False
        row.used_at = now
        row.save(update_fields=["used_at"])
        return True

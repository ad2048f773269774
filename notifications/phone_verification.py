"""One-time SMS codes that prove a person holds a phone number.

Used by every public door that must count one person once: the public vote
of a selection, the voters' rating of a deputy's report, reception-day
subscriptions. ::

    phone_code_send(phone="138…", purpose="selection_vote", request_ip=ip)
    ...
    if phone_code_verify(phone="138…", purpose="selection_vote", code="123456"): ...

Rules (defaults in ``conf.phone_code``, setting ``PHONE_CODE``):

- a 6-digit code, valid 10 minutes; only the newest code of a number and
  purpose is valid; it is used once;
- 5 wrong entries kill the code (a new one must be requested);
- at most one code a minute, 5 an hour and 10 a day to one number, and 20
  an hour from one address;
- neither the number nor the code is stored in clear: the table holds keyed
  hashes (HMAC-SHA256 with SECRET_KEY); the SMS goes through the outbox
  (``outbox_add`` with a dedup key per code, so it is sent exactly once),
  and once sent (or expired unsent) the outbox row keeps neither the code
  nor the full number (``services.outbox``).
"""

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.crypto import is_valid_mobile, normalize_phone

from . import conf
from .models import Channel, PhoneCode
from .recipients import To
from .services.outbox import outbox_add
from .tasks import deliver_messages, enqueue

logger = logging.getLogger(__name__)

KIND = "phone_code"

MSG_INVALID_PHONE = gettext_noop("请输入正确的11位手机号码。")
MSG_TOO_SOON = gettext_noop("验证码已发送，请%(seconds)s秒后再试。")
MSG_PHONE_LIMIT = gettext_noop("该手机号今天获取验证码的次数过多，请稍后再试。")
MSG_IP_LIMIT = gettext_noop("当前网络获取验证码过于频繁，请稍后再试。")


class PhoneCodeRefused(Exception):
    """A code was not sent; ``str(exc)`` is the Chinese message to show."""


@dataclass(frozen=True)
class PhoneCodeSent:
    expires_at: dt.datetime
    resend_after: int  # seconds before another code may be requested
    dedup_key: str


def _digest(value: str, scope: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def phone_digest(phone: str, *, scope: str = "phone") -> str:
    """A keyed hash of a normalised number: what a caller stores to count one
    person once (e.g. "one vote per verified phone") without keeping the
    number. Different ``scope`` values give unlinkable digests."""
    return _digest(normalize_phone(phone), scope)


def _code_hash(phone_hash: str, purpose: str, code: str) -> str:
    return _digest(f"{phone_hash}:{purpose}:{code}", "code")


def _lock(phone_hash: str) -> None:
    """Serialise concurrent requests for one number (the limits count rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(phone_hash[:15], 16)])


def phone_code_send(*, phone: str, purpose: str, request_ip: str, purpose_label: str = "", now=None) -> PhoneCodeSent:
    """Create a code for ``phone`` and queue its SMS. Raises
    ``PhoneCodeRefused`` with a Chinese message when the number is invalid or
    a limit is reached."""
    now = now or timezone.now()
    number = normalize_phone(phone)
    if not is_valid_mobile(number):
        raise PhoneCodeRefused(_(MSG_INVALID_PHONE))
    phone_hash = _digest(number, "phone")
    ip_hash = _digest(request_ip or "unknown", "ip")
    ttl = conf.phone_code("TTL_SECONDS")
    interval = conf.phone_code("INTERVAL_SECONDS")
    with transaction.atomic():
        _lock(phone_hash)
        recent = list(
            PhoneCode.objects.filter(phone_hash=phone_hash, created_at__gt=now - dt.timedelta(days=1))
            .order_by("-created_at")
            .values_list("created_at", flat=True)
        )
        if recent and (now - recent[0]).total_seconds() < interval:
            wait = interval - int((now - recent[0]).total_seconds())
            raise PhoneCodeRefused(_(MSG_TOO_SOON) % {"seconds": wait})
        hour_ago = now - dt.timedelta(hours=1)
        if len(recent) >= conf.phone_code("PER_PHONE_DAY") or sum(t > hour_ago for t in recent) >= conf.phone_code("PER_PHONE_HOUR"):
            raise PhoneCodeRefused(_(MSG_PHONE_LIMIT))
        if PhoneCode.objects.filter(ip_hash=ip_hash, created_at__gt=hour_ago).count() >= conf.phone_code("PER_IP_HOUR"):
            raise PhoneCodeRefused(_(MSG_IP_LIMIT))
        code = f"{secrets.randbelow(10**6):06d}"
        # Only the newest code of a number and purpose is valid.
        PhoneCode.objects.filter(phone_hash=phone_hash, purpose=purpose, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        row = PhoneCode.objects.create(
            phone_hash=phone_hash,
            purpose=purpose,
            code_hash=_code_hash(phone_hash, purpose, code),
            ip_hash=ip_hash,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=ttl),
        )
        keys = outbox_add(
            kind=KIND,
            recipients=[To(phone=number, channels=frozenset({Channel.SMS}))],
            channels_=frozenset({Channel.SMS}),
            context={"code": code, "minutes": ttl // 60, "purpose_label": purpose_label or _("身份验证")},
            dedup=f"phonecode:{row.pk}",
            now=now,
        )
        transaction.on_commit(lambda: _deliver_soon(keys))
    return PhoneCodeSent(expires_at=row.expires_at, resend_after=interval, dedup_key=keys[0] if keys else "")


def _deliver_soon(keys: list[str]) -> None:
    # If the broker is down, the sweep delivers it (it is in the outbox).
    enqueue(deliver_messages, keys)


def phone_code_verify(*, phone: str, purpose: str, code: str, now=None) -> bool:
    """True once, for the newest live code of this number and purpose;
    each wrong entry counts against the code's attempts."""
    now = now or timezone.now()
    number = normalize_phone(phone)
    entered = "".join(ch for ch in str(code or "") if ch.isdigit())
    if not is_valid_mobile(number) or len(entered) != 6:
        return False
    phone_hash = _digest(number, "phone")
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone_hash=phone_hash, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= conf.phone_code("MAX_ATTEMPTS"):
            return False
        if hmac.compare_digest(row.code_hash, _code_hash(phone_hash, purpose, entered)):
            row.used_at = now
            row.save(update_fields=["used_at"])
            return True
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return False


def phone_codes_purge(*, now=None) -> int:
    """Delete codes older than the longest limit window (one day)."""
    now = now or timezone.now()
    deleted, _rows = PhoneCode.objects.filter(created_at__lt=now - dt.timedelta(days=2)).delete()
    return deleted

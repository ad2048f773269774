"""Writes of the Open311 app: issuing and revoking keys, creating requests."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.models import Case, Channel
from proposals.services.intake import case_create

from .models import ApiKey

KEY_PREFIX = "o311_"
MSG_KEY_NEEDS_PLACE = _("请选择所属站点或所属区域。")
MEDIA_LABEL = "图片链接："


class ApiKeyError(ValueError):
    pass


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def new_raw_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(30)


@dataclass
class IssuedKey:
    api_key: ApiKey
    raw_key: str  # shown once; never stored


def api_key_issue(*, name: str, station=None, region=None, user=None, note: str = "", raw_key: str | None = None) -> IssuedKey:
    """Create a key for a station (or a region, for an area-wide integration).
    ``raw_key`` is for fixed demo keys only; normally a random key is drawn."""
    if station is not None:
        region = station.region
    if region is None:
        raise ApiKeyError(str(MSG_KEY_NEEDS_PLACE))
    raw_key = raw_key or new_raw_key()
    api_key = ApiKey.objects.create(
        name=name,
        station=station,
        region=region,
        prefix=raw_key[:10],
        key_hash=hash_key(raw_key),
        note=note,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return IssuedKey(api_key, raw_key)


def api_key_revoke(*, api_key_id: int, user=None) -> ApiKey:
    """Revoke at once; the key stops working on the next request. Idempotent."""
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().get(pk=api_key_id)
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.revoked_by = user if user is not None and user.is_authenticated else None
            api_key.save(update_fields=["revoked_at", "revoked_by"])
        return api_key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The active key for ``raw_key``, or None. Records the use (at most once
    a minute per key, so a busy client does not write on every request)."""
    if not raw_key or len(raw_key) > 200:
        return None
    api_key = ApiKey.objects.select_related("station", "region").filter(key_hash=hash_key(raw_key), revoked_at__isnull=True).first()
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


def service_request_create(*, api_key: ApiKey, data: dict, idempotency_key: str = "") -> Case:
    """A GeoReport v2 POST becomes a resident opinion at the key's station
    (or in its region), channel "open311". ``data`` is the cleaned
    ``ServiceRequestForm``. A client that sends the same ``Idempotency-Key``
    again gets the case its first request created."""
    submission_key = None
    if idempotency_key:
        submission_key = "o311:" + hashlib.sha256(f"{api_key.pk}:{idempotency_key}".encode()).hexdigest()[:56]
    name = " ".join(part for part in (data.get("last_name", ""), data.get("first_name", "")) if part)
    phone = data.get("phone", "")
    email = data.get("email", "")
    content = data["description"]
    if data.get("media_url"):
        # We keep no remote files; the link stays with the resident's words.
        content = f"{content}\n\n{MEDIA_LABEL}{data['media_url']}"
    created = case_create(
        title=data["title"],
        content=content,
        channel=Channel.OPEN311,
        station=api_key.station,
        region=api_key.region if api_key.station is None else None,
        category=data["service"],
        address=data.get("address_string", ""),
        latitude=data.get("lat"),
        longitude=data.get("long"),
        resident_name=name,
        phone=phone,
        contact_email=email,
        # The client collected the details under its own consent notice
        # (the key's terms); without any details the case is anonymous.
        consent_given=bool(name or phone or email),
        submission_key=submission_key,
        device_id=(data.get("device_id") or "")[:64],
        actor_label=str(api_key.name)[:50],
    )
    return created.case

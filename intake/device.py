"""Kiosk devices: a station's touch screen carries a signed cookie, set when
staff open the kiosk in device mode. It makes submissions channel "kiosk",
turns on the inactivity reset and gives the device its own rate limit
(many residents, one screen)."""

import uuid
from dataclasses import dataclass

from django.core import signing

from . import conf

SALT = "intake.kiosk-device"


@dataclass(frozen=True)
class Device:
    station_code: str
    device_id: str


def device_cookie_value(station_code: str, device_id: str | None = None) -> str:
    return signing.dumps({"s": station_code, "d": device_id or uuid.uuid4().hex}, salt=SALT, compress=True)


def read_device(request) -> Device | None:
    raw = request.COOKIES.get(conf.get("DEVICE_COOKIE"))
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=conf.get("DEVICE_COOKIE_AGE"))
        return Device(str(data["s"]), str(data["d"])[:64])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def device_for_station(request, station) -> Device | None:
    device = read_device(request)
    return device if device is not None and device.station_code == station.code else None


def set_device_cookie(response, request, station_code: str) -> None:
    response.set_cookie(
        conf.get("DEVICE_COOKIE"),
        device_cookie_value(station_code),
        max_age=conf.get("DEVICE_COOKIE_AGE"),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def clear_device_cookie(response) -> None:
    response.delete_cookie(conf.get("DEVICE_COOKIE"), samesite="Lax")

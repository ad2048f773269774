"""Delivery channels: e-mail (Django's mail backends), SMS (a pluggable
backend) and in-app (a Notification row written in the sending transaction).

A channel's ``send(message)`` either returns (the message is delivered) or
raises; the outbox (``services.outbox``) records the outcome in the same
transaction as the claim.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import Channel
from . import email, inapp


class SendError(Exception):
    """A channel could not deliver; the outbox retries with back-off."""


def sms_backend():
    return import_string(settings.NOTIFICATIONS_SMS_BACKEND)()


def query(message) -> bool | None:
    """Did the provider accept ``message``'s current attempt? True / False,
    or None when the channel cannot tell (SMTP); raises when the provider
    could not be asked (ask again later)."""
    if message.channel == Channel.EMAIL:
        return email.query(message)
    if message.channel == Channel.SMS:
        from .sms import resolve_phone

        return sms_backend().query(phone=resolve_phone(message), message=message)
    return None


def send(message) -> None:
    if message.channel == Channel.EMAIL:
        email.send(message)
    elif message.channel == Channel.SMS:
        from .sms import resolve_phone

        sms_backend().send(phone=resolve_phone(message), text=message.body, message=message)
    elif message.channel == Channel.INAPP:
        inapp.send(message)
    else:
        raise SendError(f"unknown channel {message.channel!r}")

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

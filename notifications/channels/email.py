"""E-mail through Django's configured mail backend (EMAIL_BACKEND)."""

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage


def message_id(message) -> str:
    """A Message-ID derived from the dedup key: if a send is repeated after a
    crash between the SMTP server's acceptance and our commit, mail systems
    see the same Message-ID and can drop the copy."""
    digest = hashlib.sha256(message.dedup_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "portal.local"
    return f"<{digest}@{domain}>"


def send(message) -> None:
    address = message.address or (message.recipient.email if message.recipient_id else "")
    if not address:
        raise ValueError("no e-mail address")
    EmailMessage(
        subject=message.subject,
        body=message.body + (f"\n\n{absolute_url(message.url)}" if message.url else ""),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"Message-ID": message_id(message)},
    ).send(fail_silently=False)


def absolute_url(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.PORTAL_PUBLIC_BASE_URL.rstrip("/") + url


def query(message) -> None:
    """SMTP cannot be asked whether it accepted a message: always unknown."""
    return None

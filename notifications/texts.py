"""Message texts: Django templates in Chinese under templates/notifications/messages/.

``<kind>.txt``: first line the subject, the rest the body (e-mail, in-app).
``<kind>.sms.txt`` (optional): the short SMS text; the subject otherwise.
Rendered without HTML escaping: these are plain-text messages.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


def _render(name: str, context: dict) -> str:
    template = get_template(name).template
    return template.render(Context({"site_name": settings.PORTAL_SITE_NAME, **context}, autoescape=False)).strip()


def render(kind: str, context: dict) -> Rendered:
    # Messages go out in Chinese whatever language the triggering request used.
    with translation.override(settings.LANGUAGE_CODE):
        text = _render(f"notifications/messages/{kind}.txt", context)
        subject, _sep, body = text.partition("\n")
        try:
            sms = _render(f"notifications/messages/{kind}.sms.txt", context)
        except TemplateDoesNotExist:
            sms = subject
    return Rendered(subject=subject.strip()[:200], body=body.strip(), sms=" ".join(sms.split()))

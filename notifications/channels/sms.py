"""SMS backends. ``NOTIFICATIONS_SMS_BACKEND`` names the class.

- ``LoggingSMSBackend`` (default): writes the text to the log, sends nothing.
- ``LocmemSMSBackend``: keeps messages in ``outbox`` (tests, demos).
- ``AliyunSMSBackend``: Alibaba Cloud SMS (dysmsapi ``SendSms``, RPC
  signature V1), configured by ``NOTIFICATIONS_SMS``; credentials come only
  from the environment.

A backend's ``send(phone=, text=, message=)`` returns when the provider has
accepted the message and raises otherwise. ``query(phone=, message=)`` says
whether the provider accepted the message's current attempt (its
``attempt_id``, sent as Aliyun's ``OutId``): True, False, or raises when the
provider cannot be asked now (the outbox's crash recovery). Chinese providers only deliver
approved templates: the adapter sends the rendered text as the template's
single variable ``${content}``.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.crypto import mask_phone
from proposals.services.intake import case_phone

from ..conf import sms_settings

logger = logging.getLogger("notifications.sms")


class SMSError(Exception):
    pass


# Mainland mobile numbers, alone or after +86 / 86, not inside a longer number.
PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d{9})(?!\d)")


def scrub_phones(text: str) -> str:
    """Mask any mobile number in a text bound for a log or an error column
    (a provider's error may echo the number it refused)."""
    return PHONE_RE.sub(lambda m: mask_phone(m.group(1)), text or "")


def resolve_phone(message) -> str:
    """The number to send to. A resident's number is decrypted only here, at
    the moment of sending; it is never copied into the outbox."""
    if message.to_resident:
        phone = case_phone(message.case) if message.case_id else ""
    else:
        phone = message.address or (message.recipient.mobile if message.recipient_id else "")
    if not phone:
        raise SMSError("no phone number")
    return phone


class BaseSMSBackend:
    def send(self, *, phone: str, text: str, message=None) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def query(self, *, phone: str, message) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


def _accepted_log() -> Path:
    folder = Path(settings.VAR_DIR) / "sms"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "accepted-attempts.log"


class LoggingSMSBackend(BaseSMSBackend):
    """Sends nothing: writes the text to the log, and the attempt id to
    ``var/sms/accepted-attempts.log`` so that ``query`` can answer after a crash."""

    def send(self, *, phone: str, text: str, message=None) -> None:
        # Never a full number in the log, neither the recipient's nor one in the text.
        logger.info("SMS to %s: %s", mask_phone(phone), scrub_phones(text))
        if message is not None and message.attempt_id:
            with _accepted_log().open("a", encoding="utf-8") as fh:
                fh.write(message.attempt_id + "\n")

    def query(self, *, phone: str, message) -> bool:
        path = _accepted_log()
        return path.exists() and message.attempt_id in path.read_text(encoding="utf-8").split()


outbox: list[dict] = []


class LocmemSMSBackend(BaseSMSBackend):
    def send(self, *, phone: str, text: str, message=None) -> None:
        outbox.append(
            {
                "phone": phone,
                "text": text,
                "dedup_key": message.dedup_key if message else "",
                "attempt_id": message.attempt_id if message else "",
            }
        )

    def query(self, *, phone: str, message) -> bool:
        return any(sent["attempt_id"] == message.attempt_id for sent in outbox)


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba Cloud's signature requires (space → %20, ~ kept)."""
    return urllib.parse.quote(str(value), safe="~")


def rpc_signature(params: dict, secret: str, method: str = "GET") -> str:
    """Alibaba Cloud RPC signature V1: HMAC-SHA1 over the sorted, encoded query."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSMSBackend(BaseSMSBackend):
    """Alibaba Cloud SMS ``SendSms`` (API version 2017-05-25)."""

    def __init__(self, config: dict | None = None):
        self.config = config if config is not None else sms_settings()
        missing = [k for k in ("ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "SIGN_NAME", "TEMPLATE_CODE") if not self.config.get(k)]
        if missing:
            raise SMSError("Aliyun SMS is not configured: " + ", ".join(f"NOTIFICATIONS_SMS_{k}" for k in missing))

    def template_code(self, message) -> str:
        import os

        kind = (message.kind if message is not None else "").upper()
        return os.environ.get(f"NOTIFICATIONS_SMS_TEMPLATE_{kind}") or self.config["TEMPLATE_CODE"]

    def build_params(self, *, phone: str, text: str, message=None) -> dict:
        params = {
            "AccessKeyId": self.config["ACCESS_KEY_ID"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": self.config.get("REGION_ID", "cn-hangzhou"),
            "SignName": self.config["SIGN_NAME"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code(message),
            "TemplateParam": json.dumps({"content": text}, ensure_ascii=False),
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        if message is not None:
            # The provider keeps OutId with the message: the attempt's id, which
            # QuerySendDetails returns, so a crash can ask about this attempt.
            params["OutId"] = message.attempt_id or hashlib.sha256(message.dedup_key.encode()).hexdigest()[:32]
        params["Signature"] = rpc_signature(params, self.config["ACCESS_KEY_SECRET"])
        return params

    def _call(self, params: dict) -> dict:
        url = self.config["ENDPOINT"].rstrip("/") + "/?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        request = urllib.request.Request(url, method="GET", headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=float(self.config.get("TIMEOUT", 10))) as response:  # noqa: S310
                return json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            body = exc.read().decode(errors="replace")[:300]
            raise SMSError(f"HTTP {exc.code}: {body}") from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise SMSError(str(exc)) from exc

    def query(self, *, phone: str, message) -> bool:
        """``QuerySendDetails`` for the number on the day the attempt began:
        accepted if a record carries this attempt's OutId and has not failed
        (SendStatus 2). Raises when the provider does not answer."""
        sent_on = timezone.localtime(message.sending_since or timezone.now()).strftime("%Y%m%d")
        params = {
            "AccessKeyId": self.config["ACCESS_KEY_ID"],
            "Action": "QuerySendDetails",
            "CurrentPage": "1",
            "Format": "JSON",
            "PageSize": "50",
            "PhoneNumber": phone,
            "RegionId": self.config.get("REGION_ID", "cn-hangzhou"),
            "SendDate": sent_on,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = rpc_signature(params, self.config["ACCESS_KEY_SECRET"])
        payload = self._call(params)
        if payload.get("Code") != "OK":
            raise SMSError(f"{payload.get('Code')}: {payload.get('Message')}")
        details = (payload.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
        mine = [d for d in details if d.get("OutId") == message.attempt_id]
        return bool(mine) and all(int(d.get("SendStatus", 0)) != 2 for d in mine)

    def send(self, *, phone: str, text: str, message=None) -> None:
        params = self.build_params(phone=phone, text=text, message=message)
        url = self.config["ENDPOINT"].rstrip("/") + "/?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        request = urllib.request.Request(url, method="GET", headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=float(self.config.get("TIMEOUT", 10))) as response:  # noqa: S310
                payload = json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            body = exc.read().decode(errors="replace")[:300]
            raise SMSError(f"HTTP {exc.code}: {body}") from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise SMSError(str(exc)) from exc
        if payload.get("Code") != "OK":
            raise SMSError(f"{payload.get('Code')}: {payload.get('Message')}")

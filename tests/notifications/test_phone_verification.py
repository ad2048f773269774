"""One-time SMS codes (notifications/phone_verification.py)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from notifications.channels import sms
from notifications.models import Message, MessageStatus, PhoneCode
from notifications.phone_verification import (
    MSG_INVALID_PHONE,
    MSG_IP_LIMIT,
    MSG_PHONE_LIMIT,
    PhoneCodeRefused,
    phone_code_send,
    phone_code_verify,
    phone_codes_purge,
    phone_digest,
)
from notifications.services.outbox import EPHEMERAL_BODY, outbox_deliver

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def locmem_sms(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.sms.LocmemSMSBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def send(capture, phone=PHONE, purpose="vote", ip="10.0.0.1", now=None):
    with capture(execute=True):
        return phone_code_send(phone=phone, purpose=purpose, request_ip=ip, purpose_label="评选投票", now=now)


def last_code(outbox) -> str:
    return re.search(r"验证码(\d{6})", outbox[-1]["text"]).group(1)


def test_code_is_sent_once_by_sms_and_verifies_once(django_capture_on_commit_callbacks, locmem_sms):
    send(django_capture_on_commit_callbacks)
    assert len(locmem_sms) == 1
    assert locmem_sms[0]["phone"] == PHONE
    assert "评选投票" in locmem_sms[0]["text"]
    code = last_code(locmem_sms)
    # A second delivery run (sweep, retried task) sends nothing more.
    outbox_deliver()
    assert len(locmem_sms) == 1
    assert phone_code_verify(phone=PHONE, purpose="vote", code=code) is True
    assert phone_code_verify(phone=PHONE, purpose="vote", code=code) is False


def test_neither_number_nor_code_is_kept_in_clear(django_capture_on_commit_callbacks, locmem_sms):
    send(django_capture_on_commit_callbacks, phone="+86 138-1234-5678")
    code = last_code(locmem_sms)
    message = Message.objects.get(kind="phone_code")
    assert message.status == MessageStatus.SENT
    assert message.body == EPHEMERAL_BODY
    assert message.address == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notifications_phonecode")
        rows = cursor.fetchall()
        cursor.execute("SELECT body, address, subject FROM notifications_message")
        rows += cursor.fetchall()
    dumped = repr(rows)
    assert PHONE not in dumped and code not in dumped


def test_number_with_country_prefix_is_the_same_number(django_capture_on_commit_callbacks, locmem_sms):
    send(django_capture_on_commit_callbacks, phone="+86 138 1234 5678")
    assert phone_code_verify(phone=PHONE, purpose="vote", code=last_code(locmem_sms))
    assert phone_digest("+8613812345678") == phone_digest(PHONE)
    assert phone_digest(PHONE, scope="a") != phone_digest(PHONE, scope="b")


def test_code_is_bound_to_its_purpose(django_capture_on_commit_callbacks, locmem_sms):
    send(django_capture_on_commit_callbacks, purpose="vote")
    assert phone_code_verify(phone=PHONE, purpose="rating", code=last_code(locmem_sms)) is False
    assert phone_code_verify(phone=PHONE, purpose="vote", code=last_code(locmem_sms)) is True


def test_five_wrong_entries_kill_the_code(django_capture_on_commit_callbacks, locmem_sms):
    send(django_capture_on_commit_callbacks)
    code = last_code(locmem_sms)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert phone_code_verify(phone=PHONE, purpose="vote", code=wrong) is False
    assert PhoneCode.objects.get().attempts == 5
    assert phone_code_verify(phone=PHONE, purpose="vote", code=code) is False


def test_expired_code_does_not_verify(django_capture_on_commit_callbacks, locmem_sms):
    now = timezone.now()
    send(django_capture_on_commit_callbacks, now=now)
    later = now + dt.timedelta(minutes=10, seconds=1)
    assert phone_code_verify(phone=PHONE, purpose="vote", code=last_code(locmem_sms), now=later) is False


def test_only_the_newest_code_is_valid(django_capture_on_commit_callbacks, locmem_sms):
    now = timezone.now()
    send(django_capture_on_commit_callbacks, now=now - dt.timedelta(minutes=2))
    first = last_code(locmem_sms)
    send(django_capture_on_commit_callbacks, now=now)
    second = last_code(locmem_sms)
    if first != second:
        assert phone_code_verify(phone=PHONE, purpose="vote", code=first, now=now) is False
    assert phone_code_verify(phone=PHONE, purpose="vote", code=second, now=now) is True


def test_invalid_number_is_refused_with_a_message(django_capture_on_commit_callbacks, locmem_sms):
    with pytest.raises(PhoneCodeRefused, match=MSG_INVALID_PHONE):
        send(django_capture_on_commit_callbacks, phone="12345")
    assert not PhoneCode.objects.exists() and not locmem_sms
    assert phone_code_verify(phone="12345", purpose="vote", code="123456") is False


def test_one_code_a_minute_to_one_number(django_capture_on_commit_callbacks, locmem_sms):
    now = timezone.now() - dt.timedelta(minutes=5)
    send(django_capture_on_commit_callbacks, now=now)
    with pytest.raises(PhoneCodeRefused, match="秒后再试"):
        send(django_capture_on_commit_callbacks, now=now + dt.timedelta(seconds=30))
    send(django_capture_on_commit_callbacks, now=now + dt.timedelta(seconds=61))
    assert len(locmem_sms) == 2


def test_hourly_and_daily_limits_per_number(django_capture_on_commit_callbacks, locmem_sms):
    start = timezone.now() - dt.timedelta(hours=20)
    for i in range(5):
        send(django_capture_on_commit_callbacks, now=start + dt.timedelta(minutes=2 * i))
    with pytest.raises(PhoneCodeRefused, match=MSG_PHONE_LIMIT):
        send(django_capture_on_commit_callbacks, now=start + dt.timedelta(minutes=30))
    # An hour later the hourly window allows five more, the day allows ten in all.
    for i in range(5):
        send(django_capture_on_commit_callbacks, now=start + dt.timedelta(hours=2, minutes=2 * i))
    with pytest.raises(PhoneCodeRefused, match=MSG_PHONE_LIMIT):
        send(django_capture_on_commit_callbacks, now=start + dt.timedelta(hours=5))
    assert PhoneCode.objects.count() == 10


def test_hourly_limit_per_address(django_capture_on_commit_callbacks, locmem_sms, settings):
    settings.PHONE_CODE = {"PER_IP_HOUR": 3}
    now = timezone.now()
    for i in range(3):
        send(django_capture_on_commit_callbacks, phone=f"1391234000{i}", now=now)
    with pytest.raises(PhoneCodeRefused, match=MSG_IP_LIMIT):
        send(django_capture_on_commit_callbacks, phone="13912340009", now=now)
    send(django_capture_on_commit_callbacks, phone="13912340009", ip="10.0.0.2", now=now)


def test_code_expired_before_delivery_is_cancelled_not_sent(locmem_sms):
    # Queued while the broker was down (no on_commit delivery); the sweep comes too late.
    now = timezone.now()
    phone_code_send(phone=PHONE, purpose="vote", request_ip="10.0.0.1", now=now)
    outbox_deliver(now=now + dt.timedelta(minutes=11))
    message = Message.objects.get(kind="phone_code")
    assert message.status == MessageStatus.CANCELLED
    assert message.body == EPHEMERAL_BODY
    assert not locmem_sms


def test_old_codes_are_purged(django_capture_on_commit_callbacks):
    now = timezone.now()
    send(django_capture_on_commit_callbacks, now=now - dt.timedelta(days=3))
    send(django_capture_on_commit_callbacks, phone="13912349999", now=now)
    assert phone_codes_purge(now=now) == 1
    assert PhoneCode.objects.count() == 1

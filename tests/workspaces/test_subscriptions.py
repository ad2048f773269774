"""Residents subscribe to a station's reception-day announcements on its
public page (phone confirmed by a one-time SMS code), every message carries
an unsubscribe link, and the officer sees the count only."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import phone_verification as pv
from notifications.models import Message, PhoneCode
from notifications.services.periodic import reception_announcements_send
from stations.models import ReceptionDay, ReceptionSubscription

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def subscribe_url(station):
    return reverse("notifications:subscribe", args=[station.code])


def sent_code() -> str:
    body = Message.objects.filter(kind="phone_code").latest("created_at").body
    return re.search(r"\d{6}", body).group(0)


def test_subscribe_with_the_sms_code_and_unsubscribe_by_the_link(client, station, officer_client):
    assert subscribe_url(station) in client.get(reverse("stations:detail", args=[station.code])).content.decode()
    response = client.post(subscribe_url(station), {"step": "phone", "phone": PHONE, "consent": "on"})
    assert response.status_code == 302
    message = Message.objects.get(kind="phone_code")
    assert message.channel == "sms" and message.address == PHONE
    page = client.get(subscribe_url(station)).content.decode()
    assert "139****5678" in page
    # A wrong code first: refused, the form stays.
    wrong = client.post(subscribe_url(station), {"step": "code", "code": "000000" if sent_code() != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    done = client.post(subscribe_url(station), {"step": "code", "code": sent_code()})
    assert done.status_code == 200 and "订阅成功" in done.content.decode()
    sub = ReceptionSubscription.objects.get()
    assert sub.phone == PHONE and sub.phone_masked == "139****5678" and PHONE not in sub.phone_encrypted
    assert sub.confirmed_at is not None
    # The officer sees one subscriber, never the number.
    body = officer_client.get(reverse("station_workspace:station", args=[station.code])).content.decode()
    assert "1 位群众订阅了本站接待日通知" in body and "139****5678" not in body and PHONE not in body
    # The announcement carries the unsubscribe link.
    ReceptionDay.objects.create(station=station, date=dt.date(2030, 1, 10))
    station.reception_rule = "none"
    station.save(update_fields=["reception_rule"])
    when = timezone.make_aware(dt.datetime(2030, 1, 7, 9))
    assert reception_announcements_send(now=when) == 1
    sms = Message.objects.get(kind="reception_announcement")
    link = re.search(r"/notifications/unsubscribe/[\w-]+/", sms.body).group(0)
    assert client.get(link).status_code == 200
    assert "已退订" in client.post(link).content.decode()
    assert not ReceptionSubscription.objects.exists()
    assert client.get(link).status_code == 404


def test_subscribing_twice_keeps_one_subscription(client, station):
    for _ in range(2):
        client.post(subscribe_url(station), {"step": "phone", "phone": PHONE, "consent": "on"})
        PhoneCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))  # past the resend pause
        client.post(subscribe_url(station), {"step": "code", "code": sent_code()})
    assert ReceptionSubscription.objects.count() == 1


def test_bad_phone_missing_consent_and_resend_too_soon_get_chinese_messages(client, station):
    bad = client.post(subscribe_url(station), {"step": "phone", "phone": "12345", "consent": "on"})
    assert bad.status_code == 400 and "手机号格式不正确" in bad.content.decode()
    no_consent = client.post(subscribe_url(station), {"step": "phone", "phone": PHONE})
    assert no_consent.status_code == 400 and "请勾选同意" in no_consent.content.decode()
    client.post(subscribe_url(station), {"step": "phone", "phone": PHONE, "consent": "on"})
    again = client.post(subscribe_url(station), {"step": "phone", "phone": PHONE, "consent": "on"})
    assert again.status_code == 400 and "1 分钟后" in again.content.decode()
    assert Message.objects.filter(kind="phone_code").count() == 1


def test_codes_expire_are_single_use_and_limited_in_tries():
    now = timezone.now()
    pv.phone_code_send(phone=PHONE, purpose="t", now=now)
    code = sent_code()
    assert not pv.phone_code_verify(phone=PHONE, purpose="t", code=code, now=now + dt.timedelta(minutes=11))
    pv.phone_code_send(phone=PHONE, purpose="t", now=now + dt.timedelta(minutes=12))
    code = sent_code()
    later = now + dt.timedelta(minutes=13)
    assert not pv.phone_code_verify(phone=PHONE, purpose="other", code=code, now=later)
    for _ in range(pv.MAX_ATTEMPTS):
        assert not pv.phone_code_verify(phone=PHONE, purpose="t", code="999999" if code != "999999" else "888888", now=later)
    assert not pv.phone_code_verify(phone=PHONE, purpose="t", code=code, now=later)  # locked after 5 wrong tries
    pv.phone_code_send(phone=PHONE, purpose="t", now=now + dt.timedelta(minutes=15))
    code = sent_code()
    assert pv.phone_code_verify(phone=PHONE, purpose="t", code=code, now=now + dt.timedelta(minutes=16))
    assert not pv.phone_code_verify(phone=PHONE, purpose="t", code=code, now=now + dt.timedelta(minutes=16))
    # The number is never stored in clear, nor the code.
    for row in PhoneCode.objects.all():
        assert PHONE not in row.phone_digest and code not in row.code_hash


def test_a_number_gets_at_most_five_codes_a_day():
    now = timezone.now()
    for i in range(pv.PER_PHONE_DAY):
        pv.phone_code_send(phone=PHONE, purpose="t", now=now + dt.timedelta(minutes=2 * i))
    with pytest.raises(pv.PhoneCodeError, match="次数太多"):
        pv.phone_code_send(phone=PHONE, purpose="t", now=now + dt.timedelta(minutes=30))


def test_unknown_or_hostile_tokens_are_404(client, db):
    for token in ("nope", "x" * 500, "a\x00b"):
        assert client.get(f"/notifications/unsubscribe/{token}/").status_code in (400, 404)

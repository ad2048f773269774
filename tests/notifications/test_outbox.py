import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.channels.sms import AliyunSMSBackend, LocmemSMSBackend, rpc_signature
from notifications.models import Message, MessageStatus, Notification
from notifications.services.outbox import outbox_deliver
from notifications.services.sweep import sweep_run
from proposals.services.actions import case_reply, case_start_handling

from .smsserver import FakeAliyun

pytestmark = pytest.mark.django_db

SECRET = "test-secret-not-real"


def aliyun_settings(settings, url: str):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.sms.AliyunSMSBackend"
    settings.NOTIFICATIONS_SMS = {
        "ENDPOINT": url,
        "ACCESS_KEY_ID": "test-id",
        "ACCESS_KEY_SECRET": SECRET,
        "SIGN_NAME": "人大代表家站点",
        "TEMPLATE_CODE": "SMS_000001",
        "TIMEOUT": 5,
    }


def answer(world, case):
    unit_user = world.unit_users[0]
    case_start_handling(case_id=case.pk, user=unit_user)
    case_reply(case_id=case.pk, user=unit_user, text="路灯已于本周修复。", reply_class_code="A")


def test_rpc_signature_matches_alibaba_cloud_documented_example():
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert rpc_signature(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_aliyun_backend_refuses_to_start_without_configured_credentials(settings):
    settings.NOTIFICATIONS_SMS = {"ENDPOINT": "http://127.0.0.1:9/"}
    with pytest.raises(Exception, match="NOTIFICATIONS_SMS_ACCESS_KEY_ID"):
        AliyunSMSBackend()


def test_resident_is_told_by_sms_when_the_case_is_answered(world, settings):
    case = world.case(phone="13812341234")
    with FakeAliyun(SECRET) as provider:
        aliyun_settings(settings, provider.url)
        answer(world, case)
        sweep_run()
    sms = Message.objects.get(case=case, kind="case_answered", channel="sms")
    assert sms.status == MessageStatus.SENT
    assert sms.to_resident and sms.address == ""  # no clear phone copy in the outbox
    assert sms.address_display == "138****1234"
    [request] = [r for r in provider.requests if r["PhoneNumbers"] == "13812341234"]
    assert request["Action"] == "SendSms" and request["TemplateCode"] == "SMS_000001"
    assert case.tracking_code_display in request["TemplateParam"]
    assert SECRET not in str(request)
    # The deputy is asked to rate the answer in-app.
    assert Notification.objects.filter(user=world.deputy_user, title__contains="请测评").count() == 1


def test_anonymous_resident_without_phone_gets_no_sms(world, settings, sms_outbox):
    case = world.case(phone="")
    answer(world, case)
    sweep_run()
    assert not Message.objects.filter(case=case, kind="case_answered").exists()
    assert sms_outbox == []


def test_failing_channel_is_retried_with_back_off_then_marked_failed_and_shown_to_staff(world, settings, client):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    case = world.case(phone="13812341234")
    t0 = timezone.now()
    with FakeAliyun(SECRET, reply_code="isv.BUSINESS_LIMIT_CONTROL") as provider:
        aliyun_settings(settings, provider.url)
        answer(world, case)
        sweep_run(now=t0)
        sms = Message.objects.get(case=case, kind="case_answered", channel="sms")
        assert (sms.status, sms.attempts) == (MessageStatus.PENDING, 1)
        assert sms.next_attempt_at == t0 + dt.timedelta(seconds=60)
        assert "isv.BUSINESS_LIMIT_CONTROL" in sms.last_error
        # Not retried before its time.
        outbox_deliver(now=t0 + dt.timedelta(seconds=30))
        sms.refresh_from_db()
        assert sms.attempts == 1
        outbox_deliver(now=t0 + dt.timedelta(seconds=61))
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == (MessageStatus.PENDING, 2)
        assert sms.next_attempt_at == t0 + dt.timedelta(seconds=61 + 120)
        outbox_deliver(now=t0 + dt.timedelta(seconds=200))
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == (MessageStatus.FAILED, 3)
        requests = len(provider.requests)
        sweep_run(now=t0 + dt.timedelta(days=1))
        assert len(provider.requests) == requests  # failed for good: no more attempts
    # Staff of the county see it on their notification page and in admin.
    client.force_login(world.staff)
    page = client.get(reverse("notifications:list"))
    assert "发送失败的消息" in page.content.decode() and "138****1234" in page.content.decode()
    admin_list = client.get(reverse("admin:notifications_message_changelist") + "?status__exact=failed")
    assert admin_list.status_code == 200
    assert sms.pk in [m.pk for m in admin_list.context["cl"].result_list]
    # Another county's staff do not.
    client.force_login(world.other_staff)
    assert "发送失败的消息" not in client.get(reverse("notifications:list")).content.decode()
    admin_other = client.get(reverse("admin:notifications_message_changelist") + "?status__exact=failed")
    assert list(admin_other.context["cl"].result_list) == []
    # Staff may put it back into the queue once the provider works again.
    client.force_login(world.staff)
    client.post(reverse("admin:notifications_message_changelist"), {"action": "resend", "_selected_action": [sms.pk]})
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (MessageStatus.PENDING, 0)
    with FakeAliyun(SECRET) as provider:
        aliyun_settings(settings, provider.url)
        outbox_deliver()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT and len(provider.requests) == 1


class DyingSMSBackend:
    """The process is killed while talking to the SMS provider, before it
    accepted the message (``after_accept``: after)."""

    after_accept = False

    def send(self, *, phone, text, message=None):
        if self.after_accept:
            LocmemSMSBackend().send(phone=phone, text=text, message=message)
        raise SystemExit("worker killed mid-send")


class DyingAfterAcceptance(DyingSMSBackend):
    after_accept = True


@pytest.mark.parametrize("backend", ["DyingSMSBackend", "DyingAfterAcceptance"])
def test_worker_killed_mid_send_leaves_the_attempt_sending_and_recovery_asks_before_sending_again(world, settings, sms_outbox, backend):
    case = world.case(phone="13812341234")
    answer(world, case)
    settings.NOTIFICATIONS_SMS_BACKEND = f"tests.notifications.test_outbox.{backend}"
    with pytest.raises(SystemExit):
        sweep_run()
    sms = Message.objects.get(case=case, kind="case_answered", channel="sms")
    # Phase 1 was committed before the provider was called.
    assert (sms.status, sms.attempts, sms.sent_at) == (MessageStatus.SENDING, 1, None) and sms.attempt_id
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.sms.LocmemSMSBackend"
    sweep_run()  # within the timeout: nothing is sent again
    assert len([s for s in sms_outbox if s["dedup_key"] == sms.dedup_key]) == (1 if backend == "DyingAfterAcceptance" else 0)
    later = timezone.now() + dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT + 1)
    sweep_run(now=later)
    sweep_run(now=later + dt.timedelta(minutes=5))
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT
    # Exactly one SMS reached the provider either way.
    assert [s["phone"] for s in sms_outbox if s["dedup_key"] == sms.dedup_key] == ["13812341234"]
    # In-app messages are exactly once by construction: row and "sent" in one transaction.
    for message in Message.objects.filter(channel="inapp"):
        assert message.status == MessageStatus.SENT
        assert Notification.objects.filter(message=message).count() == 1

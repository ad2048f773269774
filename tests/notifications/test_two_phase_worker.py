"""A real Celery worker SIGKILLed inside the SMS provider call, before and
after the provider accepted the message; then recovery. What the provider
really received is counted: exactly one accepted SMS either way (before,
the attempt is confirmed not delivered and sent again; after, it is
confirmed delivered and not sent again)."""

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from congress_portal.celery import app as celery_app
from notifications.models import Channel, Message, MessageStatus
from notifications.recipients import To
from notifications.services.outbox import outbox_add, outbox_deliver, outbox_recover
from notifications.tasks import deliver_outbox
from tests.conftest import require

from .conftest import _reset_pools, _wait_for, _worker_env
from .smsserver import FakeAliyun
from .test_outbox import SECRET, aliyun_settings

ROOT = Path(__file__).resolve().parents[2]
PHONE = "13912345678"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def start_worker(tmp_path, provider_url: str, queue: str) -> subprocess.Popen:
    env = _worker_env(tmp_path)
    env.update(
        NOTIFICATIONS_SMS_BACKEND="notifications.channels.sms.AliyunSMSBackend",
        NOTIFICATIONS_SMS_ENDPOINT=provider_url,
        NOTIFICATIONS_SMS_ACCESS_KEY_ID="test-id",
        NOTIFICATIONS_SMS_ACCESS_KEY_SECRET=SECRET,
        NOTIFICATIONS_SMS_SIGN_NAME="人大代表家站点",
        NOTIFICATIONS_SMS_TEMPLATE_CODE="SMS_000001",
        NOTIFICATIONS_SMS_TIMEOUT="60",
    )
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    cmd = [str(Path(sys.executable).with_name("celery")), "-A", "congress_portal", "worker", "--pool=solo", "-Q", queue]
    cmd += ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.mark.parametrize("hang", ["before", "after"])
def test_worker_killed_inside_the_provider_call_sends_exactly_one_sms(tmp_path, settings, hang):
    require(bool(os.environ.get("REDIS_URL")), "needs Redis (REDIS_URL) for the real worker")
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    outbox_add(
        kind="phone_code",
        recipients=[To(phone=PHONE, channels=frozenset({Channel.SMS}))],
        channels_={Channel.SMS},
        context={"code": "123456", "minutes": 10},
        dedup=f"two-phase-{hang}",
    )
    message = Message.objects.get(dedup_key__startswith=f"two-phase-{hang}")
    queue = f"two-phase-{hang}-{os.getpid()}"
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    with FakeAliyun(SECRET) as provider:
        provider.hang = hang
        worker = start_worker(tmp_path, provider.url, queue)
        try:
            celery_app.conf.broker_url = os.environ["REDIS_URL"]
            celery_app.conf.task_always_eager = False
            _reset_pools()
            deliver_outbox.apply_async(queue=queue)
            sends = lambda: [r for r in provider.requests if r.get("Action") == "SendSms"]  # noqa: E731
            _wait_for(lambda: len(sends()) == 1, timeout=60, log_path=tmp_path / "worker.log")
            # Inside the provider call: the attempt was committed as "sending" first.
            message.refresh_from_db()
            assert message.status == MessageStatus.SENDING and message.attempt_id
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
            celery_app.conf.update(saved)
            _reset_pools()
        provider.hang = ""
        provider.release.set()
        aliyun_settings(settings, provider.url)
        # Before the timeout nothing is settled and nothing is sent again.
        assert outbox_recover().sent == 0
        outbox_deliver()
        assert len(sends()) == 1
        later = timezone.now() + dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT + 1)
        recovery = outbox_recover(now=later)
        outbox_deliver(now=later + dt.timedelta(minutes=10))
        outbox_deliver(now=later + dt.timedelta(hours=2))
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT
        accepted = [a for a in provider.accepted if a["PhoneNumbers"] == PHONE]
        assert len(accepted) == 1  # what the provider really received and accepted
        if hang == "after":
            assert (recovery.sent, recovery.retried) == (1, 0) and len(sends()) == 1
        else:
            assert (recovery.sent, recovery.retried) == (0, 1) and len(sends()) == 2

"""Exactly once under concurrency, outages and a real Celery worker.

These need PostgreSQL (row locks, SKIP LOCKED) and, for the worker, Redis;
in CI (CI=true) a missing service is a failure (tests.conftest.require).
"""

import datetime as dt
import email
import threading
import time
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from congress_portal.celery import app as celery_app
from notifications.models import EventDispatch, Message, MessageStatus, Notification, Reminder
from notifications.services.sweep import sweep_run
from proposals.models import Case, CaseEvent
from tests.conftest import require

from .conftest import _reset_pools, _wait_for, at, set_deadline

ROOT = Path(__file__).resolve().parents[2]
DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def on_postgres() -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL) for row locks")


@DB
def test_two_sweeps_at_once_deliver_each_reminder_once(world, settings):
    on_postgres()
    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowLocmemEmailBackend"
    day = dt.date(2024, 10, 9)
    cases = [set_deadline(world.case(title=f"路灯不亮{i}"), day if i % 2 else day - dt.timedelta(days=1)) for i in range(4)]
    already_sent = set(Message.objects.filter(status=MessageStatus.SENT).values_list("id", flat=True))
    mail.outbox = []
    barrier = threading.Barrier(3)
    errors = []

    def run():
        try:
            barrier.wait()
            sweep_run(now=at(day, 9))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert Reminder.objects.filter(case__in=cases).count() == 2 * 1 + 2 * 2  # due ×2, overdue+escalate ×2
    sent_email = Message.objects.filter(channel="email", status=MessageStatus.SENT).exclude(id__in=already_sent)
    assert Message.objects.filter(status=MessageStatus.PENDING).count() == 0
    ids = Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert len(ids) == sent_email.count() and set(ids.values()) == {1}
    inapp = Message.objects.filter(channel="inapp")
    assert Notification.objects.count() == inapp.count()
    assert Counter(Notification.objects.values_list("message_id", flat=True)).most_common(1)[0][1] == 1
    assert CaseEvent.objects.filter(case__in=cases, action="mark_overdue").count() == 2
    assert not EventDispatch.objects.filter(dispatched_at__isnull=True).exists()


@pytest.fixture
def broker_down(settings):
    """Celery publishing to a closed port, as production does when Redis is down."""
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "broker_transport_options")}
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # discard port: nothing listens
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_transport_options = django_settings.NOTIFICATIONS_BROKER_TRANSPORT_OPTIONS
    _reset_pools()
    yield
    celery_app.conf.update(saved)
    _reset_pools()


@DB
def test_submission_with_redis_unreachable_succeeds_and_is_notified_after_recovery(world, broker_down):
    from tests.factories import make_case

    started = time.monotonic()
    case = make_case(station=world.station, title="井盖缺失")
    elapsed = time.monotonic() - started
    assert Case.objects.filter(pk=case.pk, state="submitted").exists()
    assert elapsed < 3, f"the kiosk waited {elapsed:.1f}s for a dead broker"
    event = CaseEvent.objects.get(case=case, action="submit")
    assert EventDispatch.objects.get(pk=event.pk).dispatched_at is None
    assert not Notification.objects.filter(user=world.staff).exists()
    # Redis is back: the next sweep sends what the task would have sent.
    sweep_run()
    note = Notification.objects.get(user=world.staff, title__contains="井盖缺失")
    assert "待初审" in note.title
    assert EventDispatch.objects.get(pk=event.pk).dispatched_at is not None
    sweep_run()
    assert Notification.objects.filter(user=world.staff, title__contains="井盖缺失").count() == 1


@DB
@pytest.mark.redis
@pytest.mark.worker
def test_real_celery_worker_delivers_a_due_reminder_once(world, celery_worker):
    from notifications import tasks

    queue, tmp = celery_worker
    case = set_deadline(world.case(title="楼道灯坏了"), timezone.localdate())
    # Beat's sweep, a duplicate of it (a redelivered task) and a repeated event task.
    event_id = CaseEvent.objects.filter(case=case).latest("id").pk
    tasks.sweep.apply_async(queue=queue)
    tasks.sweep.apply_async(queue=queue)
    tasks.dispatch_event.apply_async(args=[event_id], queue=queue)

    def delivered():
        return (
            Reminder.objects.filter(case=case, kind="due", status="sent").exists()
            and not Message.objects.filter(case=case, status="pending").exists()
            and Message.objects.filter(case=case, reminder__kind="due").exists()
        )

    _wait_for(delivered, log_path=tmp / "worker.log")
    tasks.sweep.apply_async(queue=queue)  # and one more after delivery
    marker = tasks.sweep.apply_async(queue=queue)
    assert marker.id
    time.sleep(3)
    assert Reminder.objects.filter(case=case, kind="due").count() == 1
    member = world.unit_users[0]
    assert Notification.objects.filter(user=member, title__startswith="今日到期").count() == 1
    subjects = [(m["To"], str(make_header(decode_header(m["Subject"])))) for m in read_mail_files(tmp / "mail")]
    assert [s for to, s in subjects if to == "a@zjj.example.cn" and s.startswith("今日到期")] == ["今日到期：楼道灯坏了"], subjects


def read_mail_files(folder: Path) -> list:
    """Messages written by Django's file-based mail backend (one or more per file)."""
    out = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                out.append(email.message_from_string(chunk.strip()))
    return out

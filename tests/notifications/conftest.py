"""Fixtures for the notification tests: a county with staff, a leader, a
handling unit with two member accounts, a deputy with an account, and a
resident case that went through accept and assign by the real workflow."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from congress_portal.celery import app as celery_app
from notifications.channels import sms
from proposals.models import Case, CaseState
from proposals.services.actions import case_accept, case_assign
from tests.conftest import require
from tests.factories import DeputyFactory, StaffUserFactory, StationFactory, UnitFactory, UserFactory, make_case

TZ = timezone.get_fixed_timezone(8 * 60)
ROOT = Path(__file__).resolve().parents[2]


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware moment on a local (Asia/Shanghai) day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class World:
    regions: dict
    station: object
    staff: object
    city_staff: object
    leader: object
    unit: object
    unit_users: list
    deputy: object
    deputy_user: object
    other_staff: object

    def case(self, *, assigned: bool = True, phone: str = "13812341234", **kwargs) -> Case:
        case = make_case(station=self.station, phone=phone, **kwargs)
        if assigned:
            case_accept(case_id=case.pk, user=self.staff)
            case_assign(case_id=case.pk, user=self.staff, lead_unit_id=self.unit.pk, responsible_deputy_id=self.deputy.pk)
        case.refresh_from_db()
        return case


def set_deadline(case: Case, deadline: dt.date, kind: str = "reply", state: str = CaseState.IN_HANDLING) -> Case:
    """Put a case at a known deadline (the workflow computes it from today;
    timing tests need a fixed calendar)."""
    Case.objects.filter(pk=case.pk).update(deadline=deadline, deadline_kind=kind, state=state, overdue_since=None)
    case.refresh_from_db()
    return case


@pytest.fixture
def world(regions):
    ty = regions["taiyuan"]
    station = StationFactory(region=ty["township"])
    staff = StaffUserFactory(username="county-staff", region=ty["county"], email="staff@xhl.example.cn", mobile="13900000001")
    city_staff = StaffUserFactory(username="city-staff", region=ty["city"], email="city@ty.example.cn")
    leader = UserFactory(
        username="leader", role=Role.LEADER, is_staff=True, region=ty["county"], email="leader@xhl.example.cn", mobile="13900000009"
    )
    other_staff = StaffUserFactory(username="shenyang-staff", region=regions["shenyang"]["county"], email="sy@example.cn")
    unit = UnitFactory(name="杏花岭区住建局", region=ty["county"], email="office@zjj.example.cn")
    unit_users = [
        UserFactory(username="unit-a", role=Role.UNIT, email="a@zjj.example.cn", mobile="13900000002"),
        UserFactory(username="unit-b", role=Role.UNIT, email="b@zjj.example.cn", mobile=""),
    ]
    unit.members.add(*unit_users)
    deputy_user = UserFactory(username="deputy", role=Role.DEPUTY, email="deputy@example.cn")
    deputy = DeputyFactory(name="王代表", user=deputy_user, email="", phone="13700000000")
    return World(ty, station, staff, city_staff, leader, unit, unit_users, deputy, deputy_user, other_staff)


@pytest.fixture
def sms_outbox(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.sms.LocmemSMSBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


# --- A real Celery worker (tests/notifications/test_integration.py, test_doorbell.py) ---------


def _reset_pools():
    """Drop cached broker connections so the next publish uses the new broker_url."""
    from kombu import pools

    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()


def _worker_env(tmp_path) -> dict:
    url = os.environ["DATABASE_URL"]
    test_db = connection.settings_dict["NAME"]
    base, _sep, _name = url.rpartition("/")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="congress_portal.settings.local",
        DATABASE_URL=f"{base}/{test_db}",
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(tmp_path / "mail"),
        NOTIFICATIONS_SEND_AFTER="00:00",
        PORTAL_FIELD_ENCRYPTION_KEY=django_settings.PORTAL_FIELD_ENCRYPTION_KEY,
        DJANGO_SECRET_KEY=django_settings.SECRET_KEY,
    )
    return env


@pytest.fixture
def celery_worker(tmp_path):
    require(bool(os.environ.get("REDIS_URL")), "needs Redis (REDIS_URL) for the real worker")
    require(bool(os.environ.get("DATABASE_URL")) and connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    queue = f"notifications-test-{uuid.uuid4().hex[:8]}"
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "congress_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=_worker_env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.broker_url = os.environ["REDIS_URL"]
    celery_app.conf.task_always_eager = False
    _reset_pools()
    try:
        yield queue, tmp_path
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
        celery_app.conf.update(saved)
        _reset_pools()


def _wait_for(predicate, timeout=60.0, log_path=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError("timed out; worker log:\n" + (log_path.read_text()[-3000:] if log_path else ""))

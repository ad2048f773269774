"""Fixtures for the notification tests: a county with staff, a leader, a
handling unit with two member accounts, a deputy with an account, and a
resident case that went through accept and assign by the real workflow."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Role
from notifications.channels import sms
from proposals.models import Case, CaseState
from proposals.services.actions import case_accept, case_assign
from tests.factories import DeputyFactory, StaffUserFactory, StationFactory, UnitFactory, UserFactory, make_case

TZ = timezone.get_fixed_timezone(8 * 60)


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

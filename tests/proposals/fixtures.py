"""Shared fixtures of the workflow and unit-workspace tests: 杏花岭区 with a
station, three handling units, staff, a deputy with an account, and staff of
another county (沈阳市和平区). Imported by tests/proposals and tests/units
conftest files."""

from dataclasses import dataclass

import pytest

from accounts.models import Role
from deputies.models import Deputy
from proposals.models import CaseKind, CaseSigner, Channel, SignerRole, SignerStatus
from proposals.services.intake import case_create
from tests.factories import (
    DeputyFactory,
    StaffUserFactory,
    StationFactory,
    UnitFactory,
    UserFactory,
    category,
    make_case,
)


@dataclass
class World:
    regions: dict
    station: object
    staff: object
    leader: object
    other_staff: object
    unit_a: object
    unit_b: object
    unit_c: object
    unit_a_user: object
    unit_b_user: object
    unit_c_user: object
    deputy: Deputy
    deputy_user: object
    liaison: object
    other_station: object

    def opinion(self, **kwargs):
        kwargs.setdefault("station", self.station)
        return make_case(**kwargs)

    def suggestion(self, **kwargs):
        case = case_create(
            kind=CaseKind.SUGGESTION,
            title=kwargs.pop("title", "关于加快老旧小区加装电梯的建议"),
            content=kwargs.pop("content", "老旧小区老年人多，上下楼困难，建议简化审批、加大补贴。"),
            channel=Channel.DEPUTY,
            region=self.regions["taiyuan"]["county"],
            category=category("urban"),
            submitted_by=self.deputy_user,
            **kwargs,
        ).case
        CaseSigner.objects.create(case=case, deputy=self.deputy, role=SignerRole.LEAD, status=SignerStatus.ACCEPTED)
        return case


def ensure_default_config():
    """Categories, reply classes and the deadline policy come from a data
    migration; a transactional test elsewhere may have flushed them."""
    from importlib import import_module

    from django.apps import apps

    import_module("proposals.migrations.0002_defaults").create(apps, None)


@pytest.fixture
def world(regions):
    ensure_default_config()
    ty = regions["taiyuan"]
    sy = regions["shenyang"]
    liaison = UserFactory(username="liaison1", role=Role.LIAISON)
    station = StationFactory(code="gl-01", name="鼓楼街道人大代表联络站", region=ty["township"], liaison_officer=liaison)
    other_station = StationFactory(code="hp-01", name="太原街街道人大代表联络站", region=sy["township"])
    unit_a = UnitFactory(name="杏花岭区住房和城乡建设局", short_name="区住建局", region=ty["county"])
    unit_b = UnitFactory(name="杏花岭区城市管理局", short_name="区城管局", region=ty["county"])
    unit_c = UnitFactory(name="杏花岭区交通运输局", short_name="区交通局", region=ty["county"])
    users = {}
    for key, unit in (("a", unit_a), ("b", unit_b), ("c", unit_c)):
        users[key] = UserFactory(username=f"unit_{key}", role=Role.UNIT)
        unit.members.add(users[key])
    deputy_user = UserFactory(username="deputy1", role=Role.DEPUTY)
    deputy = DeputyFactory(name="王丽华", user=deputy_user, home_region=ty["township"])
    return World(
        regions=regions,
        station=station,
        staff=StaffUserFactory(username="staff_xhl", region=ty["county"]),
        leader=StaffUserFactory(username="leader_xhl", region=ty["county"], role=Role.LEADER),
        other_staff=StaffUserFactory(username="staff_hp", region=sy["county"]),
        unit_a=unit_a,
        unit_b=unit_b,
        unit_c=unit_c,
        unit_a_user=users["a"],
        unit_b_user=users["b"],
        unit_c_user=users["c"],
        deputy=deputy,
        deputy_user=deputy_user,
        liaison=liaison,
        other_station=other_station,
    )

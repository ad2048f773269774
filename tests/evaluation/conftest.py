"""A county congress (杏花岭区) with a points table, three deputies (one with
an account), a station, county staff and staff of another county."""

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.models import Role
from deputies.models import DutyActivity
from evaluation.services import points_table_create_default
from tests.factories import (
    CongressFactory,
    DeputyFactory,
    MandateFactory,
    StaffUserFactory,
    StationFactory,
    UserFactory,
    shenyang_tree,
    taiyuan_tree,
)

YEAR = 2026


@dataclass
class World:
    regions: dict
    congress: object
    table: object
    station: object
    deputy: object
    deputy_user: object
    others: list
    staff: object
    other_staff: object

    def rule(self, name):
        return self.table.rules.get(name=name)

    def duty(self, deputy, kind, n=1, day=dt.date(YEAR, 3, 1)):
        for i in range(n):
            DutyActivity.objects.create(deputy=deputy, kind=kind, date=day + dt.timedelta(days=i), title=f"活动{i}", station=self.station)


@pytest.fixture
def world(db):
    regions = taiyuan_tree()
    congress = CongressFactory(region=regions["county"], name="太原市杏花岭区第十七届人民代表大会")
    table = points_table_create_default(congress=congress)
    station = StationFactory(region=regions["township"], name="鼓楼街道人大代表联络站")
    user = UserFactory(username="dep-wang", role=Role.DEPUTY)
    deputy = DeputyFactory(name="王建国", user=user)
    others = [DeputyFactory(name=n) for n in ("李秀英", "张伟")]
    for d in [deputy, *others]:
        MandateFactory(deputy=d, congress=congress)
    staff = StaffUserFactory(username="xhl-staff", region=regions["county"])
    other_staff = StaffUserFactory(username="hp-staff", region=shenyang_tree()["county"])
    return World(regions, congress, table, station, deputy, user, others, staff, other_staff)

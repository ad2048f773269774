"""Fixtures of the deputy-workspace tests: the workflow tests' world (杏花岭区,
a station, units, staff, deputy 王丽华 with an account) plus a second deputy
with an account, station memberships and a deputy without a login."""

from dataclasses import dataclass

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from accounts.models import Role
from stations.models import ReceptionRule, StationMembership
from tests.factories import DeputyFactory, StationFactory, UserFactory
from tests.proposals.fixtures import World, world  # noqa: F401


@dataclass
class Workspace:
    w: World
    other_deputy: object
    other_user: object
    third_deputy: object
    plain_user: object
    station2: object

    def __getattr__(self, name):
        return getattr(self.w, name)


@pytest.fixture
def ws(world):  # noqa: F811
    ty = world.regions["taiyuan"]
    world.station.reception_rule = ReceptionRule.MONTHLY
    world.station.reception_day = 10
    world.station.save(update_fields=["reception_rule", "reception_day"])
    station2 = StationFactory(
        code="xhl-02", name="杏花岭街道人大代表联络站", region=ty["township2"], reception_rule=ReceptionRule.WEEKLY, reception_day=3
    )
    other_user = UserFactory(username="deputy2", role=Role.DEPUTY)
    other_deputy = DeputyFactory(name="张建国", user=other_user, home_region=ty["township2"])
    third = DeputyFactory(name="李明", home_region=ty["township"])
    StationMembership.objects.create(station=world.station, deputy=world.deputy)
    StationMembership.objects.create(station=world.station, deputy=third)
    StationMembership.objects.create(station=station2, deputy=other_deputy)
    return Workspace(
        w=world,
        other_deputy=other_deputy,
        other_user=other_user,
        third_deputy=third,
        plain_user=UserFactory(username="plain1"),
        station2=station2,
    )


@pytest.fixture
def deputy_client(client, ws):
    client.force_login(ws.deputy_user)
    return client


def badge_query_cost(user) -> int:
    """Queries the notifications badge adds to a workspace page (0 until the
    notifications app provides the template), so pinned counts stay exact."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    try:
        template = get_template("notifications/_badge.html")
    except TemplateDoesNotExist:
        return 0
    request = RequestFactory().get("/deputy/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        template.render({"request": request, "user": user}, request)
    return len(ctx.captured_queries)

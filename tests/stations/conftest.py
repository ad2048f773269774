from decimal import Decimal

import pytest

from deputies.models import Deputy
from stations.models import ReceptionRule, StationKind
from tests.factories import CongressFactory, DeputyFactory, MandateFactory, MembershipFactory, StationFactory, tier


def add_station(region, code, *, lat="37.870000", lng="112.560000", kind=StationKind.STATION, deputies=2, **kwargs):
    """A station with ``deputies`` members, each holding a county mandate and a private phone."""
    station = StationFactory(
        code=code, name=f"{code}联络站", region=region, kind=kind, latitude=Decimal(lat), longitude=Decimal(lng), **kwargs
    )
    congress = CongressFactory(tier=tier("county"), region=region.parent if region.level == 4 else region, term=17)
    for _ in range(deputies):
        deputy = DeputyFactory()
        MandateFactory(deputy=deputy, congress=congress)
        MembershipFactory(station=station, deputy=deputy)
    return station


@pytest.fixture
def county(regions):
    """杏花岭区 with four stations around Taiyuan and one station in 沈阳市和平区."""
    ty, sy = regions["taiyuan"], regions["shenyang"]
    stations = {
        "gulou": add_station(
            ty["township"], "gulou", lat="37.866000", lng="112.566000", reception_rule=ReceptionRule.MONTHLY, reception_day=10
        ),
        "xhl": add_station(ty["township2"], "xhl", lat="37.874000", lng="112.570000"),
        "home": add_station(ty["county"], "home", lat="37.869800", lng="112.574300", kind=StationKind.HOME),
        "far": add_station(ty["township2"], "far", lat="38.100000", lng="112.900000", kind=StationKind.POINT),
        "shenyang": add_station(sy["township"], "heping", lat="41.797000", lng="123.405900"),
    }
    return {"regions": regions, "stations": stations}


def all_phones():
    return list(Deputy.objects.exclude(phone="").values_list("phone", flat=True))

"""Which deputies a staff account sees (deputies.scoping): the same answer
whichever way it is computed (row tests for provinces and cities, a union of
id lists for counties and townships)."""

import pytest

from deputies.models import Deputy
from deputies.scoping import deputy_in_scope, scope_deputies
from tests.factories import CongressFactory, DeputyFactory, MandateFactory, MembershipFactory, StaffUserFactory, StationFactory, tier

pytestmark = pytest.mark.django_db


def test_each_level_sees_home_station_and_congress_deputies_of_its_subtree(regions):
    ty, sy = regions["taiyuan"], regions["shenyang"]
    at_home = DeputyFactory(name="家在鼓楼", home_region=ty["township"])
    in_station = DeputyFactory(name="站点代表")
    MembershipFactory(station=StationFactory(region=ty["township2"]), deputy=in_station)
    county_mandate = DeputyFactory(name="区人大代表")
    MandateFactory(deputy=county_mandate, congress=CongressFactory(region=ty["county"]))
    city_mandate = DeputyFactory(name="市人大代表")
    MandateFactory(
        deputy=city_mandate,
        congress=CongressFactory(region=ty["city"], tier=tier("city")),
    )
    elsewhere = DeputyFactory(name="沈阳代表", home_region=sy["township"])
    MembershipFactory(station=StationFactory(region=sy["township"]), deputy=elsewhere)

    expected = {
        "township": {at_home},
        "county": {at_home, in_station, county_mandate},
        "city": {at_home, in_station, county_mandate, city_mandate},
        "province": {at_home, in_station, county_mandate, city_mandate},
    }
    # In scope three ways (home, station, congress): still listed once.
    MembershipFactory(station=StationFactory(region=ty["township"]), deputy=at_home)
    MandateFactory(deputy=at_home, congress=CongressFactory(region=ty["county"]))
    for level, deputies in expected.items():
        staff = StaffUserFactory(username=f"staff-{level}", region=ty[level])
        seen = set(scope_deputies(Deputy.objects.all(), staff))
        assert seen == deputies, level
        assert all(deputy_in_scope(staff, d) for d in deputies) and not deputy_in_scope(staff, elsewhere), level
        assert scope_deputies(Deputy.objects.all(), staff).count() == len(deputies), level

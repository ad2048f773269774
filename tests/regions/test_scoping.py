import pytest

from regions.scoping import region_in_scope, scope_queryset
from stations.models import Station
from tests.factories import StaffUserFactory, StationFactory, UserFactory


@pytest.mark.django_db
def test_county_staff_see_only_their_subtree(regions):
    ty, sy = regions["taiyuan"], regions["shenyang"]
    ours = StationFactory(region=ty["township"])
    theirs = StationFactory(region=sy["township"])
    staff = StaffUserFactory(region=ty["county"])
    visible = set(scope_queryset(Station.objects.all(), staff))
    assert ours in visible and theirs not in visible
    assert region_in_scope(staff, ty["township"])
    assert not region_in_scope(staff, sy["township"])
    assert not region_in_scope(staff, ty["city"])  # a county's staff do not see the city


@pytest.mark.django_db
def test_staff_without_region_see_nothing_and_superuser_sees_all(regions):
    StationFactory(region=regions["taiyuan"]["township"])
    assert scope_queryset(Station.objects.all(), StaffUserFactory(region=None)).count() == 0
    root = UserFactory(is_superuser=True, is_staff=True)
    assert scope_queryset(Station.objects.all(), root).count() == 1

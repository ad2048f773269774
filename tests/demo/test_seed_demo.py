import pytest
from django.core.management import call_command

from accounts.models import Role, User
from deputies.models import Congress, Deputy, DeputyGroup, Mandate
from regions.models import Region
from stations.models import AssessmentResult, Station, StationKind, StationMembership

pytestmark = pytest.mark.django_db

MODELS = (Region, Congress, Deputy, Mandate, DeputyGroup, Station, StationMembership, AssessmentResult, User)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_twice_builds_the_county_once_with_the_five_accounts():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == first

    for username in ("admin", "staff", "liaison", "deputy", "unit"):
        user = User.objects.get(username=username)
        assert user.check_password("demo12345"), username
    assert User.objects.get(username="admin").is_superuser
    staff = User.objects.get(username="staff")
    assert staff.is_staff and staff.role == Role.STAFF and staff.region.name == "杏花岭区"
    assert staff.groups.filter(name=str(Role.STAFF.label)).exists()
    assert Station.objects.filter(liaison_officer__username="liaison").exists()
    assert User.objects.get(username="unit").role == Role.UNIT

    deputy = Deputy.objects.get(user__username="deputy")
    assert deputy.mandates.count() == 2 and deputy.memberships.exists()


def test_demo_county_has_every_station_kind_all_five_tiers_and_multi_tier_deputies():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    xhl = Station.objects.filter(region__code__startswith="140107")
    assert set(xhl.values_list("kind", flat=True)) == set(StationKind.values)
    assert all(s.latitude and 37.8 < s.latitude < 38.0 for s in xhl.exclude(kind=StationKind.ONLINE))
    assert set(Congress.objects.values_list("tier__code", flat=True)) >= {"national", "provincial", "city", "county", "township"}
    assert Congress.objects.get(tier__code="township").region.name == "中涧河镇"  # streets have no congress
    assert Deputy.objects.filter(home_region__code__startswith="140107").count() >= 40
    multi = [d for d in Deputy.objects.prefetch_related("mandates") if d.mandates.count() >= 2]
    assert len(multi) >= 5
    assert Region.objects.get(code="140107003000").full_name == "山西省太原市杏花岭区鼓楼街道"
    assert AssessmentResult.objects.filter(passed=False).exists() and AssessmentResult.objects.filter(passed=True).exists()

import pytest

from accounts.models import Role
from tests.factories import DeputyFactory, MembershipFactory, StationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_choice_lists():
    from intake import choices

    choices.clear()
    yield
    choices.clear()


@pytest.fixture
def station(regions):
    station = StationFactory(
        code="gl-001",
        name="鼓楼街道人大代表联络站",
        region=regions["taiyuan"]["township"],
        reception_rule="monthly",
        reception_day=10,
    )
    for name in ("张丽", "王强"):
        MembershipFactory(station=station, deputy=DeputyFactory(name=name))
    return station


@pytest.fixture
def officer(station):
    user = UserFactory(username="liaison-gl", role=Role.LIAISON)
    station.liaison_officer = user
    station.save(update_fields=["liaison_officer"])
    return user


@pytest.fixture
def other_station(regions):
    """Another station with its own officer, in the same township."""
    station = StationFactory(code="gl-002", name="另一个联络站", region=regions["taiyuan"]["township"])
    user = UserFactory(username="liaison-other", role=Role.LIAISON)
    station.liaison_officer = user
    station.save(update_fields=["liaison_officer"])
    return station


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client

"""Staff issue and revoke Open311 keys in admin; the seeded demo key."""

import pytest
from django.urls import reverse

from open311.models import ApiKey
from open311.services import api_key_issue, hash_key
from tests.open311.conftest import post_request

pytestmark = pytest.mark.django_db

ADD = reverse("admin:open311_apikey_add")
CHANGELIST = reverse("admin:open311_apikey_changelist")


def test_staff_issue_a_key_that_is_shown_once_and_stored_hashed(client, world):
    client.force_login(world.staff)
    response = client.post(ADD, {"name": "鼓楼联络站小程序", "station": world.station.pk, "note": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_key"]
    assert raw in response.content.decode()
    api_key = ApiKey.objects.get()
    assert api_key.key_hash == hash_key(raw) and api_key.region == world.station.region
    assert api_key.created_by == world.staff
    # Never again: the change page shows the prefix only.
    change = client.get(reverse("admin:open311_apikey_change", args=[api_key.pk])).content.decode()
    assert raw not in change and api_key.prefix in change
    client.logout()
    assert post_request(client, raw).status_code == 200


def test_a_key_needs_a_station_or_a_region(client, world):
    client.force_login(world.staff)
    response = client.post(ADD, {"name": "无归属"})
    assert response.status_code == 200
    assert "请选择所属站点或所属区域" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_staff_cannot_issue_a_key_for_another_countys_station(client, world):
    client.force_login(world.staff)
    response = client.post(ADD, {"name": "越权", "station": world.other_station.pk})
    assert not ApiKey.objects.exists()
    assert response.status_code in (200, 403)


def test_revoke_action_stops_the_key(client, world):
    issued = api_key_issue(name="待吊销", station=world.station)
    client.force_login(world.staff)
    response = client.post(CHANGELIST, {"action": "revoke_keys", "_selected_action": [issued.api_key.pk]}, follow=True)
    assert response.status_code == 200
    issued.api_key.refresh_from_db()
    assert issued.api_key.revoked_at is not None and issued.api_key.revoked_by == world.staff
    client.logout()
    assert post_request(client, issued.raw_key).status_code == 403


def test_staff_see_only_their_regions_keys(client, world):
    mine = api_key_issue(name="本区", station=world.station).api_key
    theirs = api_key_issue(name="外区", station=world.other_station).api_key
    client.force_login(world.staff)
    body = client.get(CHANGELIST).content.decode()
    assert "本区" in body and "外区" not in body
    assert client.get(reverse("admin:open311_apikey_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:open311_apikey_change", args=[mine.pk])).status_code == 200


def test_units_and_deputies_have_no_key_admin(client, world):
    client.force_login(world.unit_a_user)
    assert client.get(CHANGELIST).status_code == 302  # not staff: sent to the admin login


def test_seed_creates_the_demo_key_once_and_it_works(client, world):
    from demo import seed_integrations

    seed_integrations.run()
    seed_integrations.run()
    keys = ApiKey.objects.filter(key_hash=hash_key(seed_integrations.DEMO_OPEN311_KEY))
    assert keys.count() == 1
    response = post_request(client, "demo-open311-key")
    assert response.status_code == 200

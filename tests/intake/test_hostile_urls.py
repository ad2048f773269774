"""Hostile codes in URLs and query strings of the residents' pages: NUL
bytes (which PostgreSQL refuses in a string literal), very long or unknown
codes, garbage parameters. Each is a friendly page, never a 500."""

import pytest
from django.http import Http404
from django.urls import reverse

from intake import selectors
from proposals.models import Case
from tests.factories import UserFactory
from tests.intake.conftest import form_key, kiosk_data, kiosk_url

pytestmark = pytest.mark.django_db

HOSTILE_CODES = ["a\x00b", "\x00", "z" * 300, "不存在的站点", "<script>"]
# A NUL anywhere in the URL is a 400 from accounts.middleware; the views
# refuse it too (a 404), should they ever be reached without the middleware.
NOT_THERE = (400, 404)


@pytest.mark.parametrize("code", ["z" * 300, "不存在的站点", "<script>"])
def test_unknown_station_code_on_the_kiosk_is_a_friendly_404(client, station, code):
    response = client.get(f"/kiosk/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "没有找到这个站点" in html
    assert 'href="/stations/"' in html and 'href="/"' in html  # ways on: nearby stations, the portal
    assert client.post(f"/kiosk/{code}/", {"content": "x"}).status_code == 404


@pytest.mark.parametrize("code", ["a\x00b", "\x00"])
def test_station_code_with_nul_is_refused_by_the_view_and_the_middleware(client, station, code, settings, rf):
    from intake import views

    assert client.get(f"/kiosk/{code}/").status_code == 400
    assert views.kiosk(rf.get("/kiosk/x/"), code).status_code == 404


@pytest.mark.parametrize("code", HOSTILE_CODES)
def test_hostile_deputy_id_is_a_404(client, station, code):
    assert client.get(f"/d/{code}/").status_code in NOT_THERE
    assert client.get(f"/d/{code}/qr.svg").status_code in NOT_THERE
    assert client.get(f"/d/{code}/poster/").status_code in NOT_THERE


@pytest.mark.parametrize("value", ["\x00", "a\x00", "x" * 5000, "不存在", "-1"])
def test_hostile_station_parameter_on_the_deputy_form_is_ignored(client, station, value):
    deputy = station.members.first()
    response = client.get(reverse("intake:deputy", args=[deputy.public_id]), {"s": value})
    assert response.status_code == (400 if "\x00" in value else 200)
    # The opinion still goes to the deputy's own station.
    assert selectors.deputy_station(deputy, value) == station


@pytest.mark.parametrize("code", HOSTILE_CODES)
def test_hostile_station_code_in_paper_and_device_urls_is_a_404_for_staff(client, station, regions, code):
    from tests.factories import StaffUserFactory

    staff = StaffUserFactory(username="st-h", region=regions["taiyuan"]["county"])
    client.force_login(staff)
    assert client.get(f"/paper/{code}/").status_code in NOT_THERE
    assert client.get(f"/kiosk/{code}/device/").status_code in NOT_THERE
    if "\x00" in code:
        from stations.access import access_station as access_station_for_paper

        with pytest.raises(Http404):
            access_station_for_paper(staff, code)


@pytest.mark.parametrize("value", ["\x00", "A\x00B", "x" * 5000, "<script>", "ＡＢＣＤ－ＥＦＧＨ"])
def test_hostile_tracking_code_is_a_message_not_an_error(client, db, value):
    assert client.get(reverse("intake:track"), {"code": value}).status_code == (400 if "\x00" in value else 200)
    response = client.post(reverse("intake:track"), {"code": value, "digits": value})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_hostile_fields_on_the_kiosk_post_are_messages_not_errors(client, station):
    url = kiosk_url(station)
    for field in ("category", "content", "address", "deputy", "resident_name", "phone", "consent", "submission_key", "hp_note"):
        for value in ("\x00", "x" * 20000, "１２３"):
            response = client.post(url, kiosk_data(form_key(client, url), **{field: value}))
            assert response.status_code in (200, 302), (field, value[:5])


def test_hostile_confirmation_tokens_are_a_friendly_404(client, db):
    for token in ("x" * 3000, "e30:1abc:def"):
        assert client.get(f"/submitted/{token}/").status_code == 404
    assert client.get("/submitted/\x00/").status_code in NOT_THERE


def test_paper_form_fields_with_nul_or_garbage_are_messages(client, station, officer):
    client.force_login(officer)
    url = reverse("station_workspace:entry", args=[station.code])
    for field, value in (("received_on", "\x00"), ("received_on", "2025-13-45"), ("channel", "zzz"), ("content", "\x00")):
        data = kiosk_data(form_key(client, url), **{"channel": "paper", "received_on": "2025-03-10", field: value})
        response = client.post(url, data)
        assert response.status_code == 200, (field, value)
    assert Case.objects.count() == 0


def test_plain_user_cannot_reach_a_station_by_garbage_paper_code(client, station):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/paper/\x00/").status_code in NOT_THERE
    assert client.get("/paper/gl-001/").status_code == 404

"""Paper / reception-day entry by liaison officers; deputies' "给Ta留言" QR
form, QR codes and poster; putting a station's screen in kiosk mode."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from deputies.models import Deputy
from intake.device import read_device
from intake.forms import MSG_DATE_FUTURE
from proposals.models import Case, Channel
from tests.factories import StaffUserFactory, StationFactory, UserFactory, make_case
from tests.intake.conftest import form_key, kiosk_data

pytestmark = pytest.mark.django_db


def paper_url(station):
    return reverse("station_workspace:entry", args=[station.code])


def paper_data(client, station, **overrides):
    data = kiosk_data(form_key(client, paper_url(station)), channel=Channel.RECEPTION, received_on="2025-01-01")
    data["received_on"] = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    data.update(overrides)
    return data


# --- paper entry -------------------------------------------------------------------


def test_paper_entry_needs_login(client, station):
    response = client.get(paper_url(station))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("station_workspace:home")).status_code == 302


def test_liaison_officer_enters_a_reception_day_opinion(client, station, officer):
    client.force_login(officer)
    data = paper_data(client, station, resident_name="赵大妈", phone="13912345678", consent="on")
    response = client.post(paper_url(station), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.RECEPTION
    assert case.received_on == timezone.localdate() - dt.timedelta(days=3)
    assert case.submitted_by == officer and case.station == station
    assert case.state == "submitted"
    page = client.get(response["Location"]).content.decode()
    assert case.tracking_code_display in page  # told to the resident
    assert "139****5678" in page and "13912345678" not in page  # masked in the list


def test_single_station_officer_is_taken_straight_to_the_form(client, station, officer):
    client.force_login(officer)
    response = client.get(reverse("station_workspace:home"))
    assert response.status_code == 302 and response["Location"] == reverse("station_workspace:station", args=[station.code])


def test_other_stations_officer_gets_404(client, station, officer, regions):
    other = StationFactory(region=regions["taiyuan"]["township2"])
    client.force_login(officer)
    assert client.get(paper_url(other)).status_code == 404
    assert client.post(paper_url(other), {"content": "x"}).status_code == 404


def test_plain_user_gets_404(client, station):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(paper_url(station)).status_code == 404


def test_county_staff_may_enter_and_other_county_staff_may_not(client, station, regions):
    client.force_login(StaffUserFactory(username="ty-staff", region=regions["taiyuan"]["county"]))
    assert client.get(paper_url(station)).status_code == 200
    client.force_login(StaffUserFactory(username="sy-staff", region=regions["shenyang"]["county"]))
    assert client.get(paper_url(station)).status_code == 404


def test_future_received_date_is_refused(client, station, officer):
    client.force_login(officer)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(paper_url(station), paper_data(client, station, received_on=tomorrow))
    assert response.status_code == 200
    assert str(MSG_DATE_FUTURE) in response.content.decode()
    assert Case.objects.count() == 0


def test_paper_double_submit_creates_one_case(client, station, officer):
    client.force_login(officer)
    data = paper_data(client, station)
    client.post(paper_url(station), data)
    client.post(paper_url(station), data)
    assert Case.objects.count() == 1


def test_paper_page_query_count_does_not_grow_with_entries(client, station, officer, django_assert_num_queries):
    client.force_login(officer)
    for _ in range(3):
        make_case(station=station, channel=Channel.PAPER)
    client.get(reverse("notifications:list"))  # warm the working-calendar cache (5 minutes)
    # session, user, station, categories, deputies, recent entries, unread
    # notifications (the workspace header)
    with django_assert_num_queries(7):
        client.get(paper_url(station))
    for _ in range(5):
        make_case(station=station, channel=Channel.PAPER)
    # session, user, station, recent entries, unread notifications: the
    # category and deputy lists read a moment ago are still in memory (intake.choices)
    with django_assert_num_queries(5):
        client.get(paper_url(station))


# --- deputy QR ----------------------------------------------------------------------


def test_deputy_qr_form_sends_the_opinion_to_that_deputy(client, station):
    deputy = Deputy.objects.get(name="张丽")
    url = reverse("intake:deputy", args=[deputy.public_id])
    html = client.get(url).content.decode()
    assert "给 张丽 代表留言" in html
    assert "想请哪位代表关注" not in html  # the deputy is fixed
    client.post(url, kiosk_data(form_key(client, url)))
    case = Case.objects.get()
    assert case.channel == Channel.DEPUTY_QR
    assert case.addressed_deputy == deputy
    assert case.station == station


def test_deputy_qr_codes_and_poster(client, station):
    deputy = Deputy.objects.get(name="张丽")
    svg = client.get(reverse("intake:deputy_qr", args=[deputy.public_id, "svg"]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert f"/d/{deputy.public_id}/".encode() in svg.content
    png = client.get(f"/d/{deputy.public_id}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    poster = client.get(reverse("intake:deputy_poster", args=[deputy.public_id])).content.decode()
    assert "给 张丽 代表留言" in poster and "<svg" in poster and station.name in poster
    assert deputy.phone not in poster


def test_unknown_or_inactive_deputy(client, station):
    assert client.get("/d/nope/").status_code == 404
    assert client.get("/d/nope/qr.svg").status_code == 404
    deputy = Deputy.objects.get(name="王强")
    deputy.is_active = False
    deputy.save(update_fields=["is_active"])
    assert "不在任" in client.get(reverse("intake:deputy", args=[deputy.public_id])).content.decode()


# --- kiosk device mode ----------------------------------------------------------------


def test_officer_sets_the_screen_as_kiosk_and_is_logged_out(client, station, officer):
    client.force_login(officer)
    url = reverse("intake:kiosk_device", args=[station.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("intake:kiosk", args=[station.code])
    cookie = response.cookies["portal_kiosk_device"]
    assert cookie["httponly"]

    class Req:
        COOKIES = {"portal_kiosk_device": cookie.value}

    assert read_device(Req()).station_code == station.code
    # Logged out: the next resident at the screen is not the officer.
    assert "_auth_user_id" not in client.session
    assert client.get(url).status_code == 302


def test_device_mode_needs_the_station_officer_or_staff(client, station, regions):
    url = reverse("intake:kiosk_device", args=[station.code])
    assert client.get(url).status_code == 302  # login
    client.force_login(UserFactory(username="other-liaison", role=Role.LIAISON))
    assert client.get(url).status_code == 404


def test_staff_with_many_stations_search_and_page_through_them(client, station, regions, django_assert_num_queries):
    from tests.factories import StaffUserFactory

    county = regions["taiyuan"]["county"]
    for i in range(60):
        StationFactory(code=f"many-{i:02d}", name=f"第{i:02d}社区联络站", region=regions["taiyuan"]["township2"])
    client.force_login(StaffUserFactory(username="many-staff", region=county))
    first = client.get(reverse("station_workspace:home"))
    assert first.status_code == 200 and len(first.context["stations"]) == 50
    second = client.get(reverse("station_workspace:home"), {"page": 2})
    assert len(second.context["stations"]) == 11  # 60 + the fixture's station
    found = client.get(reverse("station_workspace:home"), {"q": "第42社区"})
    assert [s.code for s in found.context["stations"]] == ["many-42"]
    assert list(client.get(reverse("station_workspace:home"), {"q": "没有这个站"}).context["stations"]) == []
    assert client.get(reverse("station_workspace:home"), {"q": "x" * 500, "page": "zzz"}).status_code == 200
    # session, user, the user's region (its subtree prefix), count, page,
    # unread notifications: the same for 61 stations as for 2
    with django_assert_num_queries(6):
        client.get(reverse("station_workspace:home"), {"page": 2})

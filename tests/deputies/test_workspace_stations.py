"""My stations: the reception-day calendar, signing up and withdrawing, and
recording the day afterwards with the opinions collected on the spot."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import Case, Channel
from proposals.services.intake import reception_opinion_create
from stations.models import ReceptionDay
from stations.reception import next_reception_date
from stations.services import (
    MSG_NOT_MEMBER,
    MSG_NOT_YET_HELD,
    ReceptionError,
    reception_record,
    reception_signup,
)

pytestmark = pytest.mark.django_db

STATIONS = "deputy_workspace:stations"


def next_rule_date(station, after=None):
    return next_reception_date(station, after=after or timezone.localdate() + dt.timedelta(days=1))


def held_day(ws, days_ago=2, deputy=None):
    day = ReceptionDay.objects.create(station=ws.station, date=timezone.localdate() - dt.timedelta(days=days_ago))
    day.deputies.add(deputy or ws.deputy)
    return day


def test_calendar_lists_rule_dates_and_scheduled_days_of_my_stations_only(deputy_client, ws):
    rule_date = next_rule_date(ws.station)
    extra = timezone.localdate() + dt.timedelta(days=5)
    if extra == rule_date:
        extra += dt.timedelta(days=1)
    ReceptionDay.objects.create(station=ws.station, date=extra, topic="民生实事项目征求意见")
    response = deputy_client.get(reverse(STATIONS))
    assert response.status_code == 200
    [cal] = response.context["calendars"]
    assert cal.station == ws.station
    dates = [d.date for d in cal.upcoming]
    assert rule_date in dates and extra in dates
    assert dates == sorted(dates)
    body = response.content.decode()
    assert "民生实事项目征求意见" in body
    assert ws.station2.name not in body  # not my station


def test_deputy_signs_up_for_a_rule_date_and_others_see_it(deputy_client, client, ws):
    date = next_rule_date(ws.station)
    url = reverse("deputy_workspace:reception_signup", args=[ws.station.pk])
    response = deputy_client.post(url, {"date": date.isoformat()})
    assert response.status_code == 302
    day = ReceptionDay.objects.get(station=ws.station, date=date)
    assert list(day.deputies.all()) == [ws.deputy]
    deputy_client.post(url, {"date": date.isoformat()})  # twice: still one sign-up
    assert day.deputies.count() == 1
    page = deputy_client.get(reverse(STATIONS))
    upcoming = {d.date: d for d in page.context["calendars"][0].upcoming}
    assert upcoming[date].signed_up


def test_signup_on_a_date_that_is_not_a_reception_day_is_refused_with_a_message(deputy_client, ws):
    rule_date = next_rule_date(ws.station)
    wrong = rule_date + dt.timedelta(days=1)
    url = reverse("deputy_workspace:reception_signup", args=[ws.station.pk])
    response = deputy_client.post(url, {"date": wrong.isoformat()}, follow=True)
    assert "不是该站点的接待日" in response.content.decode()
    past = deputy_client.post(url, {"date": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}, follow=True)
    assert "只能报名今天及以后的接待日" in past.content.decode()
    junk = deputy_client.post(url, {"date": "不是日期"}, follow=True)
    assert junk.status_code == 200 and "请选择有效的接待日期" in junk.content.decode()
    assert not ReceptionDay.objects.exists()


def test_signup_service_refuses_a_station_the_deputy_does_not_sit_in(ws):
    with pytest.raises(ReceptionError) as exc:
        reception_signup(user=ws.deputy_user, station_id=ws.station2.pk, date=next_rule_date(ws.station2))
    assert str(exc.value) == str(MSG_NOT_MEMBER)


def test_withdraw_before_the_day_but_not_on_it(deputy_client, ws):
    date = next_rule_date(ws.station)
    day = reception_signup(user=ws.deputy_user, station_id=ws.station.pk, date=date)
    deputy_client.post(reverse("deputy_workspace:reception_withdraw", args=[day.pk]))
    assert not day.deputies.exists()
    today_day = ReceptionDay.objects.create(station=ws.station, date=timezone.localdate())
    today_day.deputies.add(ws.deputy)
    response = deputy_client.post(reverse("deputy_workspace:reception_withdraw", args=[today_day.pk]), follow=True)
    assert "接待日当天及以后不能取消报名" in response.content.decode()
    assert today_day.deputies.filter(pk=ws.deputy.pk).exists()


def test_record_the_day_after_it_is_held(deputy_client, ws):
    day = held_day(ws)
    url = reverse("deputy_workspace:reception", args=[day.pk])
    assert deputy_client.get(url).status_code == 200
    response = deputy_client.post(url, {"residents_received": 12, "summary": "接待群众12人次，主要反映停车难。"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.residents_received, day.recorded_by) == (12, ws.deputy_user)
    assert day.recorded_at is not None
    bad = deputy_client.post(url, {"residents_received": -1, "summary": ""})
    assert bad.status_code == 400
    day.refresh_from_db()
    assert day.residents_received == 12


def test_a_day_cannot_be_recorded_before_it_comes(ws):
    day = ReceptionDay.objects.create(station=ws.station, date=timezone.localdate() + dt.timedelta(days=4))
    day.deputies.add(ws.deputy)
    with pytest.raises(ReceptionError) as exc:
        reception_record(user=ws.deputy_user, reception_day_id=day.pk, residents_received=3, summary="x")
    assert str(exc.value) == str(MSG_NOT_YET_HELD)


def test_the_liaison_officer_may_record_a_day_too(ws):
    day = held_day(ws)
    reception_record(user=ws.liaison, reception_day_id=day.pk, residents_received=5, summary="联络员补记")
    day.refresh_from_db()
    assert day.recorded_by == ws.liaison


def test_opinion_collected_on_the_day_becomes_a_reception_case_addressed_to_me(deputy_client, ws):
    day = held_day(ws, days_ago=1)
    url = reverse("deputy_workspace:reception_opinion", args=[day.pk])
    data = {
        "title": "小区停车难",
        "content": "晚上车位不够，希望开放周边单位停车场。",
        "resident_name": "刘师傅",
        "phone": "139 1234 5678",
        "consent_given": "on",
        "submission_key": "rk-1",
    }
    response = deputy_client.post(url, data)
    assert response.status_code == 302
    deputy_client.post(url, data)  # resent: still one case
    case = Case.objects.get()
    assert (case.channel, case.station, case.addressed_deputy, case.received_on) == (Channel.RECEPTION, ws.station, ws.deputy, day.date)
    assert case.phone_masked == "139****5678" and case.submitted_by == ws.deputy_user
    page = deputy_client.get(reverse("deputy_workspace:reception", args=[day.pk])).content.decode()
    assert case.tracking_code_display in page
    mine = deputy_client.get(reverse("deputy_workspace:home")).content.decode()
    assert "小区停车难" in mine


def test_opinion_with_a_phone_but_no_consent_or_a_bad_phone_is_refused(deputy_client, ws):
    day = held_day(ws)
    url = reverse("deputy_workspace:reception_opinion", args=[day.pk])
    no_consent = deputy_client.post(url, {"title": "t", "content": "c", "phone": "13912345678"})
    assert no_consent.status_code == 400 and "须经群众同意" in no_consent.content.decode()
    bad_phone = deputy_client.post(url, {"title": "t", "content": "c", "phone": "12345", "consent_given": "on"})
    assert bad_phone.status_code == 400 and "手机号格式不正确" in bad_phone.content.decode()
    assert not Case.objects.exists()
    with pytest.raises(ReceptionError):
        reception_opinion_create(user=ws.deputy_user, reception_day_id=day.pk, title="t", content="c", resident_name="某某")


def test_stations_page_query_count_does_not_grow_with_days(deputy_client, ws, django_assert_num_queries):
    from tests.deputies.conftest import badge_query_cost

    for i in range(1, 4):
        held_day(ws, days_ago=i * 7)
    deputy_client.get(reverse(STATIONS))
    extra = badge_query_cost(ws.deputy_user)
    # session, user, deputy, memberships, days, their deputies, opinion counts
    with django_assert_num_queries(7 + extra):
        deputy_client.get(reverse(STATIONS))
    for i in range(4, 10):
        day = held_day(ws, days_ago=i * 7 + 1)
        day.deputies.add(ws.third_deputy)
    with django_assert_num_queries(7 + extra):
        response = deputy_client.get(reverse(STATIONS))
    assert len(response.context["calendars"][0].past) == 9

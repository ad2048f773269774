"""The kiosk / station QR form: what a resident submits becomes one case."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from deputies.models import Deputy
from intake.device import device_cookie_value
from proposals.models import Case, CaseEvent, CaseState, Channel
from proposals.services.intake import case_create
from tests.factories import StationFactory, category
from tests.intake.conftest import form_key, kiosk_data, kiosk_url

pytestmark = pytest.mark.django_db


def test_kiosk_page_is_not_cached_and_not_autofilled(client, station):
    client.cookies["portal_kiosk_device"] = device_cookie_value(station.code, "dev-1")
    response = client.get(kiosk_url(station))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'autocomplete="off"' in html
    assert "城市建设与管理" in html  # an active category
    assert "张丽" in html and "王强" in html  # the station's deputies
    assert "不指定，由站点安排" in html
    assert "为什么请您留手机号" in html  # PIPL consent text
    assert 'data-kiosk="1"' in html


def test_inactive_category_and_departed_deputy_are_not_offered(client, station):
    import datetime as dt

    cat = category()
    cat.is_active = False
    cat.save(update_fields=["is_active"])
    gone = Deputy.objects.get(name="王强")
    gone.memberships.update(left_on=dt.date(2020, 1, 1))
    html = client.get(kiosk_url(station)).content.decode()
    assert cat.name not in html
    assert "王强" not in html


def test_resident_submission_creates_a_submitted_kiosk_case_with_station(client, station):
    client.cookies["portal_kiosk_device"] = device_cookie_value(station.code, "dev-1")
    url = kiosk_url(station)
    key = form_key(client, url)
    deputy = Deputy.objects.get(name="张丽")
    response = client.post(url, kiosk_data(key, deputy=deputy.pk, resident_name="李大爷", phone="138 1234 5678", consent="on"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == CaseState.SUBMITTED
    assert case.channel == Channel.KIOSK
    assert case.station == station and case.region == station.region
    assert case.addressed_deputy == deputy
    assert case.category == category()
    assert case.phone_masked == "138****5678" and case.phone_last4 == "5678"
    assert "13812345678" not in case.phone_encrypted
    assert case.consent_given and not case.is_anonymous
    assert case.title.startswith("小区门口的路灯坏了")
    assert CaseEvent.objects.filter(case=case, action="submit", to_state=CaseState.SUBMITTED).exists()
    done = client.get(response["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert case.tracking_code_display in html
    assert "<svg" in html  # the QR code of the tracking link
    # The confirmation holds no personal data.
    assert "李大爷" not in html
    assert "138****5678" not in html and "13812345678" not in html
    assert "路灯" not in html


def test_anonymous_submission_is_accepted(client, station):
    url = kiosk_url(station)
    response = client.post(url, kiosk_data(form_key(client, url)))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.is_anonymous and case.phone_encrypted == "" and case.addressed_deputy is None


def test_a_link_from_the_station_page_opens_the_phone_form_recorded_online(client, station):
    page = client.get(reverse("stations:detail", args=[station.code])).content.decode()
    link = re.search(r'href="([^"]+)">在线反映问题', page).group(1)
    html = client.get(link).content.decode()
    assert 'data-kiosk="1"' not in html  # a phone is never put in kiosk mode (no idle reset)
    client.post(link, kiosk_data(form_key(client, link)))
    assert Case.objects.get().channel == Channel.ONLINE


def test_station_qr_scan_is_recorded_as_station_qr(client, station):
    url = kiosk_url(station, qr=True)
    html = client.get(url).content.decode()
    assert 'data-kiosk="1"' not in html  # a resident's own phone is not reset
    client.post(url, kiosk_data(form_key(client, url)))
    assert Case.objects.get().channel == Channel.STATION_QR


def test_registered_kiosk_device_records_its_id(client, station):
    client.cookies["portal_kiosk_device"] = device_cookie_value(station.code, "dev-42")
    url = kiosk_url(station, qr=True)  # the device wins over ?src=qr
    client.post(url, kiosk_data(form_key(client, url)))
    case = Case.objects.get()
    assert case.channel == Channel.KIOSK and case.device_id == "dev-42"


def test_device_cookie_of_another_station_is_ignored(client, station):
    other = StationFactory(region=station.region)
    client.cookies["portal_kiosk_device"] = device_cookie_value(other.code, "dev-7")
    url = kiosk_url(station)
    client.post(url, kiosk_data(form_key(client, url)))
    assert Case.objects.get().device_id == ""


def test_forged_device_cookie_is_ignored(client, station):
    client.cookies["portal_kiosk_device"] = "eyJzIjoiZ2wtMDAxIiwiZCI6IngifQ:forged:sig"
    url = kiosk_url(station)
    client.post(url, kiosk_data(form_key(client, url)))
    assert Case.objects.get().device_id == ""


def test_same_submission_key_twice_creates_one_case(client, station):
    url = kiosk_url(station)
    data = kiosk_data(form_key(client, url))
    first = client.post(url, data)
    second = client.post(url, data)
    assert Case.objects.count() == 1
    assert first.status_code == second.status_code == 302
    # Both land on a confirmation of the same case.
    code = Case.objects.get().tracking_code_display
    assert code in client.get(first["Location"]).content.decode()
    assert code in client.get(second["Location"]).content.decode()


def test_case_create_is_idempotent_on_submission_key(station):
    kwargs = dict(title="t", content="路灯坏了很久了", channel=Channel.KIOSK, station=station, submission_key="k" * 32)
    first = case_create(**kwargs)
    second = case_create(**kwargs)
    assert first.created and not second.created
    assert first.case.pk == second.case.pk
    assert Case.objects.count() == 1


def test_each_render_gets_a_fresh_submission_key(client, station):
    url = kiosk_url(station)
    assert form_key(client, url) != form_key(client, url)


def test_tampered_submission_key_still_takes_the_opinion(client, station):
    url = kiosk_url(station)
    response = client.post(url, kiosk_data("not-a-uuid"))
    assert response.status_code == 302
    assert Case.objects.count() == 1


def test_unknown_station_gets_a_friendly_404(client, db):
    response = client.get(reverse("intake:kiosk", args=["no-such-station"]))
    assert response.status_code == 404
    assert "没有找到这个站点" in response.content.decode()


def test_inactive_station_says_so_and_takes_nothing(client, station):
    station.is_active = False
    station.save(update_fields=["is_active"])
    response = client.get(kiosk_url(station))
    assert "本站点暂时不接收意见" in response.content.decode()
    client.post(kiosk_url(station), kiosk_data("a" * 32))
    assert Case.objects.count() == 0


def test_confirmation_link_with_bad_token_is_a_friendly_404(client, db):
    response = client.get(reverse("intake:done", args=["garbage:token"]))
    assert response.status_code == 404
    assert "已过期" in response.content.decode()


def test_kiosk_get_query_count_does_not_grow_with_deputies_or_categories(client, station, django_assert_num_queries):
    from tests.factories import DeputyFactory, MembershipFactory

    url = kiosk_url(station)
    with django_assert_num_queries(3):  # station, categories, deputies
        client.get(url)
    for i in range(6):
        MembershipFactory(station=station, deputy=DeputyFactory(name=f"代表{i}"))
    with django_assert_num_queries(3):
        client.get(url)


def test_kiosk_post_query_count_is_pinned(client, station, django_assert_num_queries):
    url = kiosk_url(station)
    deputy = Deputy.objects.get(name="张丽")
    data = kiosk_data(form_key(client, url), deputy=deputy.pk, phone="13812345678", consent="on")
    # savepoint, case and history row (one statement on PostgreSQL, two
    # elsewhere), the notifications app's dispatch row, release. No lookup of
    # the submission key first: a repeat is caught by its unique constraint.
    # The station, category and deputy are checked against what the form
    # page has just read (intake.choices), not queried again.
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        client.post(url, data)
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.category_id == data["category"] and case.addressed_deputy_id == deputy.pk
    # A repeated POST (rare) pays for the conflict instead: the refused
    # INSERT with its savepoint handling, and the lookup of the earlier case.
    with django_assert_num_queries(5):
        response = client.post(url, data)
    assert response.status_code == 302
    assert Case.objects.count() == 1


def test_kiosk_form_lists_are_read_once_and_follow_changes_saved_by_staff(client, station, django_assert_num_queries):
    from tests.factories import DeputyFactory, MembershipFactory

    url = kiosk_url(station)
    client.get(url)
    with django_assert_num_queries(0):  # station, lists and the page itself are in memory
        html = client.get(url).content.decode()
    assert "张丽" in html
    # A deputy joining the station and a category switched off in the admin
    # show at once (saves in this process clear the lists).
    MembershipFactory(station=station, deputy=DeputyFactory(name="新来代表"))
    cat = category()
    cat.is_active = False
    cat.save()
    html = client.get(url).content.decode()
    assert "新来代表" in html and f'name="category" value="{cat.pk}"' not in html and cat.name not in html
    # A POST naming the switched-off category is refused with the plain message.
    response = client.post(url, kiosk_data(form_key(client, url), category=cat.pk))
    assert response.status_code == 200 and "请选择问题类别" in response.content.decode()
    assert not Case.objects.exists()


def test_kiosk_choices_cache_expires_for_changes_made_elsewhere(client, station, settings, monkeypatch):
    """A change written without a signal (bulk SQL) shows after the cache
    times: this process's memory (60 s), then the shared cache's copy."""
    import time as time_mod

    from intake import choices
    from stations.models import StationMembership

    monkeypatch.setattr(choices, "SHARED_PAGE_SECONDS", 1)  # 600 s in production
    url = kiosk_url(station)
    assert "王强" in client.get(url).content.decode()
    StationMembership.objects.filter(station=station, deputy__name="王强").update(left_on="2000-01-01")  # no signal
    assert "王强" in client.get(url).content.decode()  # still the cached list
    later = time_mod.monotonic() + 61  # the default cache time is 60 s
    monkeypatch.setattr(choices.time, "monotonic", lambda: later)
    time_mod.sleep(1.2)  # the shared copy has expired too
    assert "王强" not in client.get(url).content.decode()


def test_a_page_rendered_by_one_process_is_not_rendered_again_by_another(client, station, django_assert_num_queries):
    """Another web process (its memory empty, the shared cache the same)
    takes the page from the shared cache: it only looks the station up."""
    from intake import choices

    url = kiosk_url(station)
    client.get(url)
    choices._store.clear()  # a fresh process
    with django_assert_num_queries(1):  # the station; no lists, no render
        html = client.get(url).content.decode()
    assert "王强" in html and 'name="submission_key"' in html


def test_a_saved_change_replaces_the_shared_pages_at_once(client, station):
    from tests.factories import DeputyFactory, MembershipFactory

    url = kiosk_url(station)
    client.get(url)
    from intake import choices

    MembershipFactory(station=station, deputy=DeputyFactory(name="新来代表"))  # the signal bumps the shared version
    choices._store.clear()  # and another process, whose memory had the page too
    assert "新来代表" in client.get(url).content.decode()


def test_kiosk_choices_cache_can_be_turned_off(client, station, settings, django_assert_num_queries):
    settings.INTAKE_CHOICES_CACHE_SECONDS = 0
    url = kiosk_url(station)
    client.get(url)
    with django_assert_num_queries(3):  # station, categories, deputies every time
        client.get(url)


def test_selected_category_and_deputy_stay_checked_when_the_form_comes_back(client, station):
    url = kiosk_url(station)
    deputy = Deputy.objects.get(name="王强")
    data = kiosk_data(form_key(client, url), deputy=deputy.pk, content="")
    html = client.post(url, data).content.decode()
    assert f'name="category" value="{data["category"]}" id="id_category_' in html
    assert f'value="{data["category"]}" id="id_category_' in html
    import re

    checked = re.findall(r'<input type="radio" name="(\w+)" value="(\d*)" id="[\w]+"(?: required)? checked>', html)
    assert ("category", str(data["category"])) in checked and ("deputy", str(deputy.pk)) in checked
    assert not Case.objects.exists()


def test_unknown_deputy_is_refused_with_the_plain_message(client, station):
    url = kiosk_url(station)
    response = client.post(url, kiosk_data(form_key(client, url), deputy="999999"))
    assert response.status_code == 200 and "请从列表中选择代表" in response.content.decode()
    assert not Case.objects.exists()


def test_each_blank_form_gets_its_own_submission_key_and_a_valid_csrf_token(station):
    from django.test import Client

    from tests.intake.conftest import KEY_RE

    client = Client(enforce_csrf_checks=True)
    url = kiosk_url(station)
    pages = [client.get(url).content.decode() for _ in range(3)]
    keys = {KEY_RE.search(html).group(1) for html in pages}
    assert len(keys) == 3
    assert all("@@" not in html for html in pages)  # no hole left unfilled
    import re

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[-1]).group(1)
    response = client.post(url, {**kiosk_data(KEY_RE.search(pages[-1]).group(1)), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Case.objects.filter(submission_key=KEY_RE.search(pages[-1]).group(1)).exists()
    # Without the token the POST is refused, as before.
    assert Client(enforce_csrf_checks=True).post(url, kiosk_data(KEY_RE.search(pages[0]).group(1))).status_code == 403


def test_station_switched_off_in_the_admin_stops_its_kiosk_at_once(client, station):
    url = kiosk_url(station)
    assert "向人大代表反映问题" in client.get(url).content.decode()
    station.is_active = False
    station.save()
    response = client.get(url)
    assert "向人大代表反映问题" not in response.content.decode()
    key = "0" * 32
    client.post(url, kiosk_data(key))
    assert not Case.objects.exists()


def test_a_waiting_message_is_shown_on_the_kiosk_page(client, station):
    """A flash message waiting in the cookie is shown (the page is rendered,
    not taken from memory without it), and only once."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    url = kiosk_url(station)
    client.get(url)  # the blank page is in memory now
    storage = CookieStorage(RequestFactory().get(url))
    storage.add(constants.INFO, "本机已不再作为站点触摸屏。")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "本机已不再作为站点触摸屏。" in client.get(url).content.decode()
    assert "本机已不再作为站点触摸屏。" not in client.get(url).content.decode()

"""The public directories in a real Chromium: the "15-minute circle" from
the browser's position, no horizontal scrolling on a phone, and axe-core's
WCAG 2.2 A/AA rules on the home page, directories, station page and profile."""

from importlib import import_module

import pytest
from django.urls import reverse

from tests.conftest import axe_violations

from .conftest import add_station

# Transactional (live server); as in tests/intake/test_browser.py, each test
# re-creates the migrations' data it needs, which serialized_rollback may not
# restore once Playwright's event loop has run in this thread.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _migration_data(transactional_db):
    from django.apps import apps

    for module in (
        "proposals.migrations.0002_defaults",
        "deputies.migrations.0003_default_tiers",
        "stations.migrations.0002_default_checklist",
    ):
        import_module(module).create(apps, None)


@pytest.fixture
def places(regions):
    ty = regions["taiyuan"]
    from deputies.models import Deputy

    stations = {
        "gulou": add_station(ty["township"], "gulou", lat="37.866000", lng="112.566000", reception_rule="monthly", reception_day=10),
        "home": add_station(ty["county"], "home", lat="37.869800", lng="112.574300", kind="home"),
        "far": add_station(ty["township2"], "far", lat="38.100000", lng="112.900000", kind="point"),
    }
    return {"stations": stations, "deputy": Deputy.objects.filter(memberships__station=stations["gulou"]).first()}


def test_my_position_lists_the_nearest_stations_first(chromium, live_server, places):
    context = chromium.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        geolocation={"latitude": 37.8665, "longitude": 112.5665},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(reverse("stations:list") + "?kind=")
        page.get_by_role("button", name="使用我的位置，找最近的站点").click()
        page.wait_for_url("**lat=37.866500**")
        names = page.locator(".result-list h2").all_inner_texts()
        assert names == ["gulou联络站", "home联络站"]  # "far" is 35 km away, outside 10 km
        assert "距您约 0.1 公里" in page.content()
        page.get_by_role("link", name="不按距离排序").click()
        assert "lat=" not in page.url and page.locator(".result-list h2").count() == 3
    finally:
        context.close()


def test_location_refused_says_what_to_do(chromium, live_server, places):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url)  # no permission granted
    page = context.new_page()
    try:
        page.goto(reverse("stations:list"))
        page.get_by_role("button", name="使用我的位置，找最近的站点").click()
        page.get_by_text("无法获取位置").wait_for()
    finally:
        context.close()


def test_public_pages_fit_a_phone_and_have_no_wcag_violations(chromium, live_server, places):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    urls = [
        reverse("home"),
        reverse("stations:list"),
        reverse("stations:detail", args=["gulou"]),
        reverse("deputies:list"),
        reverse("deputies:detail", args=[places["deputy"].public_id]),
        reverse("login"),
    ]
    try:
        for url in urls:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
            assert axe_violations(page) == [], url
    finally:
        context.close()

"""A NUL byte anywhere in a URL is a Chinese 400 page before any view runs:
PostgreSQL refuses NUL in a string literal, so such a value reaching an admin
list filter or the admin autocomplete used to be a 500."""

import pytest
from django.urls import reverse

from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, regions):
    client.force_login(StaffUserFactory(username="nul-staff", region=regions["taiyuan"]["county"]))
    return client


@pytest.mark.parametrize(
    "url, params",
    [
        ("/admin/proposals/case/", {"state": "\x00"}),
        ("/admin/proposals/case/", {"channel": "a\x00"}),
        ("/admin/stations/station/", {"kind": "\x00"}),
        ("/admin/autocomplete/", {"app_label": "stations", "model_name": "station", "field_name": "region", "term": "\x00"}),
        ("/admin/autocomplete/", {"app_label": "stations", "model_name": "station", "field_name": "parent", "term": "鼓楼\x00"}),
        ("/unit/", {"q": "\x00"}),
        ("/deputy/", {"q": "\x00"}),
        ("/stations/", {"region\x00": "1"}),
    ],
)
def test_nul_in_a_query_string_is_a_chinese_400(staff_client, url, params):
    response = staff_client.get(url, params)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.parametrize("path", ["/kiosk/a\x00/", "/deputies/\x00/", "/paper/\x00/", "/admin/stations/station/\x00/change/"])
def test_nul_in_a_path_is_a_400(staff_client, path):
    assert staff_client.get(path).status_code == 400


def test_ordinary_urls_and_form_posts_are_untouched(staff_client):
    assert staff_client.get(reverse("stations:list"), {"q": "鼓楼%", "region": "140107"}).status_code == 200
    # A NUL typed into a form field is the form's business (a message on the page), not a 400.
    response = staff_client.post(reverse("intake:track"), {"code": "AB\x00CD", "digits": ""})
    assert response.status_code == 200

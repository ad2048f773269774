"""Each signed-in user finds their own work: login lands on it, the header
and the home page link to it (a liaison officer used to see an empty
"工作人员入口" and no way to the paper entry form)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


def login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize(
    "role, is_staff, landing",
    [
        (Role.DEPUTY, False, "/deputy/"),
        (Role.UNIT, False, "/unit/"),
        (Role.LIAISON, False, "/station/"),
        (Role.STAFF, True, "/admin/"),
        ("", False, "/"),
    ],
)
def test_login_lands_on_the_users_own_workspace(client, regions, role, is_staff, landing):
    user = UserFactory(username=f"u-{role or 'none'}", password=PASSWORD, role=role, is_staff=is_staff)
    response = login(client, user)
    assert response.status_code == 302
    start = client.get(response["Location"])
    assert start.status_code == 302 and start["Location"] == landing


def test_login_with_next_still_goes_where_asked(client, regions):
    user = UserFactory(username="dep", password=PASSWORD, role=Role.DEPUTY)
    response = client.post(reverse("login") + "?next=/stations/", {"username": "dep", "password": PASSWORD, "next": "/stations/"})
    assert response["Location"] == "/stations/"
    assert user.is_authenticated


def test_liaison_officer_sees_the_station_workspace_in_header_and_home(client, regions):
    client.force_login(UserFactory(username="lia", role=Role.LIAISON))
    html = client.get(reverse("home")).content.decode()
    assert html.count('href="/station/"') == 2  # header and 工作人员入口
    assert "/admin/" not in html


def test_staff_sees_admin_and_station_workspace_deputy_sees_only_the_workspace(client, regions):
    client.force_login(StaffUserFactory(username="stf", region=regions["taiyuan"]["county"]))
    html = client.get(reverse("stations:list")).content.decode()
    assert 'href="/admin/"' in html and 'href="/station/"' in html
    client.force_login(UserFactory(username="dep2", role=Role.DEPUTY))
    html = client.get(reverse("home")).content.decode()
    assert 'href="/deputy/"' in html and 'href="/station/"' not in html and 'href="/admin/"' not in html


def test_user_without_a_role_is_told_to_ask_for_one(client, regions):
    client.force_login(UserFactory(username="plain"))
    assert "还没有分配工作职责" in client.get(reverse("home")).content.decode()


def test_anonymous_start_is_a_login_redirect(client, db):
    response = client.get(reverse("workspace_start"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

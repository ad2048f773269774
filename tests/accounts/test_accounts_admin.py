import pytest
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_superuser_manages_accounts_with_role_and_region(client, regions):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    staff = StaffUserFactory(username="zhao", display_name="赵敏", region=regions["taiyuan"]["county"])
    changelist = client.get(reverse("admin:accounts_user_changelist"), {"role": Role.STAFF})
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [staff]
    html = client.get(reverse("admin:accounts_user_change", args=[staff.pk])).content.decode()
    assert "管辖区域" in html and "角色" in html and "赵敏" in html

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "liaison2",
            "display_name": "郭晓芳",
            "role": Role.LIAISON,
            "region": regions["taiyuan"]["township"].pk,
            "password1": "a-long-pass-9931",
            "password2": "a-long-pass-9931",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="liaison2")
    assert created.role == Role.LIAISON and created.region == regions["taiyuan"]["township"]


def test_county_staff_cannot_manage_accounts(client, regions):
    client.force_login(StaffUserFactory(username="zhao", region=regions["taiyuan"]["county"]))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:workcalendar_workdayoverride_changelist")).status_code == 200  # view only
    assert client.get(reverse("admin:workcalendar_workdayoverride_add")).status_code == 403


def test_admin_site_is_in_chinese_and_login_page_works(client, regions):
    UserFactory(username="deputy1", password="pw-for-tests-1")
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "登录" in page.content.decode()
    bad = client.post(reverse("login"), {"username": "deputy1", "password": "wrong"})
    assert bad.status_code == 200 and "用户名或密码不正确" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "deputy1", "password": "pw-for-tests-1"})
    assert good.status_code == 302
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert "人大代表家站点管理后台" in client.get(reverse("admin:index")).content.decode()

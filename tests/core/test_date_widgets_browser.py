"""In a real Chromium, in Chinese: the forms with a date come up with the
date filled in and submit with it (before, the box was empty and the form
failed "该字段是必填项")."""

import pytest
from django.utils import timezone

from proposals.models import CaseState, ContactRecord, SupervisionRecord
from tests.proposals.builders import case_in_state
from tests.proposals.fixtures import world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login(page, live_server, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_unit_contact_form_date_is_filled_and_saves(page, live_server, world):  # noqa: F811
    case = case_in_state(world, CaseState.IN_HANDLING)
    login(page, live_server, world.unit_a_user)
    page.goto(f"/unit/cases/{case.pk}/")
    box = page.locator("input[name=contact_date]")
    assert box.get_attribute("type") == "date"
    assert box.input_value() == timezone.localdate().isoformat()
    page.locator("textarea[name=summary]").first.fill("电话联系群众，约定下周现场查看。")
    page.get_by_role("button", name="保存联系记录").click()
    page.wait_for_load_state()
    assert "该字段是必填项" not in page.content()
    assert ContactRecord.objects.get(case=case).contact_date == timezone.localdate()


def test_admin_supervision_form_date_is_filled_and_saves(page, live_server, world):  # noqa: F811
    case = case_in_state(world, CaseState.IN_HANDLING)
    login(page, live_server, world.staff)
    page.goto(f"/admin/proposals/case/{case.pk}/action/supervise/")
    box = page.locator("input[name=date]")
    assert box.input_value() == timezone.localdate().isoformat()
    page.locator("textarea[name=summary]").fill("电话督促承办单位加快办理。")
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "该字段是必填项" not in page.content()
    record = SupervisionRecord.objects.get(case=case)
    assert record.date == timezone.localdate()

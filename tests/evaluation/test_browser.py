"""In a real Chromium: a deputy reads their score; a voter rates a deputy's
report from a phone."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deputies.models import DutyKind
from evaluation.models import ReportTally
from evaluation.voter_reports import voter_report_open_voting, voter_report_schedule
from notifications.channels import sms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def logged_in(context, user, base_url):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def test_deputy_reads_their_score_and_what_is_missing(chromium, live_server, world):
    world.duty(world.deputy, DutyKind.STATION_VISIT, 2, day=timezone.localdate().replace(month=1, day=2))
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url)
    logged_in(context, world.deputy_user, live_server.url)
    page = context.new_page()
    page.goto(reverse("evaluation:my_score"))
    page.get_by_role("heading", name=re.compile("王建国代表 .* 年履职积分")).wait_for()
    row = page.locator(".score-table tbody tr", has_text="进站履职")
    assert "2 / 4" in row.inner_text() and "10.0" in row.inner_text()
    assert page.locator(".missing-list").get_by_text("进站履职 2/4 次").is_visible()
    assert page.locator(".score-total").first.inner_text() == "10.0"
    page.get_by_role("link", name="打印年度履职档案").click()
    page.get_by_role("heading", name=re.compile("年履职档案")).wait_for()
    context.close()


def test_voter_rates_a_report_from_a_phone(chromium, live_server, world, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.sms.LocmemSMSBackend"
    sms.outbox.clear()
    report = voter_report_schedule(
        deputy=world.deputy, station=world.station, scheduled_at=timezone.now() + dt.timedelta(hours=1), user=world.staff
    )
    voter_report_open_voting(report_id=report.pk)
    context = chromium.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(reverse("evaluation:ballot", args=[report.ballot_token]))
    page.get_by_label("手机号码").fill("13900001234")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送，请查收短信。").wait_for()
    code = re.search(r"验证码(\d{6})", sms.outbox[-1]["text"]).group(1)
    assert page.get_by_label("手机号码").input_value() == "13900001234"
    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("基本满意").check()
    page.get_by_role("button", name="提交测评").click()
    page.get_by_text("测评已提交").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert dict(ReportTally.objects.filter(report=report).values_list("rating", "count")) == {"satisfied": 0, "basic": 1, "unsatisfied": 0}
    context.close()
    sms.outbox.clear()

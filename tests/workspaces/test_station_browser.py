"""In a real Chromium: the liaison officer's day. Log in, see the station's
cases, enter a paper opinion and print its receipt, answer one on the spot,
plan and record a reception day, publish an activity post that appears on
the public station page. Pages pass axe-core's WCAG 2.2 A/AA rules."""

import datetime as dt
import re
from importlib import import_module

import pytest
from django.utils import timezone

from accounts.models import Role
from proposals.models import Case, CaseState, Channel
from stations.models import ReceptionDay, StationPost
from tests.conftest import axe_violations
from tests.factories import DeputyFactory, MembershipFactory, StationFactory, UserFactory, category, make_case, taiyuan_tree
from tests.intake.conftest import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def officer_station(transactional_db):
    from django.apps import apps

    for module in ("proposals.migrations.0002_defaults", "deputies.migrations.0003_default_tiers"):
        import_module(module).create(apps, None)
    from intake import choices

    choices.clear()
    regions = taiyuan_tree()
    station = StationFactory(
        code="gl-001", name="鼓楼街道人大代表联络站", region=regions["township"], reception_rule="monthly", reception_day=10
    )
    for name in ("张丽", "王强"):
        MembershipFactory(station=station, deputy=DeputyFactory(name=name))
    officer = UserFactory(username="liaison1", role=Role.LIAISON)
    officer.set_password(PASSWORD)
    officer.save()
    station.liaison_officer = officer
    station.save(update_fields=["liaison_officer"])
    return station


def test_the_liaison_officers_day(page, officer_station, tmp_path):
    station = officer_station
    waiting = make_case(station=station, title="幸福里路灯不亮", channel=Channel.KIOSK)
    today = timezone.localdate()

    # Log in: the officer lands on their station's cases.
    page.goto("/accounts/login/")
    page.fill("#id_username", "liaison1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/station/{station.code}/")
    assert page.locator("#station-cases").get_by_text("幸福里路灯不亮").is_visible()
    assert "138****1234" in page.content() and "13812341234" not in page.content()
    assert axe_violations(page) == []

    # Enter a paper opinion and print its receipt.
    page.get_by_role("link", name="录入意见").first.click()
    page.wait_for_url(f"**/station/{station.code}/entry/")
    assert page.locator("input[name=received_on]").input_value() == today.isoformat()  # the date box shows its value
    page.get_by_role("radio", name="纸质意见").check()
    page.get_by_label(category().name).check()
    page.get_by_label("问题描述").fill("菜市场门口积水严重，老人出行不便，希望尽快疏通下水道。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/entry/\?created=\d+"))
    entered = Case.objects.get(channel=Channel.PAPER)
    assert entered.tracking_code_display in page.locator("#created-case").inner_text()
    page.locator("#created-case").get_by_role("link", name="打印回执").click()
    page.wait_for_url(f"**/cases/{entered.pk}/receipt/")
    assert page.locator("[data-tracking-code]").inner_text() == entered.tracking_code_display
    assert page.locator(".receipt svg").count() == 1
    pdf = page.pdf(format="A4")  # what the printer gets
    assert pdf[:4] == b"%PDF" and len(pdf) > 1000
    assert axe_violations(page) == []

    # Answer the waiting kiosk case on the spot.
    page.goto(f"/station/{station.code}/cases/{waiting.pk}/")
    page.get_by_label("当场答复内容").fill("已联系社区物业，今晚修复路灯。")
    page.get_by_role("button", name="提交当场答复").click()
    page.wait_for_url(f"**/cases/{waiting.pk}/")
    assert "已当场答复" in page.content()
    waiting.refresh_from_db()
    assert waiting.state == CaseState.CLOSED

    # Plan a reception day from the rule's proposals (working days only).
    page.get_by_role("link", name="接待日").first.click()
    first_proposed = page.locator("#proposed-dates li").first
    proposed_date = first_proposed.locator("span").inner_text().split()[0]
    first_proposed.get_by_role("button", name="安排").click()
    page.wait_for_url(f"**/station/{station.code}/receptions/")
    assert page.locator("#upcoming-receptions").get_by_text(proposed_date).is_visible()
    assert ReceptionDay.objects.get().date.isoformat() == proposed_date

    # Record today's reception day (held today), with the deputies present.
    held = ReceptionDay.objects.create(station=station, date=today, topic="物业管理")
    page.goto(f"/station/{station.code}/receptions/{held.pk}/")
    page.get_by_label("接待群众（人次）").fill("12")
    page.get_by_label("张丽").check()
    page.get_by_label("接待情况").fill("接待群众12人次，收集意见3条。")
    page.get_by_role("button", name="保存接待记录").click()
    page.wait_for_url(f"**/receptions/{held.pk}/")
    assert "接待记录已保存" in page.content()
    held.refresh_from_db()
    assert held.residents_received == 12 and [d.name for d in held.attended.all()] == ["张丽"]

    # Publish an activity post with a photo; it appears on the public page.
    photo = tmp_path / "activity.jpg"
    photo.write_bytes(image_bytes(size=(320, 240)))
    page.get_by_role("link", name="站点活动").first.click()
    page.locator("#id_title").fill("民法典宣讲进社区")
    page.get_by_label("活动内容").fill("张丽代表在站点为居民宣讲民法典。")
    page.locator("#h-new-post ~ form").get_by_label("张丽").check()
    page.locator("#post-photos").set_input_files(str(photo))
    page.get_by_role("button", name="发布").click()
    page.wait_for_url(f"**/station/{station.code}/posts/")
    assert "活动已发布" in page.content()
    assert StationPost.objects.get().photos.count() == 1
    page.goto(f"/stations/{station.code}/")
    post = page.locator(".station-post").first
    assert post.get_by_role("heading", name="民法典宣讲进社区").is_visible()
    image = post.locator("img").first
    image.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())


def test_a_date_box_keeps_its_value_after_a_refused_plan(page, live_server, officer_station):
    from django.test import Client

    client = Client()
    client.force_login(officer_station.liaison_officer)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(f"/station/{officer_station.code}/receptions/")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page.locator("form.ws-form input[name=date]").fill(yesterday)
    page.locator("form.ws-form button[type=submit]").click()
    page.get_by_text("接待日不能安排在今天以前").wait_for()
    assert page.locator("form.ws-form input[name=date]").input_value() == yesterday

"""In a real Chromium on a phone-sized screen: a deputy logs in, opens a
case from "my cases", adds a contact record and rates the reply. The pages
fit the screen and pass axe-core's WCAG 2.2 A/AA rules."""

import pytest

from proposals.models import CaseState, ContactRecord, Feedback, Rating
from tests.conftest import axe_violations
from tests.proposals.builders import case_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 812}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_deputy_logs_in_opens_a_case_adds_a_contact_record_and_rates_the_reply(page, live_server, ws):
    case = case_in_state(ws, CaseState.REPLIED, title="幸福小区路灯不亮")
    page.set_viewport_size(PHONE)

    page.goto("/deputy/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "deputy1")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/deputy/")
    assert "王丽华代表的工作台" in page.content()
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == []

    page.click("text=幸福小区路灯不亮")
    page.wait_for_url(f"**/deputy/cases/{case.pk}/")
    assert page.locator("h1").inner_text() == "幸福小区路灯不亮"
    assert "经现场查看，已安排维修" in page.content()
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == []

    page.click("text=添加沟通联系记录")
    page.select_option("#contact-form select[name=way]", "visit")
    page.fill("#contact-form textarea[name=summary]", "与群众一起到现场查看，路灯已修好两盏。")
    page.click("#contact-form button[type=submit]")
    page.wait_for_url(f"**/deputy/cases/{case.pk}/#contacts")
    assert "沟通联系记录已保存" in page.content()
    assert page.locator("#contacts").get_by_text("与群众一起到现场查看").is_visible()

    page.check("#feedback-form input[name=rating][value=basic]")
    page.fill("#feedback-form textarea[name=comment]", "还有一盏没修好，希望尽快。")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_url(f"**/deputy/cases/{case.pk}/#replies")
    assert "满意度测评已提交" in page.content()
    assert "代表测评：基本满意" in page.locator("#replies").inner_text()
    assert page.locator("#feedback-form").count() == 0  # rated: the form is gone

    record = ContactRecord.objects.get(case=case)
    assert (record.author_id, record.way) == (ws.deputy_user.pk, "visit")
    feedback = Feedback.objects.get(case=case)
    assert (feedback.deputy_id, feedback.rating) == (ws.deputy.pk, Rating.BASIC)
    case.refresh_from_db()
    assert case.state == CaseState.EVALUATED


def test_deputy_turns_two_opinions_into_a_suggestion_with_a_cosigner(page, live_server, ws):
    from proposals.models import Case, CaseKind, CaseSigner, SignerStatus
    from stations.models import StationMembership
    from tests.factories import DeputyFactory

    for i in range(12):  # a long co-signer list gets a name filter
        StationMembership.objects.create(station=ws.station, deputy=DeputyFactory(name=f"测试代表{i:02d}"))
    a = ws.opinion(addressed_deputy=ws.deputy, title="菜市场占道经营")
    b = ws.opinion(addressed_deputy=ws.deputy, title="菜市场噪音扰民")
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/?next=/deputy/")
    page.fill("#id_username", "deputy1")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/deputy/")

    page.check(f"input[name=opinions][value='{a.pk}']")
    page.check(f"input[name=opinions][value='{b.pk}']")
    page.click("text=用选中的群众意见撰写建议")
    page.wait_for_url("**/deputy/suggestions/new/**")
    assert page.is_checked(f"#id_opinions input[value='{a.pk}']") and page.is_checked(f"#id_opinions input[value='{b.pk}']")
    page.fill("#id_title", "关于规范菜市场管理的建议")
    page.fill("#id_content", "建议划定临时摊位区域，夜间限制噪音。")
    page.fill("#cosigner-filter", "李明")
    assert page.locator("#id_cosigners label:visible").count() == 1
    page.check(f"#id_cosigners input[value='{ws.third_deputy.pk}']")
    assert no_horizontal_scroll(page)
    page.click("button:has-text('提出建议')")
    page.wait_for_url("**/deputy/cases/*/")
    assert "代表建议已提出" in page.content()

    suggestion = Case.objects.get(kind=CaseKind.SUGGESTION)
    assert set(suggestion.source_opinions.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert CaseSigner.objects.get(case=suggestion, deputy=ws.third_deputy).status == SignerStatus.INVITED

"""In a real Chromium: a resident comments on an article from a phone-sized
screen (by the article's button and by selecting a passage), and from a
station's kiosk through its "对法规草案提意见" entry."""

import re

import pytest
from django.urls import reverse

from legislation.models import Channel, Comment
from tests.legislation.conftest import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_resident_comments_on_an_article_from_a_phone(phone, world):
    draft = make_draft(world)
    phone.goto(reverse("legislation:draft", args=[draft.pk]))
    # Phone-sized: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name="对第十二条提意见").click()
    assert phone.locator("#target-label").inner_text() == "针对：第十二条"
    phone.get_by_label("您的意见和建议").fill("十五公里的限速太低，建议提高到二十公里。")
    phone.get_by_role("button", name="提交意见").click()
    phone.wait_for_url(re.compile(r"/submitted/"))
    code = phone.locator("#tracking-code").inner_text().strip()
    c = Comment.objects.get()
    assert c.tracking_code_display == code
    assert (c.provision.label, c.channel, c.station) == ("第十二条", Channel.ONLINE, None)

    phone.get_by_role("link", name="查询采纳情况").click()
    phone.locator("#track-result").wait_for()
    assert "第十二条" in phone.locator("#track-result").inner_text()


def test_resident_comments_on_a_selected_passage(phone, world):
    draft = make_draft(world)
    phone.goto(reverse("legislation:draft", args=[draft.pk]))
    passage = "禁止携带电动自行车或者其蓄电池进入电梯轿厢"
    phone.evaluate(
        """text => {
            const p = [...document.querySelectorAll('section.article p')].find(el => el.textContent.includes(text));
            const node = [...p.childNodes].find(n => n.nodeType === 3 && n.textContent.includes(text));
            const start = node.textContent.indexOf(text);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + text.length);
            const sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
        }""",
        passage,
    )
    phone.get_by_role("button", name="对所选文字提意见").click()
    assert phone.locator("#target-label").inner_text() == "针对：第十五条"
    assert passage in phone.locator("#target-quote").inner_text()
    phone.get_by_label("您的意见和建议").fill("应当同时要求安装电梯阻车装置。")
    phone.get_by_role("button", name="提交意见").click()
    phone.wait_for_url(re.compile(r"/submitted/"))
    c = Comment.objects.get()
    assert (c.provision.label, c.quote) == ("第十五条", passage)


def test_resident_comments_from_the_station_kiosk(page, world):
    draft = make_draft(world)
    station = world["a"]
    page.goto(reverse("intake:kiosk", args=[station.code]))
    page.get_by_role("link", name="对法规草案提意见").click()
    page.wait_for_url(re.compile(rf"/legislation/{draft.pk}/s/{station.code}/$"))
    page.get_by_role("link", name="对第二十一条提意见").click()
    page.get_by_label("您的意见和建议").fill("罚款偏低，屡教不改的应当加重。")
    page.get_by_role("textbox", name="手机号").fill("13812345678")
    page.get_by_label("我同意按上面的说明使用我的姓名和手机号").check()
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_url(re.compile(r"/submitted/"))
    assert page.locator("#tracking-code").inner_text().strip()
    assert "13812345678" not in page.content()
    c = Comment.objects.get()
    assert (c.provision.label, c.channel, c.station, c.phone_masked) == ("第二十一条", Channel.KIOSK, station, "138****5678")


def test_station_screen_returns_to_the_kiosk_when_left_alone(page, world, settings):
    settings.LEGISLATION_KIOSK_IDLE_SECONDS = 1
    draft = make_draft(world)
    station = world["a"]
    page.goto(reverse("legislation:draft_station", args=[draft.pk, station.code]))
    page.get_by_label("您的意见和建议").fill("没写完的意见")
    page.wait_for_url(re.compile(rf"/kiosk/{station.code}/$"), timeout=8000)
    assert "没写完的意见" not in page.content()


def test_draft_page_passes_axe(phone, world):
    from tests.conftest import axe_violations

    draft = make_draft(world)
    phone.goto(reverse("legislation:draft", args=[draft.pk]))
    assert axe_violations(phone) == []

"""In a real Chromium: a resident reports at the kiosk and finds the case on
/track/; the kiosk clears itself after inactivity; a double tap makes one
case; the pages pass axe-core's WCAG 2.2 A/AA rules."""

import re
from importlib import import_module

import pytest
from django.urls import reverse

from intake.device import device_cookie_value
from proposals.models import Case, Channel
from tests.conftest import axe_violations
from tests.factories import category, make_case
from tests.intake.conftest import reply_to

# Transactional (live server). serialized_rollback restores the migrations'
# data for tests that run later; but once Playwright's event loop runs in this
# thread, Django may hand out a fresh connection object without the serialized
# contents, so each test also re-creates the data it needs (idempotently).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _migration_data(transactional_db):
    from django.apps import apps

    for module in ("proposals.migrations.0002_defaults", "deputies.migrations.0003_default_tiers"):
        import_module(module).create(apps, None)


def register_kiosk(page, live_server, station):
    """The screen is the station's registered kiosk (staff set it up at
    /kiosk/<code>/device/): only then does the page run in kiosk mode."""
    page.context.add_cookies(
        [{"name": "portal_kiosk_device", "value": device_cookie_value(station.code, "screen-1"), "url": live_server.url}]
    )


def fill_resident_form(page, content="小区门口的路灯坏了一个多月，晚上出门很不方便。"):
    page.get_by_label(category().name).check()
    page.get_by_label("问题描述").fill(content)
    page.get_by_label("地点").fill("鼓楼街道幸福里北门")


def test_resident_reports_at_the_kiosk_and_finds_the_case_on_track(page, live_server, station):
    register_kiosk(page, live_server, station)
    page.goto(reverse("intake:kiosk", args=[station.code]))
    fill_resident_form(page)
    page.get_by_label("张丽").check()
    page.get_by_role("textbox", name="姓名").fill("李大爷")
    page.get_by_role("textbox", name="手机号").fill("13812345678")
    page.get_by_label("我同意按上面的说明使用我的姓名和手机号").check()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/submitted/"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[34679ACDEFGHJKMNPQRTUVWXY]{4}-[34679ACDEFGHJKMNPQRTUVWXY]{4}", code)
    assert "李大爷" not in page.content()

    case = Case.objects.get()
    assert case.tracking_code_display == code and case.channel == Channel.KIOSK and case.station == station
    assert case.addressed_deputy.name == "张丽" and case.phone_masked == "138****5678"

    page.get_by_role("link", name="查询办理进度").last.click()
    assert page.get_by_label("查询码").input_value() == code  # the link carries the code
    page.get_by_label("手机号后四位").fill("5678")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="办理经过").wait_for()
    assert "已收到，等待受理" in page.content()
    assert code in page.content()


def test_kiosk_warns_then_clears_itself_after_inactivity(page, live_server, station, settings):
    register_kiosk(page, live_server, station)
    settings.INTAKE_KIOSK_IDLE_SECONDS = 1
    settings.INTAKE_KIOSK_WARN_SECONDS = 2
    url = reverse("intake:kiosk", args=[station.code])
    page.goto(url)
    key_before = page.locator("input[name=submission_key]").input_value()
    fill_resident_form(page, content="我的私人问题，下一位不应该看到")
    dialog = page.get_by_role("alertdialog")
    dialog.wait_for(state="visible", timeout=5000)
    # "继续填写" keeps what was typed.
    page.get_by_role("button", name="继续填写").click()
    assert dialog.is_hidden()
    assert page.get_by_label("问题描述").input_value() == "我的私人问题，下一位不应该看到"
    # No answer this time: the page clears itself.
    dialog.wait_for(state="visible", timeout=5000)
    page.wait_for_function(
        "key => document.querySelector('input[name=submission_key]') && document.querySelector('input[name=submission_key]').value !== key",
        arg=key_before,
        timeout=8000,
    )
    assert page.get_by_label("问题描述").input_value() == ""
    assert "我的私人问题" not in page.content()
    # Back does not bring the previous resident's page back.
    page.go_back()
    page.wait_for_load_state()
    assert "我的私人问题" not in page.content()
    assert Case.objects.count() == 0


def test_confirmation_page_returns_to_a_blank_form(page, live_server, station, settings):
    register_kiosk(page, live_server, station)
    settings.INTAKE_KIOSK_DONE_SECONDS = 1
    page.goto(reverse("intake:kiosk", args=[station.code]))
    fill_resident_form(page)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/submitted/"))
    page.wait_for_url(re.compile(r"/kiosk/"), timeout=8000)
    assert page.get_by_label("问题描述").input_value() == ""
    page.go_back()
    page.wait_for_load_state()
    assert "tracking-code" not in page.content()


def test_double_tap_on_submit_creates_one_case(page, station):
    page.goto(reverse("intake:kiosk", args=[station.code]))
    fill_resident_form(page)
    page.get_by_role("button", name="提交").dblclick()
    page.wait_for_url(re.compile(r"/submitted/"))
    assert Case.objects.count() == 1


def test_browser_resend_of_the_same_form_creates_one_case(page, station):
    """Even with the page's script out of the way (a retried request), the
    server's submission key keeps it to one case."""
    page.goto(reverse("intake:kiosk", args=[station.code]))
    fill_resident_form(page)
    page.evaluate(
        """() => { const f = document.getElementById('resident-form');
        const fd = new FormData(f);
        return Promise.all([fetch(f.action, {method: 'POST', body: fd}), fetch(f.action, {method: 'POST', body: fd})]); }"""
    )
    assert Case.objects.count() == 1


def test_kiosk_and_tracking_pages_have_no_wcag_violations(page, station, handling):
    page.goto(reverse("intake:kiosk", args=[station.code]))
    assert axe_violations(page) == []
    # With errors shown.
    page.get_by_role("textbox", name="手机号").fill("123")
    page.get_by_role("button", name="提交").click()
    page.locator("#form-errors").wait_for()
    assert axe_violations(page) == []
    fill_resident_form(page)
    page.get_by_role("textbox", name="手机号").fill("")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/submitted/"))
    assert axe_violations(page) == []

    case = make_case(station=station, phone="13812345678")
    reply_to(case, handling)
    page.goto(reverse("intake:track"))
    assert axe_violations(page) == []
    page.get_by_label("查询码").fill(case.tracking_code)
    page.get_by_label("手机号后四位").fill("0000")
    page.get_by_role("button", name="查询").click()
    page.locator("#form-errors").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("手机号后四位").fill("5678")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="您对办理结果满意吗？").wait_for()
    assert axe_violations(page) == []

    deputy = station.members.first()
    page.goto(reverse("intake:deputy", args=[deputy.public_id]))
    assert axe_violations(page) == []


def test_touch_targets_are_at_least_44px(page, station):
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(reverse("intake:kiosk", args=[station.code]))
    sizes = page.eval_on_selector_all(
        "main label.tile, main button, main .check, main input[type=text]:not([name=hp_note]), main textarea",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.outerHTML.slice(0, 60), r.width, r.height]; })",
    )
    assert sizes
    small = [s for s in sizes if s[1] < 44 or s[2] < 44]
    assert small == []


def test_too_many_photos_are_refused_at_once_in_the_residents_language(page, station, settings):
    settings.INTAKE_MAX_PHOTOS = 2
    tiny_png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    files = [{"name": f"p{i}.png", "mimeType": "image/png", "buffer": tiny_png} for i in range(3)]
    page.goto(reverse("intake:kiosk", args=[station.code]))
    page.set_input_files("#id_photos", files)
    error = page.locator("#photos_client_error")
    error.wait_for()
    assert error.inner_text() == "最多只能选 2 张照片，请重新选择。"
    # The same message in English for an English page.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.url}])
    page.goto(reverse("intake:kiosk", args=[station.code]))
    page.set_input_files("#id_photos", files)
    page.locator("#photos_client_error").wait_for()
    assert page.locator("#photos_client_error").inner_text() == "You can choose at most 2 photos. Please choose again."

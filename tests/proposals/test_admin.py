"""County staff's case desk in Django admin: triage queue, filters, search,
buttons that call the services, bulk assignment, scoping, query counts."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.urls import reverse

from proposals.models import Case, CaseEvent, CaseState, PhoneRevealLog
from proposals.services import actions

from .builders import case_in_state

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:proposals_case_changelist"


def change_url(case):
    return reverse("admin:proposals_case_change", args=[case.pk])


def action_url(case, key):
    return reverse("admin:proposals_case_action", args=[case.pk, key])


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.staff)
    return client


def test_changelist_opens_on_the_triage_queue_of_new_cases(staff_client, world):
    new = world.opinion(title="新来的意见")
    accepted = case_in_state(world, CaseState.ACCEPTED)
    response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    shown = {c.pk for c in response.context["cl"].result_list}
    assert new.pk in shown and accepted.pk not in shown
    response = staff_client.get(reverse(CHANGELIST), {"queue": "to_assign"})
    assert {c.pk for c in response.context["cl"].result_list} == {accepted.pk}
    response = staff_client.get(reverse(CHANGELIST), {"state": CaseState.ACCEPTED})
    assert {c.pk for c in response.context["cl"].result_list} == {accepted.pk}


def test_search_by_tracking_code_is_exact_and_searches_all_states(staff_client, world):
    case = case_in_state(world, CaseState.IN_HANDLING)
    world.opinion()
    code = case.tracking_code
    response = staff_client.get(reverse(CHANGELIST), {"q": f"{code[:4].lower()}-{code[4:]}"})
    assert [c.pk for c in response.context["cl"].result_list] == [case.pk]
    response = staff_client.get(reverse(CHANGELIST), {"q": "路灯"})
    assert case.pk in {c.pk for c in response.context["cl"].result_list}


def test_overdue_filter_and_overdue_highlight(staff_client, world):
    late = case_in_state(world, CaseState.ASSIGNED)
    Case.objects.filter(pk=late.pk).update(deadline=dt.date(2020, 1, 2))
    on_time = case_in_state(world, CaseState.ASSIGNED)
    response = staff_client.get(reverse(CHANGELIST), {"overdue": "yes"})
    shown = {c.pk for c in response.context["cl"].result_list}
    assert late.pk in shown and on_time.pk not in shown
    assert "case-overdue" in response.content.decode()
    page = staff_client.get(change_url(late)).content.decode()
    assert "case-overdue-banner" in page


def _changelist_queries(django_assert_num_queries, client, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse(CHANGELIST), {"queue": "all"})
    assert response.status_code == 200
    return response


def test_changelist_query_count_does_not_grow_with_rows(staff_client, world, django_assert_num_queries):
    for state in (CaseState.SUBMITTED, CaseState.ASSIGNED, CaseState.CLOSED):
        case_in_state(world, state)
    response = staff_client.get(reverse(CHANGELIST), {"queue": "all"})
    assert len(response.context["cl"].result_list) == 3
    # session, user, permissions, categories, page, count… The filters' choices
    # (townships, stations, units of the subtree) come from the cache after the
    # first request above (proposals.admin.cached_filter_choices). On
    # PostgreSQL the count is one call of portal_count (estimate or exact).
    expected = 8
    _changelist_queries(django_assert_num_queries, staff_client, expected)
    for state in (CaseState.SUBMITTED, CaseState.ASSIGNED, CaseState.CLOSED, CaseState.REPLIED, CaseState.DISPUTED) * 2:
        case_in_state(world, state)
    _changelist_queries(django_assert_num_queries, staff_client, expected)


def test_an_estimated_count_is_marked_as_such(staff_client, world, monkeypatch):
    from congress_portal import pagination

    for _ in range(3):
        world.opinion()
    page = staff_client.get(reverse(CHANGELIST), {"queue": "all"}).content.decode()
    assert "约" not in page.split('class="paginator"')[1]
    if connection.vendor != "postgresql":
        return  # SQLite counts exactly, always
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 0)
    page = staff_client.get(reverse(CHANGELIST), {"queue": "all"}).content.decode()
    assert "约" in page.split('class="paginator"')[1]


def test_case_page_query_count_does_not_grow_with_history(staff_client, world, django_assert_num_queries):
    small = case_in_state(world, CaseState.ACCEPTED)
    big = case_in_state(world, CaseState.CLOSED)
    for i in range(3):
        actions.case_add_note(case_id=big.pk, user=world.staff, text=f"备注{i}")
    with django_assert_num_queries(expected := _count(staff_client, big)):
        staff_client.get(change_url(big))
    assert _count(staff_client, small) == expected


def _count(client, case):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as ctx:
        response = client.get(change_url(case))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_page_pinned_query_count(staff_client, world, django_assert_num_queries):
    """10 queries, whatever the history: session, user, the user's region,
    the case with its related rows and actor flags, permissions (2), the
    category choices, the timeline, the assignments and one UNION for
    contacts, replies, feedback, supervision and notes (was 17)."""
    case = case_in_state(world, CaseState.REHANDLING)
    actions.case_add_contact(
        case_id=case.pk, user=world.unit_a_user, contact_date=dt.date(2025, 1, 2), way="visit", party="resident", summary="上门走访记录"
    )
    actions.case_supervise(
        case_id=case.pk, user=world.staff, level="ordinary", kind="notice", date=dt.date(2025, 1, 3), summary="督办通知内容"
    )
    actions.case_add_note(case_id=case.pk, user=world.staff, text="内部备注内容")
    # The first request of a process also reads the content type (cached per process).
    staff_client.get(change_url(case))
    with django_assert_num_queries(10):
        response = staff_client.get(change_url(case))
    page = response.content.decode()
    for label in ("办理记录", "交办", "沟通联系", "答复", "满意度测评", "督办", "内部备注"):
        assert label in page
    for text in ("上门走访记录", "督办通知内容", "内部备注内容", "问题未解决", "经现场查看"):
        assert text in page
    assert world.unit_a.name in page


def test_buttons_show_only_moves_the_table_allows(staff_client, world):
    case = world.opinion()
    page = staff_client.get(change_url(case)).content.decode()
    for key in ("accept", "return", "redirect", "reject", "merge", "answer_on_spot"):
        assert f'data-action="{key}"' in page
    assert 'data-action="assign"' not in page and 'data-action="close"' not in page
    # A button for a move the state does not allow is refused with a message.
    response = staff_client.post(action_url(case, "close"), {"reason": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_accept_then_assign_through_the_buttons(staff_client, world):
    case = world.opinion()
    response = staff_client.get(action_url(case, "accept"))
    assert response.status_code == 200
    response = staff_client.post(action_url(case, "accept"), {"reason": "属实"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    response = staff_client.post(
        action_url(case, "assign"),
        {"lead_unit": world.unit_a.pk, "co_units": [world.unit_c.pk], "responsible_deputy": "", "reason": "请办理"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.lead_unit == world.unit_a


def test_refusal_reason_is_required_and_shown(staff_client, world):
    case = world.opinion()
    response = staff_client.post(action_url(case, "reject"), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_no_admin_form_can_set_the_state(staff_client, world):
    case = world.opinion(title="原标题")
    response = staff_client.post(
        change_url(case),
        {"title": "修改后的标题", "category": case.category_id, "state": CaseState.CLOSED, "lead_unit": world.unit_a.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "修改后的标题"
    assert case.state == CaseState.SUBMITTED and case.lead_unit_id is None
    assert not staff_client.get(reverse("admin:proposals_case_add")).status_code == 200


def test_bulk_assignment_reports_per_case_failures(staff_client, world):
    ok1 = case_in_state(world, CaseState.ACCEPTED)
    ok2 = case_in_state(world, CaseState.ACCEPTED)
    bad = world.opinion()
    data = {"action": "assign_to_unit", ACTION_CHECKBOX_NAME: [ok1.pk, ok2.pk, bad.pk], "index": 0}
    response = staff_client.post(reverse(CHANGELIST) + "?queue=all", data)
    assert response.status_code == 200 and "批量交办" in response.content.decode()
    data.update({"apply": "1", "lead_unit": world.unit_b.pk, "reason": "统一交办"})
    response = staff_client.post(reverse(CHANGELIST) + "?queue=all", data, follow=True)
    msgs = [str(m) for m in response.context["messages"]]
    assert any("已交办 2 件" in m for m in msgs)
    assert any(bad.tracking_code_display in m and "不能执行" in m for m in msgs)
    assert set(Case.objects.filter(lead_unit=world.unit_b).values_list("pk", flat=True)) == {ok1.pk, ok2.pk}
    bad.refresh_from_db()
    assert bad.state == CaseState.SUBMITTED


def test_another_countys_staff_cannot_see_or_act_on_the_case(client, world):
    case = case_in_state(world, CaseState.ACCEPTED)
    client.force_login(world.other_staff)
    response = client.get(reverse(CHANGELIST), {"queue": "all"})
    assert case.pk not in {c.pk for c in response.context["cl"].result_list}
    response = client.get(change_url(case))
    assert response.status_code in (302, 404), response.content.decode()[:3000]
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    assert client.get(action_url(case, "assign")).status_code == 404
    assert client.post(action_url(case, "assign"), {"lead_unit": world.unit_a.pk}).status_code == 404
    assert client.post(reverse("admin:proposals_case_reveal_phone", args=[case.pk])).status_code == 404
    assert client.get(reverse(CHANGELIST), {"q": case.tracking_code}).context["cl"].result_list.count() == 0
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and not PhoneRevealLog.objects.exists()


def test_phone_is_masked_and_revealing_it_is_logged(staff_client, world):
    case = world.opinion(phone="13812345678")
    page = staff_client.get(change_url(case)).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "显示完整号码" in page
    response = staff_client.post(reverse("admin:proposals_case_reveal_phone", args=[case.pk]), {"reason": "回访"})
    assert "13812345678" in response.content.decode()
    log = PhoneRevealLog.objects.get()
    assert (log.case, log.user, log.reason) == (case, world.staff, "回访")


def test_overdue_board_groups_overdue_cases_by_unit(staff_client, world):
    late_a = case_in_state(world, CaseState.IN_HANDLING)
    late_b = case_in_state(world, CaseState.ASSIGNED)
    actions.case_reassign(case_id=late_b.pk, user=world.staff, lead_unit_id=world.unit_b.pk, reason="调整")
    on_time = case_in_state(world, CaseState.IN_HANDLING)
    Case.objects.filter(pk__in=[late_a.pk, late_b.pk]).update(deadline=dt.date(2024, 5, 6))
    response = staff_client.get(reverse("admin:proposals_case_overdue_board"))
    groups = response.context["groups"]
    assert {g["unit"].pk: g["count"] for g in groups} == {world.unit_a.pk: 1, world.unit_b.pk: 1}
    page = response.content.decode()
    assert late_a.tracking_code_display in page and on_time.tracking_code_display not in page
    assert "还有" not in page  # every overdue case is on the board


def test_overdue_board_links_to_the_rest_of_a_long_group(staff_client, world, monkeypatch):
    from proposals import selectors

    monkeypatch.setattr(selectors, "OVERDUE_BOARD_ROWS", 1)
    late = [case_in_state(world, CaseState.IN_HANDLING) for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in late]).update(deadline=dt.date(2024, 5, 6))
    page = staff_client.get(reverse("admin:proposals_case_overdue_board")).content.decode()
    assert "还有 2 件" in page
    link = f"?overdue=yes&amp;queue=all&amp;lead_unit={world.unit_a.pk}"
    assert link in page
    listed = staff_client.get(reverse(CHANGELIST) + link.replace("&amp;", "&")).context["cl"].result_list
    assert {c.pk for c in listed} == {c.pk for c in late}


def test_events_of_admin_actions_name_the_staff_member(staff_client, world):
    case = world.opinion()
    staff_client.post(action_url(case, "accept"), {"reason": ""})
    ev = CaseEvent.objects.get(case=case, action="accept")
    assert ev.actor == world.staff


def test_phone_reveal_reason_with_a_nul_byte_is_refused_with_a_message_not_logged(staff_client, world):
    case = world.opinion(phone="13812345678")
    url = reverse("admin:proposals_case_reveal_phone", args=[case.pk])
    response = staff_client.post(url, {"reason": "回访\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "errornote" in page and "13812345678" not in page
    assert not PhoneRevealLog.objects.exists()
    # An empty reason falls back to the usual one.
    response = staff_client.post(url, {"reason": "  "})
    assert "13812345678" in response.content.decode()
    assert PhoneRevealLog.objects.get().reason == "回访群众"


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.wsgi_request._messages]


def test_repeated_accept_from_a_stale_page_is_reported_done_not_refused(staff_client, world):
    case = world.opinion()
    assert staff_client.post(action_url(case, "accept"), {"reason": ""}, follow=True).status_code == 200
    events = CaseEvent.objects.filter(case=case).count()
    # The same button again (double submit, or a colleague's stale page).
    response = staff_client.post(action_url(case, "accept"), {"reason": ""}, follow=True)
    shown = _messages(response)
    assert [level for level, _text in shown] == ["info"]
    assert "已完成" in shown[0][1] and "受理" in shown[0][1]
    assert "不能执行" not in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert CaseEvent.objects.filter(case=case).count() == events
    # Opening the stale button's page says the same.
    response = staff_client.get(action_url(case, "accept"), follow=True)
    assert [level for level, _text in _messages(response)] == ["info"]


def test_repeated_assign_to_the_same_unit_is_done_and_to_another_unit_is_refused(staff_client, world):
    case = case_in_state(world, CaseState.ACCEPTED)
    data = {"lead_unit": world.unit_a.pk, "reason": "请办理"}
    assert staff_client.post(action_url(case, "assign"), data, follow=True).status_code == 200
    response = staff_client.post(action_url(case, "assign"), data, follow=True)
    assert [level for level, _text in _messages(response)] == ["info"]
    # A stale page that chose another unit must not pass as done.
    response = staff_client.post(action_url(case, "assign"), {**data, "lead_unit": world.unit_b.pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.lead_unit == world.unit_a


def test_a_move_the_state_does_not_allow_is_still_refused_in_red(staff_client, world):
    case = case_in_state(world, CaseState.ASSIGNED)
    # Accept targets 已受理, not 已交办: not a repeat, a refusal.
    response = staff_client.post(action_url(case, "accept"), {"reason": ""}, follow=True)
    assert [level for level, _text in _messages(response)] == ["error"]


def test_reassign_form_starts_from_the_current_lead_and_co_units(staff_client, world):
    case = case_in_state(world, CaseState.ASSIGNED)
    actions.case_reassign(
        case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk, co_unit_ids=[world.unit_c.pk], reason="加会办单位"
    )
    response = staff_client.get(action_url(case, "reassign"))
    form = response.context["form"]
    assert form["lead_unit"].value() == world.unit_a.pk
    assert form["co_units"].value() == [world.unit_c.pk]
    page = response.content.decode()
    assert f'<option value="{world.unit_a.pk}" selected>' in page
    assert f'<option value="{world.unit_c.pk}" selected>' in page
    # Submitting with only a reason keeps the lead unit.
    response = staff_client.post(action_url(case, "reassign"), {"lead_unit": world.unit_a.pk, "co_units": [], "reason": "不需会办"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_unit == world.unit_a


def test_case_page_shows_the_tracking_code_grouped_and_buttons_without_bullets(staff_client, world):
    case = world.opinion(title="路灯不亮")
    page = staff_client.get(change_url(case)).content.decode()
    display = case.tracking_code_display
    assert "-" in display
    # Header, breadcrumbs and the 查询码 field read ABCD-EFGH, never the bare code.
    assert page.count(display) >= 3
    assert case.tracking_code not in page.replace(f"/{case.tracking_code}", "")
    assert ".case-actions li { list-style:none" in page


def test_changelist_has_few_columns_and_keeps_the_title_wide(staff_client, world):
    case = case_in_state(world, CaseState.ASSIGNED)
    actions.case_supervise(case_id=case.pk, user=world.staff, level="ordinary", kind="notice", date=dt.date(2025, 1, 3), summary="督办")
    response = staff_client.get(reverse(CHANGELIST), {"queue": "all"})
    display = response.context["cl"].list_display
    # checkbox + six columns fit 1280 px with the nav sidebar open.
    assert len(display) == 7 and "region_col" not in display
    page = response.content.decode()
    assert "td.field-title { min-width:13em; }" in page
    # The status column still names the kind and the supervision.
    assert '已交办<br><span class="case-kind">群众意见</span><br><span class="case-supervised">一般督办</span>' in page


def test_audit_records_cannot_be_added_changed_or_deleted_in_admin(client, world):
    from accounts.models import User
    from proposals.models import CaseEvent, PhoneRevealLog

    root = User.objects.create_superuser("root-audit", password="pw-root-1")
    client.force_login(root)
    case = case_in_state(world, CaseState.ACCEPTED)
    event = CaseEvent.objects.filter(case=case).first()
    for model in (CaseEvent, PhoneRevealLog):
        opts = model._meta
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    change = reverse("admin:proposals_caseevent_change", args=[event.pk])
    assert client.post(change, {"reason": "改写历史"}).status_code == 403
    assert client.post(reverse("admin:proposals_caseevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason != "改写历史"


def test_row_checkbox_is_the_markup_django_renders(world):
    """CaseAdmin writes the action checkbox directly (speed); it must stay
    what Django's widget renders, or bulk actions and their JS break."""
    from django.contrib import admin as django_admin
    from django.contrib.admin import ModelAdmin

    case = world.opinion()
    case_admin = django_admin.site._registry[Case]
    assert str(case_admin.action_checkbox(case)) == str(ModelAdmin.action_checkbox(case_admin, case))


def test_row_links_keep_the_list_filters_as_django_would(staff_client, world):
    """The case list writes the filters into each row's URL once (speed):
    the links must be the ones Django's add_preserved_filters makes, so
    "save" on the case page returns to the same filtered list."""
    import html as html_lib
    import re

    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
    from django.utils.http import urlencode

    case = case_in_state(world, CaseState.ACCEPTED)
    query = {"queue": "all", "region": str(world.station.region.code)}
    page = staff_client.get(reverse(CHANGELIST), query).content.decode()
    links = {html_lib.unescape(h) for h in re.findall(rf'href="([^"]*/proposals/case/{case.pk}/change/[^"]*)"', page)}
    expected = add_preserved_filters(
        {"preserved_filters": urlencode({"_changelist_filters": urlencode(query)}), "opts": Case._meta}, change_url(case)
    )
    assert links == {expected}
    assert "_changelist_filters=" in expected

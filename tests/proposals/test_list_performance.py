"""The admin list and the shared selectors at scale: sorting only by indexed
columns, no redundant scope, search by words (trigram-friendly), counts that
never read the table when the planner says that is expensive, and (on
PostgreSQL) the indexes the filters rely on."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_portal import pagination
from proposals import access
from proposals.admin import text_search_q
from proposals.models import Case, CaseKind, CaseSigner, CaseState, Channel, FollowUpStatus, SignerRole, SignerStatus
from proposals.models.cases import FINAL_STATES
from tests.conftest import require
from tests.factories import DeputyFactory

from .builders import case_in_state

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:proposals_case_changelist"
_codes = (f"T{n:07d}" for n in itertools.count())


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.staff)
    return client


def _listed(client, **params):
    response = client.get(reverse(CHANGELIST), {"queue": "all", **params})
    assert response.status_code == 200
    return [c.pk for c in response.context["cl"].result_list]


def test_a_hand_made_sort_by_an_unindexed_column_keeps_the_default_order(staff_client, world):
    older = world.opinion(title="甲 较早的意见")
    newer = world.opinion(title="乙 较新的意见")
    Case.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - dt.timedelta(days=1))
    response = staff_client.get(reverse(CHANGELIST), {"queue": "all"})
    display = list(response.context["cl"].list_display)
    title_sort = str(display.index("title"))
    # Sorting by title would put 甲 (older) first; the list stays newest first.
    assert _listed(staff_client, o=title_sort) == [newer.pk, older.pk]
    assert _listed(staff_client, o=f"-{title_sort}") == [newer.pk, older.pk]
    # The indexed columns still sort.
    assert _listed(staff_client, o=str(display.index("code_col"))) == [older.pk, newer.pk]
    headers = response.content.decode()
    assert f"o={title_sort}" not in headers


def test_deadline_sort_keeps_cases_without_a_deadline_last_both_ways(staff_client, world):
    early = case_in_state(world, CaseState.ASSIGNED)
    late = case_in_state(world, CaseState.ASSIGNED)
    none = world.opinion()
    Case.objects.filter(pk=early.pk).update(deadline=dt.date(2030, 1, 1))
    Case.objects.filter(pk=late.pk).update(deadline=dt.date(2030, 6, 1))
    assert none.deadline is None
    response = staff_client.get(reverse(CHANGELIST), {"queue": "all"})
    col = str(list(response.context["cl"].list_display).index("deadline_col"))
    assert _listed(staff_client, o=col) == [early.pk, late.pk, none.pk]
    assert _listed(staff_client, o=f"-{col}") == [late.pk, early.pk, none.pk]


def test_filtering_by_ones_own_county_adds_no_second_region_scope(staff_client, world):
    case = world.opinion()
    county = world.regions["taiyuan"]["county"]
    with CaptureQueriesContext(connection) as ctx:
        shown = _listed(staff_client, region=county.code)
    assert shown == [case.pk]
    case_queries = [q["sql"] for q in ctx.captured_queries if 'FROM "proposals_case"' in q["sql"]]
    assert case_queries
    for sql in case_queries:
        assert sql.count('FROM "regions_region" U0') == 1, sql
    # A township of the county still narrows the list (the case is in 鼓楼街道).
    assert _listed(staff_client, region=world.regions["taiyuan"]["township2"].code) == []
    assert _listed(staff_client, region=world.regions["taiyuan"]["township"].code) == [case.pk]


def test_search_words_of_three_characters_ignore_case_shorter_ones_match_as_written(world):
    a = world.opinion(title="Wifi 信号差", content="小区公共区域 WIFI 信号很差。")
    b = world.opinion(title="路灯不亮", content="晚上出行不便。")
    c = world.opinion(title="噪音扰民", content="夜间施工噪音大，路灯也坏了。")
    search = lambda term: set(Case.objects.filter(text_search_q(term)).values_list("pk", flat=True))  # noqa: E731
    assert search("wifi") == {a.pk}  # case-insensitive, title or content
    assert search("路灯") == {b.pk, c.pk}
    assert search("路灯 不便") == {b.pk}  # every word must match
    assert search('"路灯不亮"') == {b.pk}
    q = str(text_search_q("路灯 wifi"))
    # ≥ 3 characters: icontains, UPPER(col) LIKE on PostgreSQL, the indexed expression;
    # shorter: contains, an expression the trigram index does not cover.
    assert "('title__contains', '路灯')" in q and "('content__contains', '路灯')" in q
    assert "('title__icontains', 'wifi')" in q and "('content__icontains', 'wifi')" in q


def test_a_tracking_code_search_is_one_exact_lookup_without_like(staff_client, world):
    case = world.opinion()
    world.opinion()
    with CaptureQueriesContext(connection) as ctx:
        assert _listed(staff_client, q=case.tracking_code_display) == [case.pk]
    case_sql = [q["sql"] for q in ctx.captured_queries if "proposals_case" in q["sql"]]
    assert case_sql and not any("LIKE" in sql and "proposals_case" in sql.split("LIKE")[0][-80:] for sql in case_sql)
    assert all('"proposals_case"."content"' not in sql.split("WHERE", 1)[-1] for sql in case_sql)


def test_deputy_cases_are_responsible_addressed_or_signed_but_not_declined(world):
    responsible = world.opinion(responsible_deputy=world.deputy)
    addressed = world.opinion(addressed_deputy=world.deputy)
    suggestion = world.suggestion()  # the deputy is its lead signer
    invited = world.opinion()
    CaseSigner.objects.create(case=invited, deputy=world.deputy, role=SignerRole.COSIGNER, status=SignerStatus.INVITED)
    declined = world.opinion()
    CaseSigner.objects.create(case=declined, deputy=world.deputy, role=SignerRole.COSIGNER, status=SignerStatus.DECLINED)
    world.opinion(responsible_deputy=DeputyFactory(name="别的代表"))
    mine = set(access.cases_for_deputy(world.deputy_user).values_list("pk", flat=True))
    assert mine == {responsible.pk, addressed.pk, suggestion.pk, invited.pk}
    assert access.cases_for_deputy(world.unit_a_user).count() == 0


def test_unit_cases_are_a_semi_join_without_distinct(world):
    case = case_in_state(world, CaseState.IN_HANDLING)
    sql = str(access.cases_for_unit(world.unit_a_user).query).upper()
    assert "DISTINCT" not in sql and " IN (SELECT" in sql
    assert list(access.cases_for_unit(world.unit_a_user)) == [case]
    assert list(access.cases_for_unit(world.unit_b_user)) == []


# --- PostgreSQL: counts and the indexes behind the filters ------------------------------------


def _pg():
    require(connection.vendor == "postgresql", "EXPLAIN tests need PostgreSQL (DATABASE_URL)")


def test_estimate_is_shown_instead_of_an_expensive_exact_count(world, monkeypatch):
    _pg()
    for _ in range(3):
        world.opinion()
    qs = Case.objects.filter(state=CaseState.SUBMITTED)
    with CaptureQueriesContext(connection) as ctx:
        counted = pagination.count_rows(qs)
    assert counted == pagination.Count(3, True)  # small and cheap: counted exactly
    assert len(ctx.captured_queries) == 1
    # Too expensive by the planner's cost: the estimate, still in one query.
    monkeypatch.setattr(pagination, "EXACT_COUNT_MAX_COST", 0)
    with CaptureQueriesContext(connection) as ctx:
        counted = pagination.count_rows(qs)
    assert len(ctx.captured_queries) == 1 and "portal_count" in ctx.captured_queries[0]["sql"]
    assert counted.exact is False and counted.n >= 0
    # Too many rows by the estimate: the estimate too.
    monkeypatch.setattr(pagination, "EXACT_COUNT_MAX_COST", 10**9)
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 0)
    assert pagination.count_rows(qs).exact is False


def test_count_parameters_are_bound_safely(world):
    """The statement handed to portal_count carries user input (a search
    term) as quoted literals: quotes and backslashes count, they do not break out."""
    _pg()
    world.opinion(title="路灯坏了 ' ; DROP TABLE proposals_case; --")
    world.opinion(title="别的事")
    hostile = "' ; DROP TABLE proposals_case; --"
    assert pagination.count_rows(Case.objects.filter(title__contains=hostile)) == pagination.Count(1, True)
    assert pagination.count_rows(Case.objects.filter(title__contains="\\'")) == pagination.Count(0, True)
    assert pagination.count_rows(Case.objects.none()) == pagination.Count(0, True)
    assert Case.objects.count() == 2


def _bulk_cases(world, n, **fields):
    now = timezone.now()
    rows = [
        Case(
            tracking_code=next(_codes),
            title="历史案件",
            content="已办结的历史案件。",
            channel=fields.get("channel", Channel.KIOSK),
            kind=fields.get("kind", CaseKind.OPINION),
            state=fields.get("state", CaseState.CLOSED),
            follow_up_status=fields.get("follow_up_status", ""),
            deadline=fields.get("deadline"),
            region=world.station.region,
            station=world.station,
            submitted_at=now - dt.timedelta(minutes=i),
        )
        for i in range(n)
    ]
    Case.objects.bulk_create(rows, batch_size=1000)


def _plan(qs) -> str:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_case")
    return qs.explain()


@pytest.fixture
def history(world):
    """A county with a long closed history and a little open work."""
    _pg()
    _bulk_cases(world, 6000)
    _bulk_cases(world, 40, state=CaseState.IN_HANDLING, deadline=dt.date(2020, 1, 1))
    _bulk_cases(world, 30, state=CaseState.CLOSED, kind=CaseKind.SUGGESTION, channel=Channel.DEPUTY)
    _bulk_cases(world, 20, state=CaseState.REPLIED, follow_up_status=FollowUpStatus.FOLLOWING)
    return world


# The case table itself, not proposals_casesigner & co. (a small side table may
# well be scanned: that is the planner's right choice at test size).
SEQ_SCAN_ON_CASES = re.compile(r"Seq Scan on proposals_case\b(?!\w)")


def test_open_queue_and_overdue_filter_read_only_open_cases(history):
    staff = history.staff
    open_list = access.cases_for_staff(staff).exclude(state__in=FINAL_STATES).order_by("-submitted_at", "-id")[:50]
    plan = _plan(open_list)
    assert "case_open_region" in plan or "case_open_submitted" in plan, plan
    overdue = access.cases_for_staff(staff).exclude(state__in=FINAL_STATES).filter(deadline__lt=timezone.localdate())
    plan = _plan(overdue.order_by("-submitted_at", "-id")[:50])
    assert "case_open_region" in plan or "case_open_submitted" in plan or "case_deadline" in plan, plan
    assert not SEQ_SCAN_ON_CASES.search(plan), plan


def test_kind_channel_and_follow_up_filters_use_their_indexes(history):
    staff = history.staff
    base = access.cases_for_staff(staff).order_by("-submitted_at", "-id")
    assert "case_kind" in _plan(base.filter(kind=CaseKind.SUGGESTION)[:50]) or "case_channel" in _plan(
        base.filter(channel=Channel.DEPUTY)[:50]
    )
    assert "case_follow_up" in _plan(base.filter(follow_up_status=FollowUpStatus.FOLLOWING)[:50])


def test_deadline_sort_descending_uses_its_index(history):
    from proposals.admin import NullsLast

    qs = Case.objects.order_by(NullsLast("deadline").desc(), "-id")[:50]
    assert "case_deadline_desc" in _plan(qs)


def test_search_of_a_long_word_can_use_the_trigram_indexes(history):
    # 6,000 short rows are cheaper to scan than to look up: ask whether the
    # index CAN serve the expression Django writes (at 1M rows it is chosen).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = _plan(Case.objects.filter(text_search_q("路灯不亮")).order_by().values("pk"))
    assert "case_title_trgm" in plan and "case_content_trgm" in plan, plan


def test_deputy_cases_are_found_by_index_not_by_reading_the_table(history):
    deputy = history.deputy
    Case.objects.filter(pk__in=Case.objects.order_by("pk").values("pk")[:5]).update(responsible_deputy=deputy)
    plan = _plan(access.cases_for_deputy(history.deputy_user).order_by("-submitted_at", "-id")[:20])
    assert not SEQ_SCAN_ON_CASES.search(plan), plan
    assert "case_responsible_deputy" in plan or "proposals_case_responsible_deputy_id" in plan, plan


def test_a_region_filter_costs_no_extra_query(staff_client, world):
    world.opinion()

    def count(**params):
        with CaptureQueriesContext(connection) as ctx:
            _listed(staff_client, **params)
        return len(ctx.captured_queries)

    count()  # warm the per-process caches (content types)
    assert count(region=world.regions["taiyuan"]["township"].code) == count()


def test_case_page_offers_every_category_once_and_saves_a_change(staff_client, world):
    from proposals.models import Category

    case = world.opinion(title="原标题")
    other = Category.objects.exclude(pk=case.category_id).first()
    page = staff_client.get(reverse("admin:proposals_case_change", args=[case.pk])).content.decode()
    for cat in Category.objects.all():
        assert page.count(f'<option value="{cat.pk}"') == 1
    response = staff_client.post(reverse("admin:proposals_case_change", args=[case.pk]), {"title": "原标题", "category": other.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.category_id == other.pk

"""Pages: who sees what, the deputy's score page, reviews, export and print."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone as real_timezone
from openpyxl import load_workbook

from deputies.models import DutyActivity, DutyKind
from evaluation import views
from evaluation.models import EntryStatus, ManualEntry
from evaluation.services import report_submit
from evaluation.voter_reports import voter_report_schedule
from tests.factories import DeputyFactory, MandateFactory, UserFactory

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def this_year(monkeypatch):
    # Pages default to the current year; the fixtures write YEAR's records.
    monkeypatch.setattr(views.timezone, "localdate", lambda: dt.date(YEAR, 11, 30))


def test_deputy_sees_score_and_what_is_missing(client, world):
    world.duty(world.deputy, DutyKind.STATION_VISIT, 2)
    client.force_login(world.deputy_user)
    page = client.get(reverse("evaluation:my_score")).content.decode()
    assert "王建国代表 2026 年履职积分" in page
    assert "进站履职 2/4 次" in page
    assert "活动0" in page


def test_deputy_page_queries_do_not_grow_with_entries(client, world, django_assert_max_num_queries):
    client.force_login(world.deputy_user)
    url = reverse("evaluation:my_score")
    client.get(url)
    with django_assert_max_num_queries(20) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    world.duty(world.deputy, DutyKind.STATION_VISIT, 30)
    world.duty(world.deputy, DutyKind.TRAINING, 30)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == baseline


def test_pages_refuse_anonymous_non_deputies_and_other_counties(client, world):
    anonymous = [reverse("evaluation:my_score"), reverse("evaluation:staff_ranking")]
    for url in anonymous:
        assert client.get(url).status_code == 302
    client.force_login(UserFactory(username="resident"))
    assert client.get(reverse("evaluation:my_score")).status_code == 403
    assert client.get(reverse("evaluation:staff_ranking")).status_code == 403
    client.force_login(world.other_staff)
    url = reverse("evaluation:staff_deputy", args=[world.table.pk, world.deputy.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("evaluation:staff_deputy_xlsx", args=[world.table.pk, world.deputy.pk])).status_code == 404
    assert "王建国" not in client.get(reverse("evaluation:staff_ranking")).content.decode()
    # A deputy of another congress is not reachable through this table.
    client.force_login(world.staff)
    stranger = DeputyFactory(name="外人")
    assert client.get(reverse("evaluation:staff_deputy", args=[world.table.pk, stranger.pk])).status_code == 404


def test_other_county_cannot_review_a_self_report(client, world):
    entry = report_submit(
        deputy=world.deputy,
        rule_id=world.rule("其他履职（代表自报）").pk,
        date=dt.date(YEAR, 2, 3),
        title="参加社区议事会",
        evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
    )
    client.force_login(world.other_staff)
    assert "参加社区议事会" not in client.get(reverse("evaluation:staff_reports")).content.decode()
    r = client.post(reverse("evaluation:staff_report_review", args=[entry.pk]), {"decision": "approve"})
    assert r.status_code == 404
    client.force_login(world.staff)
    assert "参加社区议事会" in client.get(reverse("evaluation:staff_reports")).content.decode()
    client.post(reverse("evaluation:staff_report_review", args=[entry.pk]), {"decision": "approve"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.reviewed_by == world.staff


def test_self_report_form_keeps_input_and_explains_missing_evidence(client, world):
    client.force_login(world.deputy_user)
    rule = world.rule("其他履职（代表自报）")
    r = client.post(reverse("evaluation:my_report_new"), {"rule": rule.pk, "date": "2026-03-05", "title": "参加社区议事会"})
    page = r.content.decode()
    assert r.status_code == 200
    assert "该项目需上传佐证材料。" in page and "参加社区议事会" in page
    r = client.post(
        reverse("evaluation:my_report_new"),
        {"rule": rule.pk, "date": "2026-03-05", "title": "参加社区议事会", "evidence": SimpleUploadedFile("a.exe", b"MZ")},
    )
    assert "佐证材料须为图片、PDF或Word文件。" in r.content.decode()
    r = client.post(
        reverse("evaluation:my_report_new"),
        {"rule": rule.pk, "date": "2026-03-05", "title": "参加社区议事会", "evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
    )
    assert r.status_code == 302
    assert ManualEntry.objects.get().status == EntryStatus.PENDING
    # A rule of another source is not offered and not accepted.
    r = client.post(reverse("evaluation:my_report_new"), {"rule": world.rule("进站履职").pk, "date": "2026-03-05", "title": "x"})
    assert r.status_code == 200 and ManualEntry.objects.count() == 1


def test_staff_records_a_deduction(client, world):
    client.force_login(world.staff)
    url = reverse("evaluation:staff_deputy", args=[world.table.pk, world.deputy.pk])
    r = client.post(url, {"rule": world.rule("无故缺席会议或活动").pk, "date": "2026-04-01", "title": "无故缺席常委会会议"})
    assert r.status_code == 302
    assert "-5" in client.get(url + "?year=2026").content.decode()


def test_xlsx_export_escapes_formulas(client, world):
    DutyActivity.objects.create(deputy=world.deputy, kind=DutyKind.TRAINING, date=dt.date(YEAR, 5, 1), title='=HYPERLINK("http://x","y")')
    client.force_login(world.deputy_user)
    r = client.get(reverse("evaluation:my_record_xlsx") + "?year=2026")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    titles = [row[2] for row in wb["履职记录"].iter_rows(min_row=2, values_only=True)]
    assert titles == ['\'=HYPERLINK("http://x","y")']
    summary = [row for row in wb["履职积分"].iter_rows(values_only=True) if row[0] == "学习培训"]
    assert summary[0][1] == 1 and summary[0][4] == 3


def test_print_page_has_a_print_stylesheet(client, world):
    client.force_login(world.deputy_user)
    page = client.get(reverse("evaluation:my_record") + "?year=2026").content.decode()
    assert "@media print" in page and "王建国代表 2026 年履职档案" in page


def test_ranking_page_query_count_is_flat(client, world, django_assert_num_queries):
    client.force_login(world.staff)
    url = reverse("evaluation:staff_ranking")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(15):
        MandateFactory(deputy=DeputyFactory(name=f"代表{i}"), congress=world.congress)
    with CaptureQueriesContext(connection) as after:
        assert "代表14" in client.get(url).content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize("url_name", ["evaluation:staff_reports", "evaluation:staff_voter_reports"])
def test_staff_lists_cost_the_same_queries_for_more_rows(client, world, url_name):
    client.force_login(world.staff)
    url = reverse(url_name)

    def add(n):
        for i in range(n):
            report_submit(
                deputy=world.deputy,
                rule_id=world.rule("其他履职（代表自报）").pk,
                date=dt.date(YEAR, 2, 1 + i),
                title=f"自报{i}",
                evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
            )
            voter_report_schedule(deputy=world.others[i % 2], station=world.station, scheduled_at=real_timezone.now(), user=world.staff)

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    add(10)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)

"""Exports: the same cases as the filtered list, in the asker's scope, with
Chinese headers, dates as dates, masked personal data unless revealed with
a reason, and no cell Excel would run as a formula."""

import datetime as dt

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports import services
from exports.models import ExportJob, ExportKind, ExportStatus
from exports.selectors import CASE_COLUMNS
from proposals.models import Case, CaseState
from proposals.services import actions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(job) -> tuple[list, list[list]]:
    job = services.export_run(job_id=job.pk)
    assert job.status == ExportStatus.DONE, job.error
    with job.file.open("rb") as fh:
        sheet = load_workbook(fh, read_only=True).worksheets[0]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return rows[0], rows[1:]


def col(name: str) -> int:
    return [c.header for c in CASE_COLUMNS].index(name)


def test_admin_export_keeps_the_list_filters_and_the_staff_scope(world):
    submitted = world.opinion(title="路灯不亮", resident_name="李建国")
    accepted = world.opinion(title="井盖缺失")
    actions.case_accept(case_id=accepted.pk, user=world.staff)
    world.opinion(station=world.other_station, title="外区案件")
    job = services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES, query="state=submitted&p=3")
    assert job.query == "state=submitted"
    header, rows = run(job)
    assert header == [c.header for c in CASE_COLUMNS]
    assert [r[col("标题")] for r in rows] == ["路灯不亮"]
    row = rows[0]
    assert row[col("查询码")] == submitted.tracking_code_display
    assert row[col("状态")] == "已提出"
    assert isinstance(row[col("提出时间")], dt.datetime)
    assert row[col("联系电话")] == "138****1234"
    assert row[col("群众姓名")] == "李*"
    assert not ExportJob.objects.get(pk=job.pk).reveals_personal_data

    # No filter: the list's default queue (待初审), as the page shows it.
    _header, rows = run(services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES))
    assert [r[col("标题")] for r in rows] == ["路灯不亮"]
    # Every case: the staff member's county only, never the other county's case.
    _header, rows = run(services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES, query="queue=all"))
    assert sorted(r[col("标题")] for r in rows) == ["井盖缺失", "路灯不亮"]
    _header, rows = run(services.export_request(user=world.other_staff, kind=ExportKind.ADMIN_CASES, query="queue=all"))
    assert [r[col("标题")] for r in rows] == ["外区案件"]


def test_search_of_the_admin_list_applies_too(world):
    world.opinion(title="东风路路灯不亮")
    world.opinion(title="小区绿化")
    _header, rows = run(services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES, query="q=%E8%B7%AF%E7%81%AF"))
    assert [r[col("标题")] for r in rows] == ["东风路路灯不亮"]


def test_full_contact_details_need_a_reason_and_are_recorded(world):
    world.opinion(resident_name="李建国", phone="13812345678")
    with pytest.raises(services.ExportError, match=services.MSG_REASON_REQUIRED):
        services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES, reveal=True, reason="  ")
    job = services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES, reveal=True, reason="回访满意度")
    _header, rows = run(job)
    assert rows[0][col("联系电话")] == "13812345678"
    assert rows[0][col("群众姓名")] == "李建国"
    job.refresh_from_db()
    assert job.reveals_personal_data and job.reason == "回访满意度" and job.user == world.staff
    # Units and deputies never export full contact details.
    with pytest.raises(services.ExportError):
        services.export_request(user=world.unit_a_user, kind=ExportKind.UNIT_CASES, reveal=True, reason="x")


def test_a_formula_in_a_title_stays_text(world):
    world.opinion(title='=HYPERLINK("http://evil.example","点我")', content="+1+2")
    job = services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES)
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as fh:
        sheet = load_workbook(fh).worksheets[0]
    cell = sheet.cell(row=2, column=col("标题") + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")
    assert cell.quotePrefix
    assert sheet.cell(row=2, column=col("内容") + 1).data_type == "s"


def test_unit_export_lists_only_the_units_cases(world):
    mine = world.opinion(title="本单位案件")
    actions.case_accept(case_id=mine.pk, user=world.staff)
    actions.case_assign(case_id=mine.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    other = world.opinion(title="别的单位案件")
    actions.case_accept(case_id=other.pk, user=world.staff)
    actions.case_assign(case_id=other.pk, user=world.staff, lead_unit_id=world.unit_b.pk)
    _header, rows = run(services.export_request(user=world.unit_a_user, kind=ExportKind.UNIT_CASES))
    assert [r[col("标题")] for r in rows] == ["本单位案件"]
    assert rows[0][col("联系电话")] == "138****1234"
    assert isinstance(rows[0][col("当前时限")], dt.datetime)  # a date cell (openpyxl reads dates as datetimes)
    # The list's filter applies: closed cases only → none.
    _header, rows = run(services.export_request(user=world.unit_a_user, kind=ExportKind.UNIT_CASES, query="scope=closed"))
    assert rows == []


def test_deputy_export_lists_the_deputys_cases_with_the_filters(world):
    world.opinion(title="代表负责的案件", responsible_deputy=world.deputy)
    closed = world.opinion(title="已驳回的案件", responsible_deputy=world.deputy)
    actions.case_reject(case_id=closed.pk, user=world.staff, reason="广告")
    world.opinion(title="别人的案件")
    _header, rows = run(services.export_request(user=world.deputy_user, kind=ExportKind.DEPUTY_CASES))
    assert sorted(r[col("标题")] for r in rows) == ["代表负责的案件", "已驳回的案件"]
    _header, rows = run(services.export_request(user=world.deputy_user, kind=ExportKind.DEPUTY_CASES, query=f"state={CaseState.REJECTED}"))
    assert [r[col("标题")] for r in rows] == ["已驳回的案件"]


def test_who_may_export_what(world):
    nobody = UserFactory(username="nobody")
    for user, kind in (
        (nobody, ExportKind.ADMIN_CASES),
        (nobody, ExportKind.UNIT_CASES),
        (nobody, ExportKind.DEPUTY_CASES),
        (world.unit_a_user, ExportKind.ADMIN_CASES),
        (world.deputy_user, ExportKind.UNIT_CASES),
        (world.staff, "everything"),
    ):
        with pytest.raises(services.ExportError):
            services.export_request(user=user, kind=kind)


def test_running_export_twice_writes_once(world):
    world.opinion()
    job = services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES)
    assert services.export_run(job_id=job.pk) is not None
    assert services.export_run(job_id=job.pk) is None


def test_bad_filters_end_the_job_with_a_message(world):
    job = services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES, query="no_such_field__gt=1")
    job = services.export_run(job_id=job.pk)
    assert job.status == ExportStatus.FAILED
    assert "筛选条件无效" in job.error


def test_export_pages_flow_and_are_private(world, client):
    world.opinion(title="路灯不亮")
    client.force_login(world.staff)
    page = client.get(reverse("exports:new", args=["admin_cases"]), {"state": "submitted"})
    assert page.status_code == 200
    assert 'value="state=submitted"' in page.content.decode()
    response = client.post(reverse("exports:new", args=["admin_cases"]), {"query": "state=submitted", "reveal": "on", "reason": ""})
    assert response.status_code == 200
    assert services.MSG_REASON_REQUIRED in response.content.decode()
    response = client.post(reverse("exports:new", args=["admin_cases"]), {"query": "state=submitted"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:job", args=[job.pk])
    status = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert status["status"] == "pending" and status["download_url"] == ""
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    services.export_run(job_id=job.pk)
    status = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert reverse("exports:download", args=[job.pk]) in client.get(reverse("exports:job", args=[job.pk])).content.decode()
    # Somebody else's job is a 404, whatever the page.
    client.force_login(world.other_staff)
    for name in ("job", "job_status", "download"):
        assert client.get(reverse(f"exports:{name}", args=[job.pk])).status_code == 404
    client.force_login(world.unit_a_user)
    assert client.get(reverse("exports:new", args=["admin_cases"])).status_code == 404
    client.logout()
    assert client.get(reverse("exports:new", args=["admin_cases"])).status_code == 302


def test_admin_case_list_links_to_the_export_with_its_filters(world, client):
    client.force_login(world.staff)
    page = client.get(reverse("admin:proposals_case_changelist"), {"state": "submitted"})
    assert reverse("exports:new", args=["admin_cases"]) + "?state=submitted" in page.content.decode()


def test_too_many_running_exports_are_refused(world):
    for _ in range(services.MAX_RUNNING_PER_USER):
        services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES)
    with pytest.raises(services.ExportError):
        services.export_request(user=world.staff, kind=ExportKind.ADMIN_CASES)
    assert Case.objects.count() == 0

"""Reports to voters: draft, meeting record, and the voters' secret rating."""

import datetime as dt
import logging
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from deputies.models import DutyKind
from evaluation import views
from evaluation.models import Rating, ReportStatus, ReportTally, ReportVoter
from evaluation.voter_reports import (
    MSG_ALREADY_VOTED,
    MSG_BAD_CODE,
    MSG_NOT_OPEN,
    VoterReportError,
    ballot_cast,
    ballot_code_send,
    results,
    voter_report_close,
    voter_report_open_voting,
    voter_report_schedule,
    voter_report_update,
)
from notifications.channels import sms

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_sms(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.sms.LocmemSMSBackend"
    settings.PHONE_CODE = {"INTERVAL_SECONDS": 0}  # a second code to one number at once (limits: tests/notifications)
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def report(world):
    world.duty(world.deputy, DutyKind.STATION_VISIT, 3)
    when = timezone.make_aware(dt.datetime(YEAR, 12, 1, 9, 30))
    return voter_report_schedule(deputy=world.deputy, station=world.station, scheduled_at=when, user=world.staff)


def vote(capture, report, phone, rating, ip="10.1.1.1"):
    with capture(execute=True):
        ballot_code_send(report=report, phone=phone, request_ip=ip)
    code = re.search(r"验证码(\d{6})", sms.outbox[-1]["text"]).group(1)
    ballot_cast(report_id=report.pk, phone=phone, code=code, rating=rating)


def test_draft_is_written_from_the_years_record(report):
    assert "王建国代表2026年度履职情况报告" in report.report_text
    assert "进站履职：3次" in report.report_text


def test_one_vote_per_verified_phone(report, django_capture_on_commit_callbacks):
    with pytest.raises(VoterReportError, match=MSG_NOT_OPEN):
        ballot_code_send(report=report, phone="13900000001", request_ip="10.1.1.1")
    voter_report_open_voting(report_id=report.pk)
    report.refresh_from_db()
    vote(django_capture_on_commit_callbacks, report, "13900000001", Rating.SATISFIED)
    with pytest.raises(VoterReportError, match=MSG_BAD_CODE):
        ballot_cast(report_id=report.pk, phone="13900000002", code="000000", rating=Rating.BASIC)
    with pytest.raises(VoterReportError, match=MSG_ALREADY_VOTED):
        vote(django_capture_on_commit_callbacks, report, "+86 139 0000 0001", Rating.UNSATISFIED, ip="10.1.1.2")
    assert dict(ReportTally.objects.values_list("rating", "count")) == {"satisfied": 1, "basic": 0, "unsatisfied": 0}


def test_results_add_paper_ballots_and_count_basic_as_satisfied(report, django_capture_on_commit_callbacks):
    voter_report_open_voting(report_id=report.pk)
    report.refresh_from_db()
    vote(django_capture_on_commit_callbacks, report, "13900000001", Rating.UNSATISFIED)
    voter_report_update(
        report_id=report.pk,
        report_text="修改后的述职报告",
        held_at=report.scheduled_at,
        attendance=40,
        minutes="选民提问3个",
        paper={Rating.SATISFIED: 30, Rating.BASIC: 5, Rating.UNSATISFIED: 4},
    )
    voter_report_close(report_id=report.pk)
    report.refresh_from_db()
    res = results(report)
    assert res["total"] == 40
    assert res["rate"] == 87.5
    with pytest.raises(VoterReportError):
        voter_report_update(report_id=report.pk, report_text="x")
    with pytest.raises(VoterReportError, match=MSG_NOT_OPEN):
        ballot_cast(report_id=report.pk, phone="13900000009", code="123456", rating=Rating.BASIC)


def test_ballots_cannot_be_linked_to_voters_from_the_database(report, django_capture_on_commit_callbacks, caplog):
    from tests.conftest import require

    require(connection.vendor == "postgresql", "the secrecy check reads PostgreSQL's catalog and row versions (xmin)")
    caplog.set_level(logging.DEBUG)
    voter_report_open_voting(report_id=report.pk)
    report.refresh_from_db()
    choices = [Rating.SATISFIED, Rating.UNSATISFIED, Rating.BASIC, Rating.SATISFIED]
    for i, rating in enumerate(choices):
        vote(django_capture_on_commit_callbacks, report, f"1390000000{i}", rating)
    with connection.cursor() as cursor:
        # The two tables share no column but the report, and neither has a time.
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_name IN ('evaluation_reportvoter', 'evaluation_reporttally')"
        )
        columns = cursor.fetchall()
        register = {c for t, c, _d in columns if t == "evaluation_reportvoter"}
        box = {c for t, c, _d in columns if t == "evaluation_reporttally"}
        # (Both have a key named "id": the register's is a random UUID, the
        # box's three counters were numbered when voting opened, before any vote.)
        assert register & box == {"id", "report_id"}
        assert not [c for c in columns if "time" in c[2] or "date" in c[2]]
        # The register's keys are random UUIDs, not a sequence that gives the order of votes.
        assert {d for t, c, d in columns if t == "evaluation_reportvoter" and c == "id"} == {"uuid"}
        # The ballot box keeps counters, not one row per vote, and the last vote
        # gave every counter a new version: row versions tell nothing either.
        cursor.execute("SELECT rating, count, xmin::text FROM evaluation_reporttally WHERE report_id = %s", [report.pk])
        rows = cursor.fetchall()
        assert len(rows) == 3
        assert len({xmin for _r, _c, xmin in rows}) == 1
        assert {r: c for r, c, _x in rows} == {"satisfied": 2, "basic": 1, "unsatisfied": 1}
        cursor.execute("SELECT phone_digest FROM evaluation_reportvoter WHERE report_id = %s", [report.pk])
        digests = [row[0] for row in cursor.fetchall()]
    assert len(digests) == 4 and not any("1390000000" in d for d in digests)
    assert ReportVoter.objects.filter(report=report).count() == 4
    # Nothing logged names a rating next to a voter.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "1390000000" not in logged
    assert not re.search(r"satisfied|basic|满意", logged)


def test_phone_ballot_page(client, world, report, locmem_sms, django_capture_on_commit_callbacks):
    url = reverse("evaluation:ballot", args=[report.ballot_token])
    assert "本次述职测评未开放或已结束。" in client.get(url).content.decode()
    voter_report_open_voting(report_id=report.pk)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"action": "send", "phone": "13900000001"})
    assert "验证码已发送" in r.content.decode()
    code = re.search(r"验证码(\d{6})", locmem_sms[-1]["text"]).group(1)
    r = client.post(url, {"action": "vote", "phone": "13900000001", "code": "000000" if code != "000000" else "111111", "rating": "basic"})
    assert MSG_BAD_CODE in r.content.decode()
    assert 'value="13900000001"' in r.content.decode()  # what the voter typed is kept
    r = client.post(url, {"action": "vote", "phone": "13900000001", "code": code, "rating": "basic"})
    assert "测评已提交" in r.content.decode()
    assert r["Cache-Control"] == "no-store"


def test_staff_of_another_county_cannot_open_the_report(client, world, report):
    client.force_login(world.other_staff)
    assert client.get(reverse("evaluation:staff_voter_report", args=[report.pk])).status_code == 404
    assert world.deputy.name not in client.get(reverse("evaluation:staff_voter_reports")).content.decode()
    client.force_login(world.staff)
    page = client.get(reverse("evaluation:staff_voter_report", args=[report.pk])).content.decode()
    assert "王建国代表 2026 年述职" in page
    client.post(reverse("evaluation:staff_voter_report", args=[report.pk]), {"action": "open"})
    report.refresh_from_db()
    assert report.status == ReportStatus.VOTING
    assert "<svg" in client.get(reverse("evaluation:staff_voter_report", args=[report.pk])).content.decode()


def test_deputy_sees_results_once_closed(client, world, report, monkeypatch):
    monkeypatch.setattr(views.timezone, "localdate", lambda: dt.date(YEAR, 12, 5))
    voter_report_update(report_id=report.pk, report_text="x", attendance=10, paper={Rating.SATISFIED: 9, Rating.UNSATISFIED: 1})
    client.force_login(world.deputy_user)
    assert "满意率" not in client.get(reverse("evaluation:my_score")).content.decode()
    voter_report_close(report_id=report.pk)
    page = client.get(reverse("evaluation:my_score")).content.decode()
    assert "满意率" in page and "90.0%" in page

"""seed_demo's evaluation part: scores that differ, a report meeting open for
rating, a pending self-report; twice changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from deputies.models import DutyActivity
from evaluation.models import EntryStatus, ManualEntry, PointsTable, ReportStatus, ReportTally, VoterReport
from evaluation.selectors import ranking

pytestmark = pytest.mark.django_db

MODELS = (PointsTable, DutyActivity, ManualEntry, VoterReport, ReportTally)


def test_seed_demo_gives_scores_a_report_meeting_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = {m.__name__: m.objects.count() for m in MODELS}
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert {m.__name__: m.objects.count() for m in MODELS} == first

    table = PointsTable.objects.get(congress__name="太原市杏花岭区第十七届人民代表大会")
    scores = {s.deputy.name: s for s in ranking(table=table, year=timezone.localdate().year)}
    assert scores["闫俊武"].total > scores["任志刚"].total
    assert len({s.grade for s in scores.values()}) >= 2
    assert any(r.missing for r in scores["任志刚"].rules)
    report = VoterReport.objects.get(deputy__name="闫俊武")
    assert report.status == ReportStatus.VOTING and report.ballot_token
    assert ManualEntry.objects.filter(status=EntryStatus.PENDING, deputy__name="闫俊武").exists()

"""Points rules: automatic entries, caps, evidence, approval, deductions, grades."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deputies.models import DutyKind
from evaluation.models import EntryStatus, ManualEntry, PointsTable
from evaluation.selectors import deputy_score, ranking
from evaluation.services import (
    MSG_ALREADY_REVIEWED,
    MSG_EVIDENCE_REQUIRED,
    MSG_NOT_SELF_REPORT,
    MSG_REASON_REQUIRED,
    EvaluationError,
    deduction_add,
    points_table_create_default,
    report_review,
    report_submit,
)
from proposals.models import Case, CaseKind, CaseSigner, CaseState, SignerRole, SignerStatus
from stations.models import ReceptionDay
from tests.factories import DeputyFactory, DeputyGroupFactory, MandateFactory, make_case

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def points(world, deputy=None, year=YEAR):
    score = deputy_score(deputy=deputy or world.deputy, table=world.table, year=year)
    return score, {r.rule.name: r for r in score.rules}


def evidence():
    return SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", content_type="image/jpeg")


def test_default_table_is_created_once_with_documented_rules(world):
    assert points_table_create_default(congress=world.congress) == world.table
    assert PointsTable.objects.count() == 1
    visit = world.rule("进站履职")
    assert (visit.points, visit.yearly_cap, visit.required_count) == (Decimal(5), Decimal(30), 4)
    assert world.rule("无故缺席会议或活动").points < 0


def test_station_visits_count_duty_records_and_recorded_reception_days(world):
    world.duty(world.deputy, DutyKind.STATION_VISIT, 1)
    recorded = ReceptionDay.objects.create(station=world.station, date=dt.date(YEAR, 4, 10), recorded_at=timezone.now())
    recorded.deputies.add(world.deputy)
    # Scheduled but not yet recorded: not counted.
    planned = ReceptionDay.objects.create(station=world.station, date=dt.date(YEAR, 5, 10))
    planned.deputies.add(world.deputy)
    # Another year: not counted.
    world.duty(world.deputy, DutyKind.STATION_VISIT, 1, day=dt.date(YEAR - 1, 12, 31))
    score, by = points(world)
    assert by["进站履职"].count == 2
    assert by["进站履职"].points == Decimal(10)
    assert by["进站履职"].missing == 2
    assert [r.rule.name for r in score.missing] == ["参加人代会及常委会", "进站履职", "学习培训", "领衔提出代表建议"]


def test_yearly_cap_bounds_a_rule(world):
    world.duty(world.deputy, DutyKind.VOTER_VISIT, 8)  # 8 × 2 = 16, cap 10
    _score, by = points(world)
    assert by["走访选民"].raw == Decimal(16)
    assert by["走访选民"].points == Decimal(10)
    assert by["走访选民"].capped


def test_suggestions_count_for_lead_and_accepted_cosigners_only(world):
    other, declined = world.others
    case = make_case(station=world.station, kind=CaseKind.SUGGESTION, title="关于增设社区养老服务站的建议", phone="")
    CaseSigner.objects.create(case=case, deputy=world.deputy, role=SignerRole.LEAD, status=SignerStatus.ACCEPTED)
    CaseSigner.objects.create(case=case, deputy=other, role=SignerRole.COSIGNER, status=SignerStatus.ACCEPTED)
    CaseSigner.objects.create(case=case, deputy=declined, role=SignerRole.COSIGNER, status=SignerStatus.DECLINED)
    rejected = make_case(station=world.station, kind=CaseKind.SUGGESTION, title="被退回的建议", phone="")
    Case.objects.filter(pk=rejected.pk).update(state=CaseState.REJECTED)
    CaseSigner.objects.create(case=rejected, deputy=world.deputy, role=SignerRole.LEAD, status=SignerStatus.ACCEPTED)
    assert points(world)[1]["领衔提出代表建议"].count == 1
    assert points(world, other)[1]["附议代表建议"].points == Decimal(1)
    assert points(world, declined)[1]["附议代表建议"].count == 0


def test_closed_opinions_followed_by_the_responsible_deputy(world):
    case = make_case(station=world.station, responsible_deputy=world.deputy)
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED, closed_at=timezone.make_aware(dt.datetime(YEAR, 6, 1, 10)))
    open_case = make_case(station=world.station, responsible_deputy=world.deputy)
    assert open_case.state != CaseState.CLOSED
    assert points(world)[1]["跟踪群众意见至办结"].points == Decimal(2)


def test_self_report_needs_evidence_and_counts_only_when_approved(world):
    rule = world.rule("其他履职（代表自报）")
    with pytest.raises(EvaluationError, match=MSG_EVIDENCE_REQUIRED):
        report_submit(deputy=world.deputy, rule_id=rule.pk, date=dt.date(YEAR, 2, 3), title="参加社区议事会", user=world.deputy_user)
    entry = report_submit(
        deputy=world.deputy, rule_id=rule.pk, date=dt.date(YEAR, 2, 3), title="参加社区议事会", evidence=evidence(), user=world.deputy_user
    )
    assert entry.status == EntryStatus.PENDING
    assert points(world)[1][rule.name].count == 0
    report_review(entry_id=entry.pk, user=world.staff, approve=True)
    assert points(world)[1][rule.name].points == Decimal(2)
    with pytest.raises(EvaluationError, match=MSG_ALREADY_REVIEWED):
        report_review(entry_id=entry.pk, user=world.staff, approve=False, reason="重复")


def test_returned_self_report_needs_a_reason_and_does_not_count(world):
    rule = world.rule("其他履职（代表自报）")
    entry = report_submit(deputy=world.deputy, rule_id=rule.pk, date=dt.date(YEAR, 2, 3), title="走访企业", evidence=evidence())
    with pytest.raises(EvaluationError, match=MSG_REASON_REQUIRED):
        report_review(entry_id=entry.pk, user=world.staff, approve=False, reason="  ")
    report_review(entry_id=entry.pk, user=world.staff, approve=False, reason="佐证材料与事项不符")
    entry.refresh_from_db()
    assert (entry.status, entry.return_reason) == (EntryStatus.RETURNED, "佐证材料与事项不符")
    assert points(world)[1][rule.name].count == 0


def test_automatic_rules_do_not_accept_self_reports(world):
    with pytest.raises(EvaluationError, match=MSG_NOT_SELF_REPORT):
        report_submit(deputy=world.deputy, rule_id=world.rule("进站履职").pk, date=dt.date(YEAR, 2, 3), title="x", evidence=evidence())


def test_deductions_subtract_up_to_their_cap(world):
    rule = world.rule("无故缺席会议或活动")
    world.duty(world.deputy, DutyKind.CONGRESS, 2)  # +20
    for i in range(5):  # 5 × -5 = -25, cap 20
        deduction_add(deputy=world.deputy, rule_id=rule.pk, date=dt.date(YEAR, 3, 1 + i), title="无故缺席常委会会议", user=world.staff)
    score, by = points(world)
    assert by[rule.name].raw == Decimal(-25)
    assert by[rule.name].points == Decimal(-20)
    assert score.total == Decimal(0)
    assert ManualEntry.objects.filter(status=EntryStatus.APPROVED).count() == 5


def test_grade_bands_are_configurable(world):
    world.duty(world.deputy, DutyKind.CONGRESS, 2)  # 20
    world.duty(world.deputy, DutyKind.STATION_VISIT, 6)  # 30
    world.duty(world.deputy, DutyKind.VOTER_VISIT, 5)  # 10
    score, _by = points(world)
    assert score.total == Decimal(60)
    assert score.grade == "称职"
    world.table.competent_from = Decimal(61)
    world.table.excellent_from = Decimal(60)
    assert deputy_score(deputy=world.deputy, table=world.table, year=YEAR).grade == "优秀"
    world.table.excellent_from = Decimal(70)
    assert deputy_score(deputy=world.deputy, table=world.table, year=YEAR).grade == "基本称职"


def test_ranking_orders_by_total_then_name_and_filters_by_group(world):
    world.duty(world.others[1], DutyKind.STATION_VISIT, 2)
    world.duty(world.deputy, DutyKind.STATION_VISIT, 1)
    scores = ranking(table=world.table, year=YEAR)
    assert [s.deputy.name for s in scores] == ["张伟", "王建国", "李秀英"]
    group = DeputyGroupFactory(region=world.regions["township"], congress=world.congress)
    group.members.add(world.deputy)
    assert [s.deputy.name for s in ranking(table=world.table, year=YEAR, group_id=group.pk)] == ["王建国"]


def test_ranking_costs_the_same_queries_for_more_deputies(world, django_assert_num_queries):
    with django_assert_num_queries(7):
        ranking(table=world.table, year=YEAR)
    for i in range(20):
        d = DeputyFactory(name=f"代表{i}")
        MandateFactory(deputy=d, congress=world.congress)
        world.duty(d, DutyKind.TRAINING, 1)
    with django_assert_num_queries(7):
        assert len(ranking(table=world.table, year=YEAR)) == 23

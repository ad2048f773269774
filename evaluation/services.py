"""Writes of the duty evaluation: points tables, self-reports, reviews, deductions."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deputies.models import DutyKind

from .models import EntryStatus, ManualEntry, PointsRule, PointsTable, Source

MSG_EVIDENCE_REQUIRED = gettext_noop("该项目需上传佐证材料。")
MSG_NOT_SELF_REPORT = gettext_noop("该项目不接受代表自报。")
MSG_NOT_DEDUCTION = gettext_noop("该项目不是扣分项目。")
MSG_REASON_REQUIRED = gettext_noop("退回时请填写理由。")
MSG_ALREADY_REVIEWED = gettext_noop("该条目已审核，不能重复审核。")
MSG_FUTURE_DATE = gettext_noop("日期不能晚于今天。")


class EvaluationError(Exception):
    pass


# The default points table. Sources: the Deputies Law and the seed articles
# (/work/shared/seeds): every deputy enters a station at least 4 times a year
# (Taiyuan, Huishan); the duty file lists congress attendance, station visits
# and receptions, voter visits, inspections, training, group activities,
# suggestions and reports to voters (一人一档, Shenyang); Guangdong's
# 两优一示范 values suggestions and their handling. Values are this
# portal's defaults, to be set by each congress (README "Duty evaluation").
# (name, source, duty kind, points, yearly cap, required count, evidence)
DEFAULT_RULES = [
    ("参加人代会及常委会", Source.DUTY, DutyKind.CONGRESS, "10", "20", 1, False),
    ("进站履职", Source.STATION, "", "5", "30", 4, False),
    ("走访选民", Source.DUTY, DutyKind.VOTER_VISIT, "2", "10", 0, False),
    ("视察调研与执法检查", Source.DUTY, DutyKind.INSPECTION, "3", "9", 0, False),
    ("学习培训", Source.DUTY, DutyKind.TRAINING, "3", "6", 1, False),
    ("代表小组活动", Source.DUTY, DutyKind.GROUP_ACTIVITY, "2", "8", 0, False),
    ("领衔提出代表建议", Source.SUGGESTION_LEAD, "", "5", "15", 1, False),
    ("附议代表建议", Source.SUGGESTION_COSIGN, "", "1", "5", 0, False),
    ("跟踪群众意见至办结", Source.CASE_CLOSED, "", "2", "10", 0, False),
    ("向选民述职", Source.DUTY, DutyKind.REPORT, "5", "5", 0, False),
    ("其他履职（代表自报）", Source.REPORT, "", "2", "10", 0, True),
    ("无故缺席会议或活动", Source.DEDUCTION, "", "-5", "20", 0, False),
]


@transaction.atomic
def points_table_create_default(*, congress) -> PointsTable:
    """The congress's table with the default rules (idempotent)."""
    table, created = PointsTable.objects.get_or_create(congress=congress)
    if created:
        points_rules_add_defaults(table=table)
    return table


@transaction.atomic
def points_rules_add_defaults(*, table: PointsTable) -> None:
    """Give a table without rules the default rules."""
    if not table.rules.exists():
        PointsRule.objects.bulk_create(
            [
                PointsRule(
                    table=table,
                    name=name,
                    source=source,
                    duty_kind=kind,
                    points=Decimal(points),
                    yearly_cap=Decimal(cap) if cap else None,
                    required_count=required,
                    evidence_required=evidence,
                    order=i,
                )
                for i, (name, source, kind, points, cap, required, evidence) in enumerate(DEFAULT_RULES)
            ]
        )


def _check_date(date: dt.date) -> None:
    if date > timezone.localdate():
        raise EvaluationError(_(MSG_FUTURE_DATE))


@transaction.atomic
def report_submit(*, deputy, rule_id: int, date: dt.date, title: str, description: str = "", evidence=None, user=None) -> ManualEntry:
    """A deputy's self-report; it counts once staff approve it."""
    rule = PointsRule.objects.select_related("table").get(pk=rule_id)
    if rule.source != Source.REPORT:
        raise EvaluationError(_(MSG_NOT_SELF_REPORT))
    if rule.evidence_required and not evidence:
        raise EvaluationError(_(MSG_EVIDENCE_REQUIRED))
    _check_date(date)
    entry = ManualEntry(
        rule=rule,
        deputy=deputy,
        year=date.year,
        date=date,
        title=title.strip(),
        description=description.strip(),
        created_by=user,
        created_at=timezone.now(),
    )
    if evidence:
        entry.evidence = evidence
    entry.save()
    return entry


@transaction.atomic
def report_review(*, entry_id: int, user, approve: bool, reason: str = "") -> ManualEntry:
    entry = ManualEntry.objects.select_for_update().get(pk=entry_id)
    if entry.status != EntryStatus.PENDING:
        raise EvaluationError(_(MSG_ALREADY_REVIEWED))
    if not approve and not reason.strip():
        raise EvaluationError(_(MSG_REASON_REQUIRED))
    entry.status = EntryStatus.APPROVED if approve else EntryStatus.RETURNED
    entry.return_reason = "" if approve else reason.strip()[:300]
    entry.reviewed_by = user
    entry.reviewed_at = timezone.now()
    entry.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at"])
    return entry


@transaction.atomic
def deduction_add(*, deputy, rule_id: int, date: dt.date, title: str, description: str = "", user) -> ManualEntry:
    """A deduction entered by staff counts at once (the staff member is the reviewer)."""
    rule = PointsRule.objects.get(pk=rule_id)
    if rule.source != Source.DEDUCTION:
        raise EvaluationError(_(MSG_NOT_DEDUCTION))
    _check_date(date)
    now = timezone.now()
    return ManualEntry.objects.create(
        rule=rule,
        deputy=deputy,
        year=date.year,
        date=date,
        title=title.strip(),
        description=description.strip(),
        status=EntryStatus.APPROVED,
        created_by=user,
        created_at=now,
        reviewed_by=user,
        reviewed_at=now,
    )

"""Reports to voters (代表述职): schedule, draft, meeting record, and the
voters' secret rating (满意 / 基本满意 / 不满意), by paper or by QR code
with one vote per verified phone.

Secrecy (README "Secret ballots"): the register ``ReportVoter`` holds who
has voted (a digest of the phone number scoped to the report, random UUID
key, no time); the ballot box ``ReportTally`` holds three counters. A vote
inserts one register row and updates all three counters in one statement,
so neither a key, an order, a time, nor a row version links a voter to a
rating. Nothing about the rating is logged.
"""

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from notifications.phone_verification import phone_code_send, phone_code_verify, phone_digest

from . import selectors
from .models import Rating, ReportStatus, ReportTally, ReportVoter, VoterReport

MSG_NOT_OPEN = gettext_noop("本次述职测评未开放或已结束。")
MSG_BAD_CODE = gettext_noop("验证码不正确或已过期，请重新获取。")
MSG_ALREADY_VOTED = gettext_noop("该手机号已参加过本次测评，每个手机号只能测评一次。")
MSG_BAD_RATING = gettext_noop("请选择测评意见。")
MSG_CLOSED = gettext_noop("述职测评已结束，不能再修改。")


class VoterReportError(Exception):
    pass


def purpose(report_id: int) -> str:
    return f"voter_report:{report_id}"


def report_draft(*, deputy, year: int) -> str:
    """A first draft from the year's record; the deputy or staff edit it."""
    tables = selectors.deputy_tables(deputy, year)
    entries = selectors.deputy_entries(deputy=deputy, year=year)
    lines = [f"{deputy.name}代表{year}年度履职情况报告", "", "一、履职基本情况"]
    for table in tables:
        score = selectors.deputy_score(deputy=deputy, table=table, year=year)
        for r in score.rules:
            if r.count:
                lines.append(f"{r.rule.name}：{r.count}次")
    lines += ["", "二、主要履职事项"]
    for d in entries["duties"][:20]:
        lines.append(f"{d.date:%m月%d日} {d.get_kind_display()}：{d.title}")
    for r in entries["receptions"][:20]:
        lines.append(f"{r.date:%m月%d日} 在{r.station.name}接待选民{f'：{r.topic}' if r.topic else ''}")
    for s in entries["suggestions"][:20]:
        lines.append(f"{s.get_role_display()}：{s.case.title}")
    if entries["closed_cases"]:
        lines.append(f"跟踪群众意见至办结{len(entries['closed_cases'])}件")
    lines += ["", "三、存在的不足和今后努力方向", ""]
    return "\n".join(lines)


@transaction.atomic
def voter_report_schedule(*, deputy, station, scheduled_at, user=None) -> VoterReport:
    year = timezone.localtime(scheduled_at).year
    return VoterReport.objects.create(
        deputy=deputy,
        station=station,
        year=year,
        scheduled_at=scheduled_at,
        report_text=report_draft(deputy=deputy, year=year),
        ballot_token=uuid.uuid4().hex,
        created_by=user,
        created_at=timezone.now(),
    )


def _locked(report_id: int) -> VoterReport:
    report = VoterReport.objects.select_for_update().get(pk=report_id)
    if report.status == ReportStatus.CLOSED:
        raise VoterReportError(_(MSG_CLOSED))
    return report


@transaction.atomic
def voter_report_update(*, report_id: int, report_text: str, held_at=None, attendance=None, minutes: str = "", paper=None) -> VoterReport:
    """Edit the report and record the meeting (paper ballot totals included)."""
    report = _locked(report_id)
    report.report_text = report_text
    report.held_at = held_at
    report.attendance = attendance
    report.minutes = minutes
    paper = paper or {}
    report.paper_satisfied = paper.get(Rating.SATISFIED, 0)
    report.paper_basic = paper.get(Rating.BASIC, 0)
    report.paper_unsatisfied = paper.get(Rating.UNSATISFIED, 0)
    report.save(update_fields=["report_text", "held_at", "attendance", "minutes", "paper_satisfied", "paper_basic", "paper_unsatisfied"])
    return report


@transaction.atomic
def voter_report_open_voting(*, report_id: int) -> VoterReport:
    report = _locked(report_id)
    ReportTally.objects.bulk_create([ReportTally(report=report, rating=r) for r in Rating.values], ignore_conflicts=True)
    report.status = ReportStatus.VOTING
    report.save(update_fields=["status"])
    return report


@transaction.atomic
def voter_report_close(*, report_id: int) -> VoterReport:
    report = _locked(report_id)
    report.status = ReportStatus.CLOSED
    report.save(update_fields=["status"])
    return report


def ballot_code_send(*, report: VoterReport, phone: str, request_ip: str):
    if report.status != ReportStatus.VOTING:
        raise VoterReportError(_(MSG_NOT_OPEN))
    return phone_code_send(phone=phone, purpose=purpose(report.pk), request_ip=request_ip, purpose_label=_("代表述职测评"))


def ballot_cast(*, report_id: int, phone: str, code: str, rating: str) -> None:
    """One vote per verified phone. Raises ``VoterReportError``."""
    if rating not in Rating.values:
        raise VoterReportError(_(MSG_BAD_RATING))
    if not VoterReport.objects.filter(pk=report_id, status=ReportStatus.VOTING).exists():
        raise VoterReportError(_(MSG_NOT_OPEN))
    if not phone_code_verify(phone=phone, purpose=purpose(report_id), code=code):
        raise VoterReportError(_(MSG_BAD_CODE))
    digest = phone_digest(phone, scope=purpose(report_id))
    try:
        with transaction.atomic():
            # Lock the report against a concurrent close.
            if not VoterReport.objects.select_for_update().filter(pk=report_id, status=ReportStatus.VOTING).exists():
                raise VoterReportError(_(MSG_NOT_OPEN))
            ReportVoter.objects.create(id=uuid.uuid4(), report_id=report_id, phone_digest=digest)
            # All three counters in one statement: every row gets a new version.
            ReportTally.objects.filter(report_id=report_id).update(
                count=F("count") + Case(When(rating=rating, then=Value(1)), default=Value(0))
            )
    except IntegrityError as exc:
        raise VoterReportError(_(MSG_ALREADY_VOTED)) from exc


def results(report: VoterReport) -> dict:
    """Counts by rating (phone + paper) and the satisfaction rate (满意 + 基本满意)."""
    online = dict(ReportTally.objects.filter(report=report).values_list("rating", "count"))
    paper = {Rating.SATISFIED: report.paper_satisfied, Rating.BASIC: report.paper_basic, Rating.UNSATISFIED: report.paper_unsatisfied}
    rows = [(Rating(r).label, online.get(r, 0), paper[r], online.get(r, 0) + paper[r]) for r in Rating.values]
    total = sum(row[3] for row in rows)
    satisfied = rows[0][3] + rows[1][3]
    return {"rows": rows, "total": total, "rate": round(100 * satisfied / total, 1) if total else None}

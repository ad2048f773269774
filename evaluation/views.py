"""Pages of the duty evaluation: the deputy's score and self-reports
(/evaluation/me/…) and the staff's rankings and reviews (/evaluation/staff/…)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress_portal.qr import absolute_url, qr_svg_inline
from deputies.models import Deputy, DeputyGroup, Tier
from notifications.phone_verification import PhoneCodeRefused
from regions.scoping import scope_queryset
from stations.models import Station

from . import access, selectors, services, voter_reports
from .export import record_workbook
from .forms import BallotForm, DeductionForm, ReviewForm, SelfReportForm, VoterReportRecordForm, VoterReportScheduleForm
from .models import PointsRule, Rating, ReportStatus, Source, VoterReport

YEARS_BACK = 5


def _year(request) -> tuple[int, list[int]]:
    this = timezone.localdate().year
    years = list(range(this, this - YEARS_BACK - 1, -1))
    try:
        year = int(request.GET.get("year", this))
    except (TypeError, ValueError):
        year = this
    return (year if year in years else this), years


def _deputy_scores(deputy, year):
    tables = selectors.deputy_tables(deputy, year)
    return [selectors.deputy_score(deputy=deputy, table=t, year=year) for t in tables]


@login_required
def my_score(request):
    deputy = access.deputy_for(request.user)
    year, years = _year(request)
    scores = _deputy_scores(deputy, year)
    entries = selectors.deputy_entries(deputy=deputy, year=year)
    reports = [
        (r, voter_reports.results(r) if r.status == ReportStatus.CLOSED else None)
        for r in VoterReport.objects.filter(deputy=deputy, year=year).select_related("station")[:10]
    ]
    return render(
        request,
        "evaluation/my_score.html",
        {"deputy": deputy, "year": year, "years": years, "scores": scores, "entries": entries, "reports": reports},
    )


def _report_rules(deputy, year):
    tables = selectors.deputy_tables(deputy, year)
    return list(PointsRule.objects.filter(table__in=tables, source=Source.REPORT).select_related("table__congress"))


@login_required
def my_report_new(request):
    deputy = access.deputy_for(request.user)
    rules = _report_rules(deputy, timezone.localdate().year)
    if request.method == "POST":
        form = SelfReportForm(request.POST, request.FILES, rules=rules)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_submit(
                    deputy=deputy,
                    rule_id=data["rule"],
                    date=data["date"],
                    title=data["title"],
                    description=data["description"],
                    evidence=data["evidence"],
                    user=request.user,
                )
            except services.EvaluationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已提交，待工作人员审核后计入积分。"))
                return redirect("evaluation:my_score")
    else:
        form = SelfReportForm(rules=rules)
    return render(request, "evaluation/report_form.html", {"form": form, "deputy": deputy, "has_rules": bool(rules)})


def _record_response(request, deputy, scores, year, fmt):
    entries = selectors.deputy_entries(deputy=deputy, year=year)
    if fmt == "xlsx":
        data = record_workbook(scores=scores, entries=entries, year=year)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="record-{deputy.pk}-{year}.xlsx"'
        return response
    return render(
        request,
        "evaluation/record_print.html",
        {"deputy": deputy, "year": year, "scores": scores, "entries": entries, "now": timezone.localtime()},
    )


@login_required
def my_record(request, fmt="html"):
    deputy = access.deputy_for(request.user)
    year, _years = _year(request)
    return _record_response(request, deputy, _deputy_scores(deputy, year), year, fmt)


@login_required
def staff_ranking(request):
    tables = list(access.tables_for_staff(request.user).order_by("congress__tier__order", "congress__name"))
    year, years = _year(request)
    tier = request.GET.get("tier", "")
    if tier:
        tables = [t for t in tables if str(t.congress.tier_id) == tier]
    table = None
    try:
        wanted = int(request.GET.get("table", 0))
    except ValueError:
        wanted = 0
    table = next((t for t in tables if t.pk == wanted), tables[0] if tables else None)
    groups, scores, group_id = [], [], None
    if table is not None:
        groups = list(DeputyGroup.objects.filter(congress=table.congress_id).order_by("name"))
        try:
            group_id = int(request.GET.get("group", 0)) or None
        except ValueError:
            group_id = None
        if group_id not in {g.pk for g in groups}:
            group_id = None
        scores = selectors.ranking(table=table, year=year, group_id=group_id)
    return render(
        request,
        "evaluation/ranking.html",
        {
            "tables": tables,
            "table": table,
            "year": year,
            "years": years,
            "tiers": Tier.objects.filter(is_active=True).order_by("order"),
            "tier": tier,
            "groups": groups,
            "group_id": group_id,
            "scores": scores,
        },
    )


@login_required
def staff_deputy(request, table_pk, deputy_pk, fmt="page"):
    table = access.access_table(request.user, table_pk)
    deputy = access.access_deputy_in_table(request.user, table, deputy_pk)
    year, years = _year(request)
    score = selectors.deputy_score(deputy=deputy, table=table, year=year)
    if fmt in ("html", "xlsx"):
        return _record_response(request, deputy, [score], year, fmt)
    deduction_rules = [r.rule for r in score.rules if r.rule.source == Source.DEDUCTION]
    form = DeductionForm(rules=deduction_rules)
    if request.method == "POST":
        form = DeductionForm(request.POST, rules=deduction_rules)
        if form.is_valid():
            try:
                services.deduction_add(
                    deputy=deputy,
                    rule_id=form.cleaned_data["rule"],
                    date=form.cleaned_data["date"],
                    title=form.cleaned_data["title"],
                    user=request.user,
                )
            except services.EvaluationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("扣分已记录。"))
                return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    entries = selectors.deputy_entries(deputy=deputy, year=year)
    return render(
        request,
        "evaluation/staff_deputy.html",
        {"table": table, "deputy": deputy, "year": year, "years": years, "score": score, "entries": entries, "form": form},
    )


@login_required
def staff_reports(request):
    entries = list(
        access.entries_for_staff(request.user)
        .filter(status="pending")
        .select_related("deputy", "rule__table__congress")
        .order_by("created_at", "id")[:200]
    )
    return render(request, "evaluation/reports.html", {"entries": entries, "form": ReviewForm()})


@login_required
@require_POST
def staff_report_review(request, pk):
    entry = access.access_entry(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结果。"))
        return redirect("evaluation:staff_reports")
    try:
        services.report_review(
            entry_id=entry.pk, user=request.user, approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"]
        )
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已审核：%(title)s") % {"title": entry.title})
    return redirect("evaluation:staff_reports")


# Reports to voters (代表述职) ------------------------------------------------


@login_required
def staff_voter_reports(request):
    reports = list(access.voter_reports_for_staff(request.user).order_by("-scheduled_at", "-id")[:100])
    stations = scope_queryset(Station.objects.order_by("name"), request.user, "region")
    deputies = Deputy.objects.filter(memberships__station__in=stations.values("pk")).distinct().order_by("name")
    form = VoterReportScheduleForm(request.POST or None, deputies=deputies, stations=stations)
    if request.method == "POST" and form.is_valid():
        report = voter_reports.voter_report_schedule(
            deputy=form.cleaned_data["deputy"],
            station=form.cleaned_data["station"],
            scheduled_at=form.cleaned_data["scheduled_at"],
            user=request.user,
        )
        messages.success(request, _("已安排述职，述职报告初稿已根据履职档案生成，可修改。"))
        return redirect("evaluation:staff_voter_report", pk=report.pk)
    return render(request, "evaluation/voter_reports.html", {"reports": reports, "form": form})


@login_required
def staff_voter_report(request, pk):
    report = access.access_voter_report(request.user, pk)
    initial = {
        "report_text": report.report_text,
        "held_at": report.held_at,
        "attendance": report.attendance,
        "minutes": report.minutes,
        "paper_satisfied": report.paper_satisfied,
        "paper_basic": report.paper_basic,
        "paper_unsatisfied": report.paper_unsatisfied,
    }
    form = VoterReportRecordForm(initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "open":
                voter_reports.voter_report_open_voting(report_id=report.pk)
                messages.success(request, _("扫码测评已开放。"))
                return redirect("evaluation:staff_voter_report", pk=report.pk)
            if action == "close":
                voter_reports.voter_report_close(report_id=report.pk)
                messages.success(request, _("测评已结束，结果已告知代表。"))
                return redirect("evaluation:staff_voter_report", pk=report.pk)
            form = VoterReportRecordForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                voter_reports.voter_report_update(
                    report_id=report.pk,
                    report_text=d["report_text"],
                    held_at=d["held_at"],
                    attendance=d["attendance"],
                    minutes=d["minutes"],
                    paper={
                        Rating.SATISFIED: d["paper_satisfied"],
                        Rating.BASIC: d["paper_basic"],
                        Rating.UNSATISFIED: d["paper_unsatisfied"],
                    },
                )
                messages.success(request, _("已保存。"))
                return redirect("evaluation:staff_voter_report", pk=report.pk)
        except voter_reports.VoterReportError as exc:
            form.add_error(None, str(exc))
    vote_url = absolute_url(reverse("evaluation:ballot", args=[report.ballot_token]))
    return render(
        request,
        "evaluation/voter_report.html",
        {
            "report": report,
            "form": form,
            "results": voter_reports.results(report),
            "vote_url": vote_url,
            "qr_svg": mark_safe(qr_svg_inline(vote_url)) if report.status == ReportStatus.VOTING else "",  # noqa: S308 - segno's own SVG
        },
    )


def ballot(request, token):
    """The voters' rating page opened from the QR code at the meeting (phone-sized, public)."""
    report = get_object_or_404(VoterReport.objects.select_related("deputy", "station"), ballot_token=token)
    form = BallotForm(request.POST or None)
    done = False
    code_sent = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if request.POST.get("action") == "send":
                voter_reports.ballot_code_send(report=report, phone=d["phone"], request_ip=client_ip(request))
                code_sent = True
            else:
                voter_reports.ballot_cast(report_id=report.pk, phone=d["phone"], code=d["code"], rating=d["rating"])
                done = True
        except (voter_reports.VoterReportError, PhoneCodeRefused) as exc:
            form.add_error(None, str(exc))
            code_sent = request.POST.get("action") != "send"
    response = render(request, "evaluation/ballot.html", {"report": report, "form": form, "done": done, "code_sent": code_sent})
    response["Cache-Control"] = "no-store"
    return response


def client_ip(request) -> str:
    # REMOTE_ADDR as set by the reverse proxy (X-Forwarded-For can be forged).
    return request.META.get("REMOTE_ADDR", "") or "unknown"

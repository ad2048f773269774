"""Pages of the duty evaluation: the deputy's score and self-reports
(/evaluation/me/…) and the staff's rankings and reviews (/evaluation/staff/…)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.models import DeputyGroup, Tier

from . import access, selectors, services
from .export import record_workbook
from .forms import DeductionForm, ReviewForm, SelfReportForm
from .models import PointsRule, Source

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
    return render(
        request, "evaluation/my_score.html", {"deputy": deputy, "year": year, "years": years, "scores": scores, "entries": entries}
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

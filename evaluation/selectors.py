"""Reads of the duty evaluation: a deputy's score for a year, rankings.

Every figure is computed from the tables where the portal records the fact
(README "Duty evaluation"), in a fixed number of queries whatever the
number of deputies: one grouped count per source.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy, DutyActivity, DutyKind, Mandate
from proposals.models import Case, CaseKind, CaseSigner, CaseState, SignerRole, SignerStatus
from stations.models import ReceptionDay

from .models import EntryStatus, ManualEntry, PointsRule, PointsTable, Source

# A suggestion counts once submitted, unless staff turned it away.
NOT_COUNTED_STATES = (CaseState.RETURNED, CaseState.REJECTED, CaseState.MERGED)


@dataclass
class RuleScore:
    rule: PointsRule
    count: int = 0
    raw: Decimal = Decimal(0)
    points: Decimal = Decimal(0)

    @property
    def capped(self) -> bool:
        return self.points != self.raw

    @property
    def missing(self) -> int:
        return max(0, self.rule.required_count - self.count)


@dataclass
class Score:
    deputy: Deputy
    table: PointsTable
    year: int
    rules: list[RuleScore] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.points for r in self.rules), Decimal(0))

    @property
    def grade(self) -> str:
        return grade_for(self.table, self.total)

    @property
    def missing(self) -> list[RuleScore]:
        return [r for r in self.rules if r.missing]


def grade_for(table: PointsTable, total: Decimal) -> str:
    if total >= table.excellent_from:
        return _("优秀")
    if total >= table.competent_from:
        return _("称职")
    return _("基本称职")


def rule_points(rule: PointsRule, count: int) -> tuple[Decimal, Decimal]:
    """(raw, after the yearly cap). A deduction's cap bounds what it takes away."""
    raw = rule.points * count
    if rule.yearly_cap is None:
        return raw, raw
    cap = abs(rule.yearly_cap)
    return raw, max(-cap, min(cap, raw))


def year_bounds(year: int) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    tz = timezone.get_current_timezone()
    return start, end, dt.datetime.combine(start, dt.time(), tz), dt.datetime.combine(end, dt.time(), tz)


def rule_signals(rule: PointsRule) -> list:
    """The recorded facts a rule counts."""
    if rule.source == Source.DUTY:
        return [("duty", rule.duty_kind)]
    if rule.source == Source.STATION:
        # 进站履职: a recorded reception day counts as a station visit, as on
        # the deputy's duty record page.
        return [("duty", DutyKind.STATION_VISIT), ("reception",)]
    if rule.source == Source.RECEPTION:
        return [("reception",)]
    if rule.source == Source.SUGGESTION_LEAD:
        return [("signer", SignerRole.LEAD)]
    if rule.source == Source.SUGGESTION_COSIGN:
        return [("signer", SignerRole.COSIGNER)]
    if rule.source == Source.CASE_CLOSED:
        return [("closed",)]
    return [("manual", rule.pk)]


def counts_by_deputy(*, rules: list[PointsRule], deputies, year: int) -> dict[tuple[int, int], int]:
    """{(deputy id, rule id): count} for ``deputies`` (a queryset of ids or a
    list) in ``year``: one grouped query per kind of fact the rules use."""
    start, end, start_at, end_at = year_bounds(year)
    wanted = {sig for r in rules for sig in rule_signals(r)}
    facts: dict[tuple[int, tuple], int] = {}
    kinds = sorted({sig[1] for sig in wanted if sig[0] == "duty"})
    if kinds:
        # Index duty_deputy_date.
        for row in (
            DutyActivity.objects.filter(deputy__in=deputies, date__gte=start, date__lt=end, kind__in=kinds)
            .values("deputy", "kind")
            .annotate(n=Count("id"))
            .order_by()
        ):
            facts[(row["deputy"], ("duty", row["kind"]))] = row["n"]
    if ("reception",) in wanted:
        through = ReceptionDay.deputies.through
        for row in (
            through.objects.filter(
                deputy__in=deputies, receptionday__date__gte=start, receptionday__date__lt=end, receptionday__recorded_at__isnull=False
            )
            .values("deputy")
            .annotate(n=Count("id"))
            .order_by()
        ):
            facts[(row["deputy"], ("reception",))] = row["n"]
    if any(sig[0] == "signer" for sig in wanted):
        for row in (
            CaseSigner.objects.filter(
                deputy__in=deputies,
                status=SignerStatus.ACCEPTED,
                case__kind=CaseKind.SUGGESTION,
                case__submitted_at__gte=start_at,
                case__submitted_at__lt=end_at,
            )
            .exclude(case__state__in=NOT_COUNTED_STATES)
            .values("deputy", "role")
            .annotate(n=Count("id"))
            .order_by()
        ):
            facts[(row["deputy"], ("signer", row["role"]))] = row["n"]
    if ("closed",) in wanted:
        for row in (
            Case.objects.filter(
                responsible_deputy__in=deputies,
                kind=CaseKind.OPINION,
                state=CaseState.CLOSED,
                closed_at__gte=start_at,
                closed_at__lt=end_at,
            )
            .values(deputy=F("responsible_deputy"))
            .annotate(n=Count("id"))
            .order_by()
        ):
            facts[(row["deputy"], ("closed",))] = row["n"]
    manual = [sig[1] for sig in wanted if sig[0] == "manual"]
    if manual:
        for row in (
            ManualEntry.objects.filter(deputy__in=deputies, year=year, status=EntryStatus.APPROVED, rule__in=manual)
            .values("deputy", "rule")
            .annotate(n=Count("id"))
            .order_by()
        ):
            facts[(row["deputy"], ("manual", row["rule"]))] = row["n"]
    out: dict[tuple[int, int], int] = {}
    deputy_ids = {d for d, _sig in facts}
    for rule in rules:
        signals = rule_signals(rule)
        for d in deputy_ids:
            n = sum(facts.get((d, sig), 0) for sig in signals)
            if n:
                out[(d, rule.pk)] = n
    return out


def table_rules(table: PointsTable) -> list[PointsRule]:
    return list(table.rules.all())


def deputy_score(*, deputy: Deputy, table: PointsTable, year: int, rules=None) -> Score:
    rules = rules if rules is not None else table_rules(table)
    counts = counts_by_deputy(rules=rules, deputies=[deputy.pk], year=year)
    return _score(deputy, table, year, rules, counts)


def _score(deputy, table, year, rules, counts) -> Score:
    score = Score(deputy=deputy, table=table, year=year)
    for rule in rules:
        n = counts.get((deputy.pk, rule.pk), 0)
        raw, points = rule_points(rule, n)
        score.rules.append(RuleScore(rule=rule, count=n, raw=raw, points=points))
    return score


def congress_deputies(congress_id: int, year: int):
    """Deputies holding a mandate of the congress at some time in ``year``."""
    start, end, _a, _b = year_bounds(year)
    return Mandate.objects.filter(congress_id=congress_id).filter(
        Q(start_date__isnull=True) | Q(start_date__lt=end), Q(end_date__isnull=True) | Q(end_date__gte=start)
    )


def ranking(*, table: PointsTable, year: int, group_id: int | None = None) -> list[Score]:
    """Every deputy of the table's congress, best first (ties by name)."""
    mandates = congress_deputies(table.congress_id, year)
    if group_id:
        mandates = mandates.filter(deputy__groups=group_id)
    ids = mandates.values("deputy_id")
    deputies = list(Deputy.objects.filter(pk__in=ids).order_by("name", "pk"))
    rules = table_rules(table)
    counts = counts_by_deputy(rules=rules, deputies=ids, year=year)
    scores = [_score(d, table, year, rules, counts) for d in deputies]
    scores.sort(key=lambda s: -s.total)  # stable: equal totals keep name order
    return scores


def deputy_tables(deputy: Deputy, year: int) -> list[PointsTable]:
    """The points tables of the congresses the deputy sits in during ``year``."""
    start, end, _a, _b = year_bounds(year)
    congress_ids = (
        Mandate.objects.filter(deputy=deputy)
        .filter(Q(start_date__isnull=True) | Q(start_date__lt=end), Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values("congress_id")
    )
    return list(PointsTable.objects.filter(congress__in=congress_ids).select_related("congress__tier").order_by("congress__tier__order"))


def deputy_entries(*, deputy: Deputy, year: int, limit: int = 100) -> dict[str, list]:
    """What the score is made of, for the deputy's page and annual record."""
    start, end, start_at, end_at = year_bounds(year)
    return {
        "duties": list(DutyActivity.objects.filter(deputy=deputy, date__gte=start, date__lt=end).select_related("station")[:limit]),
        "receptions": list(
            ReceptionDay.objects.filter(deputies=deputy, date__gte=start, date__lt=end, recorded_at__isnull=False)
            .select_related("station")
            .order_by("-date")[:limit]
        ),
        "suggestions": list(
            CaseSigner.objects.filter(
                deputy=deputy,
                status=SignerStatus.ACCEPTED,
                case__kind=CaseKind.SUGGESTION,
                case__submitted_at__gte=start_at,
                case__submitted_at__lt=end_at,
            )
            .exclude(case__state__in=NOT_COUNTED_STATES)
            .select_related("case")
            .order_by("-case__submitted_at")[:limit]
        ),
        "closed_cases": list(
            Case.objects.filter(
                responsible_deputy=deputy, kind=CaseKind.OPINION, state=CaseState.CLOSED, closed_at__gte=start_at, closed_at__lt=end_at
            ).order_by("-closed_at")[:limit]
        ),
        "manual": list(ManualEntry.objects.filter(deputy=deputy, year=year).select_related("rule").order_by("-date", "-id")[:limit]),
    }


def pending_reports(user_scope_deputies):
    return (
        ManualEntry.objects.filter(status=EntryStatus.PENDING, deputy__in=user_scope_deputies)
        .select_related("deputy", "rule__table__congress")
        .order_by("created_at", "id")
    )

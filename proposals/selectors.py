"""Reads of cases shared by the workspaces, admin and API (writes are services).

Every list selector starts from an access function (``proposals.access``),
so a page cannot forget the scope, and selects the related rows its rows
print, so a page of 50 cases costs the same queries as a page of 5.
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from deputies.models import Deputy
from units.models import HandlingUnit

from . import access
from .models import (
    Case,
    CaseEvent,
    CaseNote,
    CaseState,
    ContactRecord,
    Feedback,
    Reply,
    ReplyClass,
    SupervisionRecord,
)
from .models.cases import FINAL_STATES

# Plain words for residents (and everyone else) per recorded action.
PUBLIC_LABELS = {
    "submit": _("已收到"),
    "accept": _("已受理"),
    "return": _("已退回"),
    "redirect": _("已转交其他渠道办理"),
    "merge": _("已与相同问题合并办理"),
    "reject": _("不予受理"),
    "answer_on_spot": _("已当场答复"),
    "resubmit": _("已修改后重新提出"),
    "assign": _("已交办"),
    "dispute": _("正在调整承办单位"),
    "reassign": _("已交办"),
    "start_handling": _("办理中"),
    "contact": _("承办单位沟通联系"),
    "reply": _("已答复"),
    "feedback": _("已评价"),
    "feedback_unsatisfied": _("不满意，重新办理"),
    "close": _("已办结"),
    "supervise": _("人大督办"),
    "request_supervision": _("代表提请督办"),
    "extend": _("答复期限已延长"),
    "publish": _("答复已公开"),
    "implemented": _("已落实"),
    "taken_into_suggestion": _("已形成代表建议"),
    "mark_overdue": _("已超期"),
}

# What residents see on /track/: the steps of their case, not the internal
# back-and-forth (disputes, deputies' requests, overdue marks).
PUBLIC_ACTIONS = frozenset(
    {
        "submit",
        "accept",
        "return",
        "redirect",
        "merge",
        "reject",
        "answer_on_spot",
        "resubmit",
        "assign",
        "reassign",
        "start_handling",
        "contact",
        "reply",
        "feedback",
        "feedback_unsatisfied",
        "close",
        "supervise",
        "extend",
        "publish",
        "implemented",
        "taken_into_suggestion",
    }
)
# Reasons residents are told (why a case was returned, redirected, rejected).
PUBLIC_REASON_ACTIONS = frozenset({"return", "redirect", "reject", "merge", "answer_on_spot"})


@dataclass
class TimelineEntry:
    at: object  # aware datetime
    action: str
    label: str
    state: str  # state after the event
    state_label: str
    detail: str = ""  # e.g. the unit a case went to
    reason: str = ""
    actor: str = ""
    data: dict = field(default_factory=dict)


def _detail(event: CaseEvent) -> str:
    data = event.data or {}
    if event.action in ("assign", "reassign") and data.get("lead_unit_name"):
        co = data.get("co_unit_names") or []
        text = str(_("主办：%(unit)s")) % {"unit": data["lead_unit_name"]}
        if co:
            text += "；" + str(_("会办：%(units)s")) % {"units": "、".join(co)}
        return text
    if event.action == "merge" and data.get("into_tracking_code"):
        return str(_("并入查询码 %(code)s")) % {"code": data["into_tracking_code"]}
    if event.action == "reply" and data.get("round", 1) > 1:
        return str(_("第 %(round)s 次答复")) % {"round": data["round"]}
    if event.action == "extend" and data.get("new_deadline"):
        return str(_("答复期限延至 %(date)s")) % {"date": data["new_deadline"]}
    return ""


def case_timeline(case: Case, *, audience: str = "public") -> list[TimelineEntry]:
    """The history of a case for display, oldest first.

    ``audience="public"`` (residents on /track/): plain-language steps, no
    names of officials, only the reasons residents are owed.
    ``audience="internal"`` (staff, units, deputies): every event, with the
    actor and the reason. One query.
    """
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "id")
    public = audience == "public"
    out = []
    for ev in events:
        if public and ev.action not in PUBLIC_ACTIONS:
            continue
        label = PUBLIC_LABELS.get(ev.action, ev.action)
        state = ev.to_state or ""
        out.append(
            TimelineEntry(
                at=ev.created_at,
                action=ev.action,
                label=str(label),
                state=state,
                state_label=str(CaseState(state).label) if state in CaseState.values else "",
                detail=_detail(ev),
                reason=ev.reason if (not public or ev.action in PUBLIC_REASON_ACTIONS) else "",
                actor="" if public else (ev.actor_label or (str(ev.actor) if ev.actor_id else "")),
                data={} if public else ev.data,
            )
        )
    return out


# --- the records of one case (contacts, replies, feedback, supervision, notes) ---------


@dataclass
class CaseRecords:
    contacts: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    feedbacks: list = field(default_factory=list)
    supervision_records: list = field(default_factory=list)
    notes: list = field(default_factory=list)


# One column list for every branch of the UNION ALL below; each branch fills
# what its table has and NULL elsewhere (same output types in every branch,
# so PostgreSQL resolves one type per column and Django converts them alike).
_RECORD_COLUMNS = {
    "r_kind": models.CharField(),
    "r_id": models.IntegerField(),
    "r_at": models.DateTimeField(),
    "r_day": models.DateField(),
    "r_num": models.IntegerField(),
    "r_flag": models.BooleanField(),
    "r_a": models.CharField(),
    "r_b": models.CharField(),
    "r_c": models.CharField(),
    "r_d": models.CharField(),
    "r_text": models.TextField(),
    "r_file": models.CharField(),
    "r_unit_id": models.IntegerField(),
    "r_unit_name": models.CharField(),
    "r_unit_short": models.CharField(),
    "r_ref_id": models.IntegerField(),
    "r_ref_code": models.CharField(),
    "r_ref_name": models.CharField(),
    "r_p_id": models.IntegerField(),
    "r_p_username": models.CharField(),
    "r_p_display": models.CharField(),
    "r_p_first": models.CharField(),
    "r_p_last": models.CharField(),
}


def _record_branch(qs: QuerySet, kind: str, **columns) -> QuerySet:
    exprs = {}
    for name, output in _RECORD_COLUMNS.items():
        source = {"r_kind": Value(kind)}.get(name, columns.get(name[2:]))
        if source is None:
            exprs[name] = Value(None, output_field=output)
        elif isinstance(source, str):
            exprs[name] = models.ExpressionWrapper(F(source), output_field=output)
        else:
            exprs[name] = models.ExpressionWrapper(source, output_field=output)
    return qs.order_by().annotate(**exprs).values(*_RECORD_COLUMNS)


_AUTHOR = {"p_id": "author_id", "p_username": "author__username", "p_display": "author__display_name"}
_AUTHOR_NAMES = {"p_first": "author__first_name", "p_last": "author__last_name"}


def case_records(case: Case) -> CaseRecords:
    """Contacts (三见面), replies, feedback, supervision records and internal
    notes of a case, oldest first, in ONE query (a UNION ALL over the five
    tables, each probed by its case_id index), as model instances with the
    related rows the pages print (unit, reply class, author, deputy).

    Not for residents: notes are internal (the /track/ page shows the public
    timeline only)."""

    cid = case.pk
    branches = [
        _record_branch(
            ContactRecord.objects.filter(case_id=cid),
            "contact",
            id="id",
            at="created_at",
            day="contact_date",
            a="way",
            b="party",
            text="summary",
            unit_id="unit_id",
            unit_name="unit__name",
            unit_short="unit__short_name",
            **_AUTHOR,
            **_AUTHOR_NAMES,
        ),
        _record_branch(
            Reply.objects.filter(case_id=cid),
            "reply",
            id="id",
            at="created_at",
            num="round",
            flag="on_the_spot",
            text="text",
            file="signed_file",
            unit_id="unit_id",
            unit_name="unit__name",
            unit_short="unit__short_name",
            ref_id="reply_class_id",
            ref_code="reply_class__code",
            ref_name="reply_class__name",
            **_AUTHOR,
            **_AUTHOR_NAMES,
        ),
        _record_branch(
            Feedback.objects.filter(case_id=cid),
            "feedback",
            id="id",
            at="created_at",
            a="rater",
            b="rating",
            c="attitude_rating",
            d="result_rating",
            text="comment",
            ref_id="reply_id",
            p_id="deputy_id",
            p_display="deputy__name",
        ),
        _record_branch(
            SupervisionRecord.objects.filter(case_id=cid),
            "supervision",
            id="id",
            at="created_at",
            day="date",
            a="level",
            b="kind",
            text="summary",
            **_AUTHOR,
            **_AUTHOR_NAMES,
        ),
        _record_branch(CaseNote.objects.filter(case_id=cid), "note", id="id", at="created_at", text="text", **_AUTHOR, **_AUTHOR_NAMES),
    ]
    rows = list(branches[0].union(*branches[1:], all=True))
    out = CaseRecords()

    def unit(r):
        return HandlingUnit(id=r["r_unit_id"], name=r["r_unit_name"] or "", short_name=r["r_unit_short"] or "") if r["r_unit_id"] else None

    def author(r):
        if not r["r_p_id"]:
            return None
        return User(
            id=r["r_p_id"],
            username=r["r_p_username"] or "",
            display_name=r["r_p_display"] or "",
            first_name=r["r_p_first"] or "",
            last_name=r["r_p_last"] or "",
        )

    for r in rows:
        kind, common = r["r_kind"], {"id": r["r_id"], "case": case}
        if kind == "contact":
            out.contacts.append(
                ContactRecord(
                    **common,
                    created_at=r["r_at"],
                    contact_date=r["r_day"],
                    way=r["r_a"],
                    party=r["r_b"],
                    summary=r["r_text"],
                    unit=unit(r),
                    author=author(r),
                )
            )
        elif kind == "reply":
            reply_class = ReplyClass(id=r["r_ref_id"], code=r["r_ref_code"], name=r["r_ref_name"]) if r["r_ref_id"] else None
            out.replies.append(
                Reply(
                    **common,
                    created_at=r["r_at"],
                    round=r["r_num"],
                    on_the_spot=bool(r["r_flag"]),
                    text=r["r_text"],
                    signed_file=r["r_file"] or "",
                    unit=unit(r),
                    reply_class=reply_class,
                    author=author(r),
                )
            )
        elif kind == "feedback":
            deputy = Deputy(id=r["r_p_id"], name=r["r_p_display"]) if r["r_p_id"] else None
            out.feedbacks.append(
                Feedback(
                    **common,
                    created_at=r["r_at"],
                    rater=r["r_a"],
                    rating=r["r_b"],
                    attitude_rating=r["r_c"] or "",
                    result_rating=r["r_d"] or "",
                    comment=r["r_text"] or "",
                    reply_id=r["r_ref_id"],
                    deputy=deputy,
                )
            )
        elif kind == "supervision":
            out.supervision_records.append(
                SupervisionRecord(
                    **common,
                    created_at=r["r_at"],
                    date=r["r_day"],
                    level=r["r_a"] or "",
                    kind=r["r_b"],
                    summary=r["r_text"],
                    author=author(r),
                )
            )
        else:
            out.notes.append(CaseNote(**common, created_at=r["r_at"], text=r["r_text"], author=author(r)))
    # Each model's own ordering (Meta.ordering), as a per-table query would give.
    out.contacts.sort(key=lambda c: (c.contact_date, c.pk))
    out.replies.sort(key=lambda x: (x.created_at, x.pk))
    out.feedbacks.sort(key=lambda x: (x.created_at, x.pk))
    out.supervision_records.sort(key=lambda x: (x.date, x.pk))
    out.notes.sort(key=lambda x: (x.created_at, x.pk))
    return out


# --- lists -------------------------------------------------------------------------

LIST_RELATED = ("category", "station", "region", "lead_unit")


def staff_case_list(user, *, state: str | None = None, overdue: bool | None = None) -> QuerySet:
    """Cases of the staff member's region subtree, newest first."""
    qs = access.cases_for_staff(user).select_related(*LIST_RELATED)
    return _filter(qs, state=state, overdue=overdue)


def unit_case_list(user, *, scope: str = "open", state: str | None = None, overdue: bool | None = None, unit=None) -> QuerySet:
    """Cases on which one of the user's units has an active assignment,
    earliest deadline first. ``scope``: "open" (在办, the default: what the
    unit works on, read without its closed history), "closed" (已办结) or
    "all" (全部)."""
    case_open = {"open": True, "closed": False, "all": None}.get(scope, True)
    ids = access.unit_case_ids(user, case_open=case_open)
    if unit is not None:
        ids = ids.filter(unit=unit)
    qs = Case.objects.filter(pk__in=ids).select_related(*LIST_RELATED).order_by("deadline", "-submitted_at", "-id")
    return _filter(qs, state=state, overdue=overdue)


def _filter(qs: QuerySet, *, state=None, overdue=None) -> QuerySet:
    if state:
        qs = qs.filter(state=state)
    today = timezone.localdate()
    if overdue is True:
        qs = qs.exclude(state__in=FINAL_STATES).filter(deadline__lt=today)
    elif overdue is False:
        qs = qs.filter(Q(deadline__isnull=True) | Q(deadline__gte=today) | Q(state__in=FINAL_STATES))
    return qs


def unit_action_counts(user) -> dict[str, int]:
    """What needs the unit's action: to sign for, to reply, to re-reply, overdue. One query."""
    today = timezone.localdate()
    # Every counter is about open cases: read through the open assignments
    # (``assignment_unit_open``), never the unit's closed history.
    return Case.objects.filter(pk__in=access.unit_case_ids(user, case_open=True)).aggregate(
        to_sign=Count("pk", filter=Q(state=CaseState.ASSIGNED)),
        in_handling=Count("pk", filter=Q(state=CaseState.IN_HANDLING)),
        rehandling=Count("pk", filter=Q(state=CaseState.REHANDLING)),
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        replied=Count("pk", filter=Q(state__in=[CaseState.REPLIED, CaseState.EVALUATED])),
    )


OVERDUE_BOARD_ROWS = 10  # cases shown per unit
OVERDUE_BOARD_GROUPS = 50  # units shown, those with the most overdue cases first


@dataclass
class OverdueBoard:
    groups: list  # [{"unit", "cases": [{"case", "days"}], "count", "max_days", "more"}]
    total: int  # overdue cases in the subtree
    other_groups: int  # units not shown (fewer overdue cases than those shown)
    other_cases: int  # their overdue cases


def overdue_board(user, per_group: int | None = None, max_groups: int | None = None) -> OverdueBoard:
    """Overdue open cases of the staff member's subtree grouped by lead unit
    (cases still waiting for assignment grouped under "未交办"): the units with
    the most overdue cases first, each with its count and longest delay and
    its most overdue cases. A province has thousands of units and tens of
    thousands of overdue cases, so the board is bounded (``per_group`` cases
    of ``max_groups`` units) and says how many more there are; the rest is
    one click away in the filtered case list. Two queries."""
    per_group = per_group or OVERDUE_BOARD_ROWS
    max_groups = max_groups or OVERDUE_BOARD_GROUPS
    today = timezone.localdate()
    overdue = access.cases_for_staff(user).exclude(state__in=FINAL_STATES).filter(deadline__lt=today)
    totals = list(overdue.order_by().values("lead_unit", "lead_unit__name").annotate(count=Count("pk"), oldest=models.Min("deadline")))
    totals.sort(key=lambda row: (-row["count"], row["lead_unit__name"] or ""))
    shown, hidden = totals[:max_groups], totals[max_groups:]
    board = OverdueBoard(
        groups=[],
        total=sum(row["count"] for row in totals),
        other_groups=len(hidden),
        other_cases=sum(row["count"] for row in hidden),
    )
    if not shown:
        return board
    units = [row["lead_unit"] for row in shown if row["lead_unit"] is not None]
    in_shown = Q(lead_unit__in=units)
    if any(row["lead_unit"] is None for row in shown):
        in_shown |= Q(lead_unit__isnull=True)
    worst = (
        overdue.filter(in_shown)
        .select_related("lead_unit", "region")
        .annotate(rank=models.Window(RowNumber(), partition_by=[F("lead_unit")], order_by=[F("deadline").asc(), F("id").asc()]))
        .filter(rank__lte=per_group)
        .order_by("deadline", "id")
    )
    groups = {
        row["lead_unit"]: {"unit": None, "cases": [], "count": row["count"], "max_days": (today - row["oldest"]).days} for row in shown
    }
    for case in worst:
        group = groups[case.lead_unit_id]
        group["unit"] = case.lead_unit
        group["cases"].append({"case": case, "days": (today - case.deadline).days})
    for group in groups.values():
        group["more"] = group["count"] - len(group["cases"])
    board.groups = list(groups.values())  # in the order of ``shown``
    return board

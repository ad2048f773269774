"""Reads for the intake pages: stations, deputies and categories for the
forms, the case behind a tracking code, and the resident's view of it."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from proposals.models import Case, CaseEvent, CaseState, Category, Reply
from proposals.tracking import LENGTH, normalize_tracking_code
from stations.models import Station


def active_categories():
    return Category.objects.filter(is_active=True).order_by("order", "code")


def station_by_code(code: str) -> Station | None:
    return Station.objects.filter(code=code).first()


def station_deputies(station: Station):
    """The station's deputies today (members who have not left), by name."""
    today = timezone.localdate()
    return (
        Deputy.objects.filter(is_active=True, memberships__station=station)
        .filter(Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=today))
        .only("pk", "name", "public_id")
        .order_by("name", "pk")
        .distinct()
    )


def deputy_by_public_id(public_id: str) -> Deputy | None:
    return Deputy.objects.filter(public_id=public_id).first()


def deputy_station(deputy: Deputy, code: str = "") -> Station | None:
    """The station a deputy's QR submission belongs to: the one named in the
    link (``?s=<code>``) if the deputy sits there, else the deputy's first
    current station."""
    today = timezone.localdate()
    qs = (
        Station.objects.filter(is_active=True, memberships__deputy=deputy)
        .filter(Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=today))
        .order_by("memberships__joined_on", "pk")
    )
    if code:
        named = qs.filter(code=code).first()
        if named is not None:
            return named
    return qs.first()


def case_by_submission_key(key: str) -> Case | None:
    return Case.objects.filter(submission_key=key).only("pk", "tracking_code").first()


def case_for_tracking(code: str, digits: str) -> Case | None:
    """The case behind a tracking code, if the phone digits match (when the
    resident left a phone number). None for any mismatch: callers show one
    neutral message whatever went wrong."""
    code = normalize_tracking_code(code)
    if len(code) != LENGTH:
        return None
    case = (
        Case.objects.select_related("suggestion", "merged_into", "category", "lead_unit", "reply_class").filter(tracking_code=code).first()
    )
    if case is None:
        return None
    if case.phone_last4 and not constant_time_compare(digits or "", case.phone_last4):
        return None
    return case


# --- The resident's timeline -------------------------------------------------
# Plain-language steps for residents. Internal events (notes, contacts,
# overdue marks) are left out; reasons are shown only where they tell the
# resident where to turn (returned / redirected / rejected).
RESIDENT_STEPS = {
    "submit": (_("已收到您的意见"), False),
    "accept": (_("已受理，正在安排办理"), False),
    "return": (_("未受理，已退回"), True),
    "redirect": (_("不属于本渠道办理，已告知应通过的渠道"), True),
    "merge": (_("与其他群众反映的相同问题合并办理"), False),
    "reject": (_("不予受理"), True),
    "answer_on_spot": (_("已当场答复并办结"), False),
    "assign": (_("已交承办单位办理"), False),
    "reassign": (_("已重新交承办单位办理"), False),
    "start_handling": (_("承办单位已开始办理"), False),
    "reply": (_("承办单位已答复"), False),
    "feedback": (_("已完成满意度评价"), False),
    "feedback_unsatisfied": (_("评价为不满意，已要求重新办理"), False),
    "close": (_("已办结"), False),
    "supervise": (_("已列入督办"), False),
    "extend": (_("答复期限已延长"), False),
    "publish": (_("答复已公开"), False),
    "implemented": (_("已落实"), False),
    "taken_into_suggestion": (_("代表已把您的意见写进代表建议"), False),
}


@dataclass
class TimelineStep:
    label: str
    at: object
    note: str = ""


@dataclass
class TrackView:
    case: Case
    steps: list = field(default_factory=list)
    reply: Reply | None = None
    can_rate: bool = False


def resident_timeline(case: Case) -> list[TimelineStep]:
    events = CaseEvent.objects.filter(case=case, action__in=list(RESIDENT_STEPS)).only("action", "reason", "created_at")
    steps = []
    for event in events:
        label, show_reason = RESIDENT_STEPS[event.action]
        steps.append(TimelineStep(str(label), event.created_at, event.reason if show_reason else ""))
    return steps


def track_view(case: Case) -> TrackView:
    view = TrackView(case=case, steps=resident_timeline(case))
    if case.state not in (CaseState.SUBMITTED, CaseState.ACCEPTED):
        view.reply = case.replies.select_related("reply_class").order_by("-created_at", "-id").first()
    view.can_rate = case.state == CaseState.REPLIED and view.reply is not None and not view.reply.on_the_spot
    return view


def recent_station_entries(station: Station, limit: int = 20):
    """The latest paper / reception-day entries of a station (masked phones only)."""
    return (
        Case.objects.filter(station=station, channel__in=["paper", "reception"])
        .only("pk", "tracking_code", "title", "channel", "received_on", "phone_masked", "state", "submitted_at")
        .order_by("-submitted_at", "-id")[:limit]
    )

"""Reads for the intake pages: stations, deputies and categories for the
forms, the case behind a tracking code, and the resident's view of it."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from proposals.models import Case, CaseState, Category, Reply, ReplyClass
from proposals.selectors import case_timeline
from proposals.tracking import LENGTH, normalize_tracking_code
from stations.models import Station


def active_categories():
    return Category.objects.filter(is_active=True).order_by("order", "code")


def _lookup_key(value: str) -> bool:
    """A code or id from a URL worth asking the database about: PostgreSQL
    refuses NUL in a string literal (a 500), and codes are short."""
    return bool(value) and "\x00" not in value and len(value) <= 64


def station_by_code(code: str) -> Station | None:
    if not _lookup_key(code):
        return None
    return Station.objects.filter(code=code).first()


def station_deputies(station: Station):
    """The station's deputies today (members who have not left), by name."""
    today = timezone.localdate()
    return (
        # One condition on one join: the membership at this station is current.
        Deputy.objects.filter(
            Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=today),
            is_active=True,
            memberships__station=station,
        )
        .only("pk", "name", "public_id")
        .order_by("name", "pk")
        .distinct()
    )


def deputy_by_public_id(public_id: str) -> Deputy | None:
    if not _lookup_key(public_id):
        return None
    return Deputy.objects.filter(public_id=public_id).first()


def deputy_station(deputy: Deputy, code: str = "") -> Station | None:
    """The station a deputy's QR submission belongs to: the one named in the
    link (``?s=<code>``) if the deputy sits there, else the deputy's first
    current station."""
    today = timezone.localdate()
    qs = Station.objects.filter(
        Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=today),
        is_active=True,
        memberships__deputy=deputy,
    ).order_by("memberships__joined_on", "pk")
    if _lookup_key(code):
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
    latest = Reply.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    case = (
        Case.objects.select_related("suggestion", "merged_into", "category", "lead_unit", "reply_class")
        # The latest reply rides along (index reply case_id), so the page
        # costs the same queries before and after the case is answered.
        .annotate(
            latest_reply_id=Subquery(latest.values("pk")[:1]),
            latest_reply_text=Subquery(latest.values("text")[:1]),
            latest_reply_at=Subquery(latest.values("created_at")[:1]),
            latest_reply_on_spot=Subquery(latest.values("on_the_spot")[:1]),
            latest_reply_class_id=Subquery(latest.values("reply_class_id")[:1]),
            latest_reply_class_name=Subquery(latest.values("reply_class__name")[:1]),
        )
        .filter(tracking_code=code)
        .first()
    )
    if case is None:
        return None
    if case.phone_last4 and not constant_time_compare(digits or "", case.phone_last4):
        return None
    return case


# The state in words a resident understands, with what happens next.
RESIDENT_STATE = {
    CaseState.SUBMITTED: _("已收到，等待受理"),
    CaseState.ACCEPTED: _("已受理，正在安排办理单位"),
    CaseState.RETURNED: _("未受理（已退回）"),
    CaseState.REDIRECTED: _("已转其他渠道办理"),
    CaseState.MERGED: _("与相同问题合并办理"),
    CaseState.REJECTED: _("不予受理"),
    CaseState.ASSIGNED: _("已交承办单位"),
    CaseState.DISPUTED: _("正在调整承办单位"),
    CaseState.IN_HANDLING: _("承办单位正在办理"),
    CaseState.REPLIED: _("已答复，请您评价"),
    CaseState.EVALUATED: _("已评价，等待办结"),
    CaseState.REHANDLING: _("正在重新办理"),
    CaseState.CLOSED: _("已办结"),
}


@dataclass
class TrackView:
    case: Case
    steps: list = field(default_factory=list)
    reply: Reply | None = None
    can_rate: bool = False

    @property
    def state_label(self) -> str:
        return str(RESIDENT_STATE.get(self.case.state, self.case.get_state_display()))


def _latest_reply(case: Case) -> Reply | None:
    """The case's latest reply: from the annotations of ``case_for_tracking``
    when the case came from there, else one query."""
    if not hasattr(case, "latest_reply_id"):
        return case.replies.select_related("reply_class").order_by("-created_at", "-id").first()
    if case.latest_reply_id is None:
        return None
    reply_class = None
    if case.latest_reply_class_id is not None:
        reply_class = ReplyClass(id=case.latest_reply_class_id, name=case.latest_reply_class_name or "")
    return Reply(
        id=case.latest_reply_id,
        case=case,
        text=case.latest_reply_text,
        created_at=case.latest_reply_at,
        on_the_spot=bool(case.latest_reply_on_spot),
        reply_class=reply_class,
    )


def track_view(case: Case) -> TrackView:
    view = TrackView(case=case, steps=case_timeline(case, audience="public"))
    if case.state not in (CaseState.SUBMITTED, CaseState.ACCEPTED):
        view.reply = _latest_reply(case)
    view.can_rate = case.state == CaseState.REPLIED and view.reply is not None and not view.reply.on_the_spot
    return view

"""One service per workflow action (INTERFACES.md "Workflow actions").

Every action: opens a transaction, locks the case row (``lock_case``), works
out who the user is on this case (``access.actor_kinds``), checks the
transition table, applies its own rule (assignment rows, reply rows…), moves
the state with ``apply_transition`` (or records a state-less event with
``record_event``) and sets the next deadline. Refusals raise
``WorkflowError`` with a Chinese message fit to show the user.

Repeating a move that has already happened (a double click, a retried
request) is a no-op that returns the case unchanged. When someone else moved
the case in between to a *different* outcome (two staff assigning to two
units at once), the loser gets ``MSG_CONCURRENT``. A caller that rendered a
form for state X may pass ``expected_state=X`` to be told the same when the
state has moved on meanwhile.
"""

import datetime as dt
import os
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from deputies.models import Deputy
from regions.scoping import region_in_scope
from units.models import HandlingUnit

from .. import access
from ..models import (
    Case,
    CaseAssignment,
    CaseKind,
    CaseNote,
    CaseState,
    ContactParty,
    ContactRecord,
    ContactWay,
    Feedback,
    FollowUpStatus,
    PhoneRevealLog,
    RaterKind,
    Rating,
    Reply,
    ReplyClass,
    SupervisionKind,
    SupervisionLevel,
    SupervisionRecord,
    UnitRole,
)
from ..models.cases import DeadlineKind
from ..workflow import (
    EVENTS,
    MSG_ALREADY_RATED,
    MSG_CO_UNIT_IS_LEAD,
    MSG_CONCURRENT,
    MSG_CONTACT_NOT_ALLOWED,
    MSG_CONTACT_PARTY,
    MSG_CONTACT_WAY,
    MSG_DATE_FUTURE,
    MSG_DEPUTY_INVALID,
    MSG_DISPUTE_WINDOW,
    MSG_EXTEND_ONCE,
    MSG_EXTEND_SUGGESTION_ONLY,
    MSG_FILE_SIZE,
    MSG_FILE_TYPE,
    MSG_KEY_SUPERVISION_LEADER,
    MSG_MERGE_NOT_FOUND,
    MSG_MERGE_SELF,
    MSG_MERGE_TARGET,
    MSG_NO_PERMISSION,
    MSG_NO_REPLY,
    MSG_NOT_ALLOWED,
    MSG_NOT_FOLLOWING,
    MSG_NOTE_NOT_ALLOWED,
    MSG_ON_SPOT_OPINION_ONLY,
    MSG_PUBLISH_NO_REPLY,
    MSG_RATING_INVALID,
    MSG_REASON_REQUIRED,
    MSG_REPLY_CLASS_INVALID,
    MSG_SUPERVISION_KIND,
    MSG_SUPERVISION_LEVEL,
    MSG_TEXT_REQUIRED,
    MSG_UNIT_INVALID,
    MSG_UNIT_OUT_OF_SCOPE,
    MSG_UNSATISFIED_REASON,
    TRANSITIONS,
    Actor,
    WorkflowError,
)
from . import deadlines
from .workflow import apply_transition, check_transition, lock_case, record_event

#: Signed reply scans: what a scanner or phone produces, and a sane size.
SIGNED_FILE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
SIGNED_FILE_MAX_BYTES = 10 * 1024 * 1024
_REVEAL_LABEL = _("查看完整号码")

# --- helpers -----------------------------------------------------------------------


def _require(text: str, message=MSG_REASON_REQUIRED) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(str(message))
    return text


def _check_expected(case: Case, expected_state) -> None:
    if expected_state and case.state != expected_state:
        raise WorkflowError(str(MSG_CONCURRENT))


def _already_done(case: Case, action: str, kinds: set[str], same_effect: bool = True) -> bool:
    """True when ``action`` has already brought the case where it would go.

    The user must still be allowed to take the action (no probing of other
    people's cases); if the earlier move had a different effect (another unit,
    another text) the user is told someone else got there first.
    """
    t = TRANSITIONS[action]
    if case.state != t.target or case.state in t.sources:
        return False
    if not (kinds & t.actors):
        raise WorkflowError(str(MSG_NO_PERMISSION % {"action": t.label}))
    if not same_effect:
        raise WorkflowError(str(MSG_CONCURRENT))
    return True


def _label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(user)[:50]


def _today() -> dt.date:
    return timezone.localdate()


def _transition(case, action, kinds, user, *, reason="", data=None, fields=(), now=None):
    return apply_transition(
        case=case,
        action=action,
        actor_kinds=kinds,
        user=user,
        actor_label=_label(user),
        reason=reason,
        data=data,
        extra_update_fields=list(fields),
        now=now,
    )


def _event(case, action, kinds, user, *, reason="", data=None, fields=(), now=None, actor_label=None):
    return record_event(
        case=case,
        action=action,
        actor_kinds=kinds,
        user=user,
        actor_label=_label(user) if actor_label is None else actor_label,
        reason=reason,
        data=data,
        extra_update_fields=list(fields),
        now=now,
    )


def _check_event(case: Case, action: str, kinds: set[str]) -> None:
    """The state/actor check of ``record_event`` before we write other rows."""
    label, states, actors = EVENTS[action]
    if case.state not in states:
        raise WorkflowError(str(MSG_NOT_ALLOWED % {"state": case.get_state_display(), "action": label}))
    if not (kinds & actors):
        raise WorkflowError(str(MSG_NO_PERMISSION % {"action": label}))


def _load_unit(unit_id, case: Case, user):

    try:
        unit = HandlingUnit.objects.select_related("region").get(pk=unit_id, is_active=True)
    except (HandlingUnit.DoesNotExist, ValueError, TypeError):
        raise WorkflowError(str(MSG_UNIT_INVALID)) from None
    # A unit of the staff member's own subtree, or a unit above the case's
    # region (a city bureau may handle a district's case).
    above_case = case.region is not None and case.region.code.startswith(unit.region.prefix)
    if not (above_case or region_in_scope(user, unit.region)):
        raise WorkflowError(str(MSG_UNIT_OUT_OF_SCOPE))
    return unit


def _create_assignments(case: Case, user, lead_unit_id, co_unit_ids: Iterable, now) -> tuple:
    lead = _load_unit(lead_unit_id, case, user)
    co_units = []
    seen = set()
    for unit_id in co_unit_ids or ():
        if str(unit_id) == str(lead.pk):
            raise WorkflowError(str(MSG_CO_UNIT_IS_LEAD))
        if str(unit_id) in seen:
            continue
        seen.add(str(unit_id))
        co_units.append(_load_unit(unit_id, case, user))
    rows = [
        CaseAssignment(
            case=case,
            unit=lead,
            role=UnitRole.LEAD,
            assigned_at=now,
            assigned_by=user,
            dispute_until=deadlines.dispute_deadline(now),
            case_open=True,  # assign and reassign lead to ASSIGNED, an open state
        )
    ]
    rows += [CaseAssignment(case=case, unit=u, role=UnitRole.CO, assigned_at=now, assigned_by=user, case_open=True) for u in co_units]
    CaseAssignment.objects.bulk_create(rows)
    case.lead_unit = lead
    case.assigned_at = now
    return lead, co_units


def _assignment_data(lead, co_units) -> dict:
    return {
        "lead_unit": lead.pk,
        "lead_unit_name": lead.name,
        "co_units": [u.pk for u in co_units],
        "co_unit_names": [u.name for u in co_units],
    }


# --- review (初审) -------------------------------------------------------------------


def case_accept(*, case_id, user, reason: str = "", expected_state=None) -> Case:
    """受理: staff accept a submitted case; the assign deadline starts."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if _already_done(case, "accept", kinds):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "accept", kinds)
        now = timezone.now()
        case.accepted_at = now
        fields = ["accepted_at", *deadlines.set_deadline(case, DeadlineKind.ASSIGN, start=now)]
        _transition(case, "accept", kinds, user, reason=(reason or "").strip(), fields=fields, now=now)
        return case


def _close_review(action: str, *, case_id, user, reason, expected_state, data=None) -> Case:
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if _already_done(case, action, kinds):
            return case
        _check_expected(case, expected_state)
        check_transition(case, action, kinds)
        reason = _require(reason)
        _transition(case, action, kinds, user, reason=reason, data=data, fields=deadlines.clear_deadline(case))
        return case


def case_return(*, case_id, user, reason: str, expected_state=None) -> Case:
    """退回: back to the submitter with a reason (a deputy may revise and resubmit)."""
    return _close_review("return", case_id=case_id, user=user, reason=reason, expected_state=expected_state)


def case_redirect(*, case_id, user, reason: str, expected_state=None) -> Case:
    """转其他渠道: out of scope (personal disputes, court cases, 信访); the reason names the channel."""
    return _close_review("redirect", case_id=case_id, user=user, reason=reason, expected_state=expected_state)


def case_reject(*, case_id, user, reason: str, expected_state=None) -> Case:
    """不予受理: spam, abuse, nothing to act on."""
    return _close_review("reject", case_id=case_id, user=user, reason=reason, expected_state=expected_state)


def case_merge(*, case_id, user, into_case_id, reason: str = "", expected_state=None) -> Case:
    """并案: a duplicate joins an open case; the resident can follow the other one."""
    if str(into_case_id) == str(case_id):
        raise WorkflowError(str(MSG_MERGE_SELF))
    with transaction.atomic():
        # Lock both rows, lower id first, so two opposite merges cannot deadlock.
        try:
            ids = sorted([int(case_id), int(into_case_id)])
        except (TypeError, ValueError):
            raise WorkflowError(str(MSG_MERGE_NOT_FOUND)) from None
        locked = {}
        for pk in ids:
            try:
                locked[pk] = lock_case(pk)
            except Case.DoesNotExist:
                if pk == int(case_id):
                    raise
                raise WorkflowError(str(MSG_MERGE_NOT_FOUND)) from None
        case, target = locked[int(case_id)], locked[int(into_case_id)]
        kinds = access.actor_kinds(user, case)
        if _already_done(case, "merge", kinds, same_effect=case.merged_into_id == target.pk):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "merge", kinds)
        if Actor.STAFF not in access.actor_kinds(user, target):
            raise WorkflowError(str(MSG_MERGE_NOT_FOUND))
        if not target.is_open:
            raise WorkflowError(str(MSG_MERGE_TARGET))
        case.merged_into = target
        fields = ["merged_into", *deadlines.clear_deadline(case)]
        data = {"into": target.pk, "into_tracking_code": target.tracking_code}
        _transition(case, "merge", kinds, user, reason=(reason or "").strip(), data=data, fields=fields)
        return case


def case_answer_on_spot(*, case_id, user, text: str, expected_state=None) -> Case:
    """当场答复: staff or the station's liaison officer answer a resident at once; closed."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        last = case.replies.order_by("-created_at", "-id").first()
        same = bool(last and last.on_the_spot and last.text == (text or "").strip())
        if _already_done(case, "answer_on_spot", kinds, same_effect=same):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "answer_on_spot", kinds)
        if case.kind != CaseKind.OPINION:
            raise WorkflowError(str(MSG_ON_SPOT_OPINION_ONLY))
        text = _require(text, MSG_TEXT_REQUIRED)
        now = timezone.now()
        Reply.objects.create(case=case, author=user, round=1, text=text, on_the_spot=True, created_at=now)
        case.replied_at = now
        case.closed_at = now
        fields = ["replied_at", "closed_at", *deadlines.clear_deadline(case)]
        _transition(case, "answer_on_spot", kinds, user, reason=text, fields=fields, now=now)
        return case


def case_resubmit(*, case_id, user, title: str | None = None, content: str | None = None, expected_state=None) -> Case:
    """修改后重新提出: the lead deputy revises a returned suggestion."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if _already_done(case, "resubmit", kinds):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "resubmit", kinds)
        fields = []
        if title is not None:
            case.title = _require(title, MSG_TEXT_REQUIRED)[:120]
            fields.append("title")
        if content is not None:
            case.content = _require(content, MSG_TEXT_REQUIRED)
            fields.append("content")
        _transition(case, "resubmit", kinds, user, fields=fields)
        return case


# --- assignment (交办) ---------------------------------------------------------------


def case_assign(
    *,
    case_id,
    user,
    lead_unit_id,
    co_unit_ids=(),
    responsible_deputy_id=None,
    reason: str = "",
    expected_state=None,
) -> Case:
    """交办: one lead unit (主办), optional co-units (会办), a responsible deputy.

    The lead unit may dispute until ``dispute_until``; the reply deadline starts.
    """
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if _already_done(case, "assign", kinds, same_effect=str(case.lead_unit_id) == str(lead_unit_id)):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "assign", kinds)
        now = timezone.now()
        fields = ["lead_unit", "assigned_at"]
        if responsible_deputy_id:
            deputy = None
            if str(responsible_deputy_id).isdigit():
                deputy = Deputy.objects.filter(pk=responsible_deputy_id, is_active=True).first()
            if deputy is None:
                raise WorkflowError(str(MSG_DEPUTY_INVALID))
            case.responsible_deputy = deputy
            fields.append("responsible_deputy")
        lead, co_units = _create_assignments(case, user, lead_unit_id, co_unit_ids, now)
        fields += deadlines.set_deadline(case, DeadlineKind.REPLY, start=now)
        data = _assignment_data(lead, co_units)
        if case.responsible_deputy_id:
            data["responsible_deputy"] = case.responsible_deputy_id
        _transition(case, "assign", kinds, user, reason=(reason or "").strip(), data=data, fields=fields, now=now)
        return case


def case_dispute(*, case_id, user, reason: str, expected_state=None) -> Case:
    """交办异议: the lead unit says the case is not theirs, within the dispute window."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if _already_done(case, "dispute", kinds):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "dispute", kinds)
        reason = _require(reason)
        lead = case.assignments.filter(is_active=True, role=UnitRole.LEAD).first()
        today = _today()
        if lead is None or (lead.dispute_until and today > lead.dispute_until):
            until = lead.dispute_until.isoformat() if lead and lead.dispute_until else "-"
            raise WorkflowError(str(MSG_DISPUTE_WINDOW % {"date": until}))
        now = timezone.now()
        lead.disputed_at = now
        lead.dispute_reason = reason
        lead.save(update_fields=["disputed_at", "dispute_reason"])
        # Staff now owe a reassignment, on the assignment clock.
        fields = deadlines.set_deadline(case, DeadlineKind.ASSIGN, start=now)
        data = {"unit": lead.unit_id, "unit_name": lead.unit.name}
        _transition(case, "dispute", kinds, user, reason=reason, data=data, fields=fields, now=now)
        return case


def case_reassign(*, case_id, user, lead_unit_id, co_unit_ids=(), reason: str, expected_state=None) -> Case:
    """分办调整: staff move the case to other units; earlier assignments end."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        _check_expected(case, expected_state)
        check_transition(case, "reassign", kinds)
        reason = _require(reason)
        now = timezone.now()
        previous = case.lead_unit_id
        case.assignments.filter(is_active=True).update(is_active=False)
        lead, co_units = _create_assignments(case, user, lead_unit_id, co_unit_ids, now)
        fields = ["lead_unit", "assigned_at", *deadlines.set_deadline(case, DeadlineKind.REPLY, start=now)]
        data = {**_assignment_data(lead, co_units), "previous_lead_unit": previous}
        _transition(case, "reassign", kinds, user, reason=reason, data=data, fields=fields, now=now)
        return case


# --- handling and reply (办理、答复) -----------------------------------------------------


def case_start_handling(*, case_id, user, expected_state=None) -> Case:
    """签收办理: the lead unit takes the case on (ends its dispute window)."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if _already_done(case, "start_handling", kinds):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "start_handling", kinds)
        _transition(case, "start_handling", kinds, user)
        return case


def _user_unit_on_case(case: Case, user):
    """The user's unit among the case's active assignments (lead first)."""
    if not user or not user.is_authenticated:
        return None
    rows = case.assignments.filter(is_active=True, unit__members=user).select_related("unit").order_by("role")
    # "co" < "lead" alphabetically: pick the lead row explicitly.
    found = list(rows)
    for row in found:
        if row.role == UnitRole.LEAD:
            return row.unit
    return found[0].unit if found else None


def case_add_contact(*, case_id, user, contact_date, way: str, party: str, summary: str) -> ContactRecord:
    """三见面: a contact record by a lead/co-unit member, the responsible deputy or staff."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        unit = _user_unit_on_case(case, user)
        if unit is not None:
            kinds.add(Actor.UNIT)  # co-units contact people too
        if not (kinds & {Actor.STAFF, Actor.UNIT, Actor.DEPUTY}):
            raise WorkflowError(str(MSG_CONTACT_NOT_ALLOWED))
        _check_event(case, "contact", kinds)
        if way not in ContactWay.values:
            raise WorkflowError(str(MSG_CONTACT_WAY))
        if party not in ContactParty.values:
            raise WorkflowError(str(MSG_CONTACT_PARTY))
        summary = _require(summary, MSG_TEXT_REQUIRED)
        if isinstance(contact_date, str):
            try:
                contact_date = dt.date.fromisoformat(contact_date)
            except ValueError:
                raise WorkflowError(str(MSG_TEXT_REQUIRED)) from None
        if contact_date > _today():
            raise WorkflowError(str(MSG_DATE_FUTURE))
        record = ContactRecord.objects.create(
            case=case, unit=unit, author=user, contact_date=contact_date, way=way, party=party, summary=summary
        )
        _event(
            case,
            "contact",
            kinds,
            user,
            reason=summary,
            data={"contact": record.pk, "way": way, "party": party, "date": contact_date.isoformat(), "unit": unit.pk if unit else None},
        )
        return record


def validate_signed_file(signed_file) -> None:
    """Type by extension and magic bytes, size by the upload's size."""
    if not signed_file:
        return
    name = getattr(signed_file, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in SIGNED_FILE_EXTENSIONS:
        raise WorkflowError(str(MSG_FILE_TYPE))
    size = getattr(signed_file, "size", None)
    if size is not None and size > SIGNED_FILE_MAX_BYTES:
        raise WorkflowError(str(MSG_FILE_SIZE % {"mb": SIGNED_FILE_MAX_BYTES // (1024 * 1024)}))
    head = b""
    if hasattr(signed_file, "read"):
        pos = signed_file.tell() if hasattr(signed_file, "tell") else 0
        head = signed_file.read(8)
        signed_file.seek(pos)
    magic_ok = {
        ".pdf": head.startswith(b"%PDF"),
        ".jpg": head.startswith(b"\xff\xd8\xff"),
        ".jpeg": head.startswith(b"\xff\xd8\xff"),
        ".png": head.startswith(b"\x89PNG"),
    }[ext]
    if not magic_ok:
        raise WorkflowError(str(MSG_FILE_TYPE))


def case_reply(*, case_id, user, text: str, reply_class_code: str, signed_file=None, expected_state=None) -> Case:
    """答复: the lead unit replies with a result class (A/B/C…); round 2, 3… after re-handling."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        last = case.replies.order_by("-created_at", "-id").first()
        same = bool(last and not last.on_the_spot and last.text == (text or "").strip())
        if _already_done(case, "reply", kinds, same_effect=same):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "reply", kinds)
        text = _require(text, MSG_TEXT_REQUIRED)
        reply_class = ReplyClass.objects.filter(code=reply_class_code, is_active=True).first() if reply_class_code else None
        if reply_class is None:
            raise WorkflowError(str(MSG_REPLY_CLASS_INVALID))
        validate_signed_file(signed_file)
        now = timezone.now()
        round_no = case.replies.filter(on_the_spot=False).count() + 1
        reply = Reply(case=case, unit=case.lead_unit, author=user, round=round_no, text=text, reply_class=reply_class, created_at=now)
        if signed_file:
            reply.signed_file = signed_file
        reply.save()
        case.reply_class = reply_class
        case.replied_at = now
        fields = ["reply_class", "replied_at", *deadlines.clear_deadline(case)]
        data = {"reply": reply.pk, "round": round_no, "reply_class": reply_class.code}
        _transition(case, "reply", kinds, user, data=data, fields=fields, now=now)
        return case


# --- feedback (满意度测评) ---------------------------------------------------------------


def case_feedback(
    *,
    case_id,
    rating: str,
    user=None,
    as_resident: bool = False,
    attitude_rating: str = "",
    result_rating: str = "",
    comment: str = "",
    expected_state=None,
) -> Case:
    """满意度测评 of the latest reply. ``as_resident`` only when the caller has
    verified the resident (tracking code + last four phone digits); otherwise
    ``user`` must be the responsible / lead deputy. 不满意 needs reasons and
    sends the case back for re-handling with a re-reply deadline."""
    if rating not in Rating.values:
        raise WorkflowError(str(MSG_RATING_INVALID))
    for sub in (attitude_rating, result_rating):
        if sub and sub not in Rating.values:
            raise WorkflowError(str(MSG_RATING_INVALID))
    comment = (comment or "").strip()
    action = "feedback_unsatisfied" if rating == Rating.UNSATISFIED else "feedback"
    with transaction.atomic():
        case = lock_case(case_id)
        if as_resident:
            kinds = {Actor.RESIDENT}
            rater, deputy, actor_label = RaterKind.RESIDENT, None, "群众"
        else:
            kinds = access.actor_kinds(user, case) if user is not None else set()
            deputy = getattr(user, "deputy", None) if user is not None and user.is_authenticated else None
            rater, actor_label = RaterKind.DEPUTY, _label(user)
        reply = case.replies.filter(on_the_spot=False).order_by("-created_at", "-id").first()
        if case.state != CaseState.REPLIED:
            # A repeat of the feedback already given on this reply is a no-op.
            previous = reply.feedbacks.filter(rater=rater).first() if reply else None
            t = TRANSITIONS[action]
            if previous is not None and case.state == t.target:
                if not (kinds & t.actors):
                    raise WorkflowError(str(MSG_NO_PERMISSION % {"action": t.label}))
                if previous.rating == rating:
                    return case
                raise WorkflowError(str(MSG_CONCURRENT))
        _check_expected(case, expected_state)
        check_transition(case, action, kinds)
        if reply is None:
            raise WorkflowError(str(MSG_NO_REPLY))
        if rating == Rating.UNSATISFIED and not comment:
            raise WorkflowError(str(MSG_UNSATISFIED_REASON))
        if reply.feedbacks.filter(rater=rater).exists():
            raise WorkflowError(str(MSG_ALREADY_RATED))
        now = timezone.now()
        Feedback.objects.create(
            case=case,
            reply=reply,
            rater=rater,
            deputy=deputy if rater == RaterKind.DEPUTY else None,
            rating=rating,
            attitude_rating=attitude_rating or "",
            result_rating=result_rating or "",
            comment=comment,
            created_at=now,
        )
        case.satisfaction = rating
        fields = ["satisfaction"]
        if rating == Rating.UNSATISFIED:
            fields += deadlines.set_deadline(case, DeadlineKind.REREPLY, start=now)
        data = {"rating": rating, "rater": rater, "round": reply.round}
        if attitude_rating:
            data["attitude_rating"] = attitude_rating
        if result_rating:
            data["result_rating"] = result_rating
        apply_transition(
            case=case,
            action=action,
            actor_kinds=kinds,
            user=None if as_resident else user,
            actor_label=actor_label,
            reason=comment,
            data=data,
            extra_update_fields=fields,
            now=now,
        )
        return case


# --- closure and after (办结、公开、跟踪落实) ---------------------------------------------------


def case_close(*, case_id, user, reason: str = "", expected_state=None) -> Case:
    """办结: after feedback (or when none can come). A reply class that needs
    follow-up (B 正在解决或列入计划) keeps the case under 跟踪落实."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if _already_done(case, "close", kinds):
            return case
        _check_expected(case, expected_state)
        check_transition(case, "close", kinds)
        now = timezone.now()
        case.closed_at = now
        fields = ["closed_at", "follow_up_status", *deadlines.clear_deadline(case)]
        reply_class = ReplyClass.objects.filter(pk=case.reply_class_id).first() if case.reply_class_id else None
        case.follow_up_status = FollowUpStatus.FOLLOWING if reply_class and reply_class.requires_follow_up else FollowUpStatus.NONE
        data = {"follow_up": case.follow_up_status} if case.follow_up_status else {}
        _transition(case, "close", kinds, user, reason=(reason or "").strip(), data=data, fields=fields, now=now)
        return case


def case_mark_implemented(*, case_id, user, note: str) -> Case:
    """确认已落实: a closed B-class case's promise has been kept; follow-up ends."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        _check_event(case, "implemented", kinds)
        if case.follow_up_status == FollowUpStatus.IMPLEMENTED:
            return case
        if case.follow_up_status != FollowUpStatus.FOLLOWING:
            raise WorkflowError(str(MSG_NOT_FOLLOWING))
        note = _require(note, MSG_TEXT_REQUIRED)
        now = timezone.now()
        case.follow_up_status = FollowUpStatus.IMPLEMENTED
        case.implemented_at = now
        _event(case, "implemented", kinds, user, reason=note, fields=["follow_up_status", "implemented_at"], now=now)
        return case


def case_publish(*, case_id, user) -> Case:
    """公开答复: the closed case's reply goes on the public pages."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        _check_event(case, "publish", kinds)
        if case.is_published:
            return case
        if not case.replies.exists():
            raise WorkflowError(str(MSG_PUBLISH_NO_REPLY))
        now = timezone.now()
        case.is_published = True
        case.published_at = now
        _event(case, "publish", kinds, user, fields=["is_published", "published_at"], now=now)
        return case


# --- supervision and extension (督办、延期) ------------------------------------------------------


_LEVEL_RANK = {SupervisionLevel.NONE: 0, SupervisionLevel.ORDINARY: 1, SupervisionLevel.COMMITTEE: 2, SupervisionLevel.KEY: 3}


def case_supervise(*, case_id, user, level: str, kind: str, date, summary: str) -> Case:
    """督办: a supervision record (notice, site visit, hearing) at a level;
    the case carries its level. 主任会议重点督办 is chosen by leaders."""
    if level not in SupervisionLevel.values or not level:
        raise WorkflowError(str(MSG_SUPERVISION_LEVEL))
    if kind not in SupervisionKind.values:
        raise WorkflowError(str(MSG_SUPERVISION_KIND))
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        _check_event(case, "supervise", kinds)
        if level == SupervisionLevel.KEY and not (user.is_superuser or user.role == Role.LEADER or case.supervision_level == level):
            raise WorkflowError(str(MSG_KEY_SUPERVISION_LEADER))
        summary = _require(summary, MSG_TEXT_REQUIRED)
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise WorkflowError(str(MSG_TEXT_REQUIRED)) from None
        if date is None:
            date = _today()
        if date > _today():
            raise WorkflowError(str(MSG_DATE_FUTURE))
        record = SupervisionRecord.objects.create(case=case, level=level, kind=kind, date=date, summary=summary, author=user)
        # A record never lowers the level leaders set; a higher one raises it.
        fields = []
        if _LEVEL_RANK[level] > _LEVEL_RANK.get(case.supervision_level, 0):
            case.supervision_level = level
            fields.append("supervision_level")
        data = {"record": record.pk, "level": level, "kind": kind, "date": date.isoformat()}
        _event(case, "supervise", kinds, user, reason=summary, data=data, fields=fields)
        return case


def case_request_supervision(*, case_id, user, reason: str) -> Case:
    """提请督办: the responsible / lead deputy asks staff to supervise."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        _check_event(case, "request_supervision", kinds)
        reason = _require(reason)
        _event(case, "request_supervision", kinds, user, reason=reason)
        return case


def case_extend(*, case_id, user, reason: str) -> Case:
    """延长答复期限: a wide-ranging or difficult suggestion gets 6 months
    instead of 3 (Deputies Law art. 51), once, with the approval recorded."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        _check_event(case, "extend", kinds)
        if case.kind != CaseKind.SUGGESTION:
            raise WorkflowError(str(MSG_EXTEND_SUGGESTION_ONLY))
        if case.reply_extended:
            raise WorkflowError(str(MSG_EXTEND_ONCE))
        reason = _require(reason)
        old = case.deadline
        case.reply_extended = True
        fields = ["reply_extended", *deadlines.set_deadline(case, DeadlineKind.REPLY, start=case.assigned_at)]
        data = {"old_deadline": old.isoformat() if old else None, "new_deadline": case.deadline.isoformat()}
        _event(case, "extend", kinds, user, reason=reason, data=data, fields=fields)
        return case


def case_add_note(*, case_id, user, text: str) -> CaseNote:
    """内部备注 by staff, the case's units, its deputy or liaison officer (never shown to residents)."""
    with transaction.atomic():
        case = lock_case(case_id)
        kinds = access.actor_kinds(user, case)
        if not kinds and _user_unit_on_case(case, user) is None:
            raise WorkflowError(str(MSG_NOTE_NOT_ALLOWED))
        text = _require(text, MSG_TEXT_REQUIRED)
        return CaseNote.objects.create(case=case, author=user, text=text)


def case_reveal_phone(*, case_id, user, reason: str = "") -> str:
    """The resident's full number for those who must call back
    (``access.can_see_full_phone``); every reveal is logged (PIPL)."""
    from .intake import case_phone

    case = Case.objects.select_related("station").get(pk=case_id)
    if not access.can_see_full_phone(user, case):
        raise WorkflowError(str(MSG_NO_PERMISSION % {"action": _REVEAL_LABEL}))
    PhoneRevealLog.objects.create(case=case, user=user, reason=(reason or "")[:200])
    return case_phone(case)


__all__ = [
    "case_accept",
    "case_return",
    "case_redirect",
    "case_reject",
    "case_merge",
    "case_answer_on_spot",
    "case_resubmit",
    "case_assign",
    "case_dispute",
    "case_reassign",
    "case_start_handling",
    "case_add_contact",
    "case_reply",
    "case_feedback",
    "case_close",
    "case_supervise",
    "case_request_supervision",
    "case_extend",
    "case_publish",
    "case_mark_implemented",
    "case_add_note",
    "case_reveal_phone",
    "validate_signed_file",
]

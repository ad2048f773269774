"""The single entry point that changes a case's state.

Every action service (``proposals.services.actions``) locks the row, checks
the transition table and the actor, applies its own rule (assignment rows,
reply rows…), then calls ``apply_transition`` in the same transaction, which
writes the new state (and the assignments' copy of it, ``case_open``) and the
history row. Nothing else writes ``state``.
"""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Case, CaseAssignment, CaseEvent
from ..models.cases import FINAL_STATES
from ..signals import case_event_committed
from ..workflow import (
    EVENTS,
    MSG_NO_PERMISSION,
    MSG_NOT_ALLOWED,
    MSG_UNKNOWN_ACTION,
    TRANSITIONS,
    WorkflowError,
)

logger = logging.getLogger(__name__)


def announce(event: CaseEvent) -> None:
    """After commit, tell the apps above the case core (notifications derives
    messages and reminders from it, statistics updates its figures) through
    ``proposals.signals.case_event_committed``. Never before commit, never
    with the instance: only the id crosses (style.md "Background work")."""
    event_id = event.pk
    transaction.on_commit(lambda: _send_committed(event_id))


def _send_committed(event_id: int) -> None:
    for receiver, result in case_event_committed.send_robust(sender=CaseEvent, event_id=event_id):
        if isinstance(result, Exception):
            logger.error("case_event_committed receiver %r failed for event %s", receiver, event_id, exc_info=result)


def lock_case(case_id: int) -> Case:
    """Fetch and lock a case row for the rest of the current transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_case() must run inside transaction.atomic()")
    return Case.objects.select_for_update().get(pk=case_id)


def is_noop(case: Case, action: str) -> bool:
    """True when the action would move the case to the state it is already in
    from a state that is not one of the action's sources (a double click)."""
    t = TRANSITIONS.get(action)
    return bool(t and case.state == t.target and case.state not in t.sources)


def check_transition(case: Case, action: str, actor_kinds: set[str]) -> None:
    t = TRANSITIONS.get(action)
    if t is None:
        raise WorkflowError(MSG_UNKNOWN_ACTION % {"action": action})
    if case.state not in t.sources:
        raise WorkflowError(MSG_NOT_ALLOWED % {"state": case.get_state_display(), "action": t.label})
    if not (actor_kinds & t.actors):
        raise WorkflowError(MSG_NO_PERMISSION % {"action": t.label})


def apply_transition(
    *,
    case: Case,
    action: str,
    actor_kinds: set[str],
    user=None,
    actor_label: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    extra_update_fields: list[str] | None = None,
    now=None,
) -> CaseEvent:
    """Move a locked case along ``action`` and write its history row.

    The caller has locked ``case`` (``lock_case``) and may have changed other
    fields of it; name them in ``extra_update_fields`` to save them with the
    state in one UPDATE.
    """
    check_transition(case, action, actor_kinds)
    now = now or timezone.now()
    t = TRANSITIONS[action]
    from_state = case.state
    case.state = t.target
    case.state_changed_at = now
    fields = ["state", "state_changed_at", "updated_at", *(extra_update_fields or [])]
    case.save(update_fields=list(dict.fromkeys(fields)))
    if (from_state in FINAL_STATES) != (t.target in FINAL_STATES):
        # Closed, returned, merged… or taken up again (resubmit): the
        # assignments' copy of "open" follows (unit workspace, 在办).
        CaseAssignment.objects.filter(case=case).update(case_open=t.target not in FINAL_STATES)
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=t.target,
        actor=user if user is not None and user.is_authenticated else None,
        actor_label=actor_label,
        reason=reason,
        data=data or {},
        created_at=now,
    )
    announce(event)
    return event


def record_event(
    *,
    case: Case,
    action: str,
    actor_kinds: set[str],
    user=None,
    actor_label: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    extra_update_fields: list[str] | None = None,
    now=None,
) -> CaseEvent:
    """Record an event that does not change the state (supervision, extension…)."""
    if action not in EVENTS:
        raise WorkflowError(MSG_UNKNOWN_ACTION % {"action": action})
    label, states, actors = EVENTS[action]
    if case.state not in states:
        raise WorkflowError(MSG_NOT_ALLOWED % {"state": case.get_state_display(), "action": label})
    if not (actor_kinds & actors):
        raise WorkflowError(MSG_NO_PERMISSION % {"action": label})
    now = now or timezone.now()
    if extra_update_fields:
        case.save(update_fields=list(dict.fromkeys(["updated_at", *extra_update_fields])))
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=case.state,
        to_state=case.state,
        actor=user if user is not None and user.is_authenticated else None,
        actor_label=actor_label,
        reason=reason,
        data=data or {},
        created_at=now,
    )
    announce(event)
    return event

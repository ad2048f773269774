"""Every state × every action: moves in the table succeed, moves to the
current state are no-ops, everything else is refused and writes nothing."""

import pytest

from proposals.models import CaseEvent, CaseState, ContactParty, ContactWay, Rating, SupervisionKind, SupervisionLevel
from proposals.services import actions
from proposals.workflow import EVENTS, MSG_CONCURRENT, TRANSITIONS, WorkflowError

from .builders import REPLY_TEXT, case_in_state, today

pytestmark = pytest.mark.django_db


def call(world, action, case):
    cid = case.pk
    if action == "accept":
        return actions.case_accept(case_id=cid, user=world.staff)
    if action == "return":
        return actions.case_return(case_id=cid, user=world.staff, reason="请补充具体位置")
    if action == "redirect":
        return actions.case_redirect(case_id=cid, user=world.staff, reason="涉法涉诉")
    if action == "reject":
        return actions.case_reject(case_id=cid, user=world.staff, reason="无实际内容")
    if action == "merge":
        return actions.case_merge(case_id=cid, user=world.staff, into_case_id=world.opinion().pk)
    if action == "answer_on_spot":
        return actions.case_answer_on_spot(case_id=cid, user=world.staff, text="当场解释了政策")
    if action == "resubmit":
        return actions.case_resubmit(case_id=cid, user=world.deputy_user, content="补充：位于鼓楼街12号")
    if action == "assign":
        return actions.case_assign(case_id=cid, user=world.staff, lead_unit_id=world.unit_a.pk)
    if action == "dispute":
        return actions.case_dispute(case_id=cid, user=world.unit_a_user, reason="不属于本单位职责")
    if action == "reassign":
        return actions.case_reassign(case_id=cid, user=world.staff, lead_unit_id=world.unit_b.pk, reason="调整")
    if action == "start_handling":
        return actions.case_start_handling(case_id=cid, user=world.unit_a_user)
    if action == "reply":
        return actions.case_reply(case_id=cid, user=world.unit_a_user, text=REPLY_TEXT, reply_class_code="B")
    if action == "feedback":
        return actions.case_feedback(case_id=cid, user=world.deputy_user, rating=Rating.SATISFIED)
    if action == "feedback_unsatisfied":
        return actions.case_feedback(case_id=cid, user=world.deputy_user, rating=Rating.UNSATISFIED, comment="问题未解决")
    if action == "close":
        return actions.case_close(case_id=cid, user=world.staff)
    raise AssertionError(f"no call for {action}")


# A repeat with a *different* effect than the move that happened (merge into
# another case, an on-the-spot answer to a case closed after a reply) is told
# someone else acted, rather than silently ignored.
DIFFERENT_EFFECT = {"merge", "answer_on_spot"}


def expected(state, action):
    t = TRANSITIONS[action]
    if state in t.sources:
        return "ok"
    if state == t.target:
        return "refused" if action in DIFFERENT_EFFECT else "noop"
    return "refused"


def test_every_action_is_covered():
    assert set(TRANSITIONS) == {
        "accept", "return", "redirect", "merge", "reject", "answer_on_spot", "resubmit", "assign",
        "dispute", "reassign", "start_handling", "reply", "feedback", "feedback_unsatisfied", "close",
    }  # fmt: skip


@pytest.mark.parametrize("state", list(CaseState.values))
def test_state_by_action_walk(world, state):
    results = {}
    for action, t in TRANSITIONS.items():
        case = case_in_state(world, state)
        events_before = CaseEvent.objects.filter(case=case).count()
        want = expected(state, action)
        if want == "ok":
            result = call(world, action, case)
            assert result.state == t.target, (state, action)
            case.refresh_from_db()
            assert case.state == t.target
            last = CaseEvent.objects.filter(case=case).latest("created_at", "id")
            assert (last.action, last.from_state, last.to_state) == (action, state, t.target)
            assert last.actor is not None
        elif want == "noop":
            result = call(world, action, case)
            assert result.state == state
            assert CaseEvent.objects.filter(case=case).count() == events_before, (state, action)
        else:
            with pytest.raises(WorkflowError) as err:
                call(world, action, case)
            message = str(err.value)
            assert message and ("不能执行" in message or "无权" in message or message == str(MSG_CONCURRENT)), message
            if "不能执行" in message:
                assert str(CaseState(state).label) in message and str(t.label) in message
            case.refresh_from_db()
            assert case.state == state
            assert CaseEvent.objects.filter(case=case).count() == events_before
        results[action] = want
    assert len(results) == len(TRANSITIONS)


def event_call(world, action, case):
    cid = case.pk
    if action == "supervise":
        return actions.case_supervise(
            case_id=cid, user=world.staff, level=SupervisionLevel.ORDINARY, kind=SupervisionKind.NOTICE, date=today(), summary="发督办函"
        )
    if action == "request_supervision":
        return actions.case_request_supervision(case_id=cid, user=world.deputy_user, reason="群众多次反映")
    if action == "contact":
        return actions.case_add_contact(
            case_id=cid, user=world.staff, contact_date=today(), way=ContactWay.PHONE, party=ContactParty.RESIDENT, summary="回访"
        )
    if action == "publish":
        return actions.case_publish(case_id=cid, user=world.staff)
    raise AssertionError(action)


@pytest.mark.parametrize("action", ["supervise", "request_supervision", "contact", "publish"])
def test_events_are_allowed_only_in_their_states_and_never_move_the_state(world, action):
    _label, allowed_states, _actors = EVENTS[action]
    for state in CaseState.values:
        case = case_in_state(world, state)
        before = CaseEvent.objects.filter(case=case).count()
        if state in allowed_states:
            event_call(world, action, case)
            case.refresh_from_db()
            assert case.state == state
            assert CaseEvent.objects.filter(case=case, action=action).count() == 1
        else:
            with pytest.raises(WorkflowError, match="不能执行"):
                event_call(world, action, case)
            assert CaseEvent.objects.filter(case=case).count() == before


def test_outsiders_are_refused_every_action_they_have_no_role_in(world):
    """Staff of another county, a unit without the case and an unrelated user."""
    case = case_in_state(world, CaseState.SUBMITTED)
    for user in (world.other_staff, world.unit_b_user):
        with pytest.raises(WorkflowError, match="无权"):
            actions.case_accept(case_id=case.pk, user=user)
    case = case_in_state(world, CaseState.ASSIGNED)
    with pytest.raises(WorkflowError, match="无权"):
        actions.case_start_handling(case_id=case.pk, user=world.unit_b_user)
    with pytest.raises(WorkflowError, match="无权"):
        actions.case_dispute(case_id=case.pk, user=world.staff, reason="x")
    case = case_in_state(world, CaseState.IN_HANDLING)
    with pytest.raises(WorkflowError, match="无权"):
        actions.case_reply(case_id=case.pk, user=world.unit_b_user, text="x", reply_class_code="A")
    # A repeat by someone without the right is refused too, not a silent no-op.
    case = case_in_state(world, CaseState.ACCEPTED)
    with pytest.raises(WorkflowError, match="无权"):
        actions.case_accept(case_id=case.pk, user=world.other_staff)


def test_assigning_again_to_the_same_unit_is_a_noop_but_to_another_unit_is_refused(world):
    case = case_in_state(world, CaseState.ASSIGNED)
    n = CaseEvent.objects.filter(case=case).count()
    assert actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk).lead_unit_id == world.unit_a.pk
    with pytest.raises(WorkflowError, match="刚被他人处理"):
        actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_b.pk)
    assert CaseEvent.objects.filter(case=case).count() == n


def test_expected_state_guards_a_stale_form(world):
    case = case_in_state(world, CaseState.ACCEPTED)
    with pytest.raises(WorkflowError, match="刚被他人处理"):
        actions.case_return(case_id=case.pk, user=world.staff, reason="x", expected_state=CaseState.SUBMITTED)

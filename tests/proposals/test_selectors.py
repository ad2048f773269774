"""Timeline and list selectors."""

import pytest

from proposals import selectors
from proposals.models import CaseState, Rating
from proposals.services import actions

from .builders import case_in_state

pytestmark = pytest.mark.django_db


def test_public_timeline_uses_plain_words_and_hides_internal_steps(world, django_assert_num_queries):
    case = case_in_state(world, CaseState.DISPUTED)
    actions.case_reassign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_b.pk, reason="内部调整原因")
    actions.case_request_supervision(case_id=case.pk, user=world.deputy_user, reason="请督办")
    with django_assert_num_queries(1):
        steps = selectors.case_timeline(case)
    labels = [s.label for s in steps]
    assert labels == ["已收到", "已受理", "已交办", "已交办"]
    assert all(s.actor == "" and s.reason == "" for s in steps)
    assert "主办：杏花岭区城市管理局" in steps[-1].detail
    internal = selectors.case_timeline(case, audience="internal")
    assert [s.action for s in internal][-3:] == ["dispute", "reassign", "request_supervision"]
    assert internal[-2].reason == "内部调整原因" and internal[-2].actor


def test_public_timeline_tells_residents_why_a_case_was_returned(world):
    case = world.opinion()
    actions.case_return(case_id=case.pk, user=world.staff, reason="请补充具体地址")
    steps = selectors.case_timeline(case)
    assert steps[-1].label == "已退回" and steps[-1].reason == "请补充具体地址"


def test_timeline_of_a_full_case(world):
    case = case_in_state(world, CaseState.REHANDLING)
    actions.case_reply(case_id=case.pk, user=world.unit_a_user, text="第二次答复", reply_class_code="A")
    actions.case_feedback(case_id=case.pk, user=world.deputy_user, rating=Rating.SATISFIED)
    labels = [s.label for s in selectors.case_timeline(case)]
    assert labels == ["已收到", "已受理", "已交办", "办理中", "已答复", "不满意，重新办理", "已答复", "已评价"]
    assert selectors.case_timeline(case)[-2].detail == "第 2 次答复"


def test_overdue_board_and_unit_counts_respect_scope(world):
    import datetime as dt

    from proposals.models import Case

    late = case_in_state(world, CaseState.IN_HANDLING)
    Case.objects.filter(pk=late.pk).update(deadline=dt.date(2024, 1, 1))
    assert selectors.overdue_board(world.other_staff).groups == []
    board = selectors.overdue_board(world.staff).groups
    assert board[0]["unit"] == world.unit_a and board[0]["cases"][0]["case"].pk == late.pk
    assert selectors.unit_action_counts(world.unit_a_user)["overdue"] == 1
    assert selectors.unit_action_counts(world.unit_b_user)["overdue"] == 0


def test_case_choice_labels_match_djangos_and_follow_the_language(world):
    """Case overrides get_state/kind/deadline_kind_display for speed: the same
    text as Django's generated methods, in the active language."""
    from django.db.models import Model
    from django.utils import translation

    from proposals.models import Case, CaseKind, CaseState
    from proposals.models.cases import DeadlineKind

    case = world.opinion()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for field, values in (("state", CaseState.values), ("kind", CaseKind.values), ("deadline_kind", ["", *DeadlineKind.values])):
                for value in values:
                    setattr(case, field, value)
                    ours = getattr(case, f"get_{field}_display")()
                    django = Model._get_FIELD_display(case, Case._meta.get_field(field))
                    assert ours == django, (lang, field, value)
    case.state = "gone"
    assert case.get_state_display() == "gone"


def test_overdue_board_shows_the_most_overdue_of_each_unit_and_counts_the_rest(world):
    import datetime as dt

    from django.utils import timezone

    from proposals.models import Case

    cases = [case_in_state(world, CaseState.IN_HANDLING) for _ in range(4)]
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(deadline=dt.date(2024, 1, 1) + dt.timedelta(days=i))
    board = selectors.overdue_board(world.staff, per_group=2)
    [group] = board.groups
    assert group["unit"] == world.unit_a and group["count"] == 4 and group["more"] == 2
    assert [row["case"].pk for row in group["cases"]] == [cases[0].pk, cases[1].pk]  # the longest overdue first
    assert group["max_days"] == (timezone.localdate() - dt.date(2024, 1, 1)).days
    assert (board.total, board.other_groups, board.other_cases) == (4, 0, 0)
    # Another unit with fewer overdue cases, beyond the units shown: counted, not listed.
    other = case_in_state(world, CaseState.ASSIGNED)
    actions.case_reassign(case_id=other.pk, user=world.staff, lead_unit_id=world.unit_b.pk, reason="调整")
    Case.objects.filter(pk=other.pk).update(deadline=dt.date(2024, 3, 1))
    unassigned = case_in_state(world, CaseState.ACCEPTED)
    Case.objects.filter(pk=unassigned.pk).update(deadline=dt.date(2024, 3, 1))
    board = selectors.overdue_board(world.staff, per_group=2, max_groups=2)
    assert [g["count"] for g in board.groups] == [4, 1] and board.groups[0]["unit"] == world.unit_a
    assert (board.total, board.other_groups, board.other_cases) == (6, 1, 1)
    everyone = selectors.overdue_board(world.staff)
    assert {g["unit"].pk if g["unit"] else None for g in everyone.groups} == {world.unit_a.pk, world.unit_b.pk, None}

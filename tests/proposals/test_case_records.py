"""One query for the records of a case page, and actor checks that cost no
query on a case loaded with the actor flags."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from proposals import access, selectors
from proposals.models import (
    Case,
    CaseNote,
    CaseSigner,
    CaseState,
    ContactRecord,
    Feedback,
    Rating,
    Reply,
    SignerRole,
    SignerStatus,
    SupervisionRecord,
)
from proposals.services import actions
from proposals.workflow import Actor

from .builders import case_in_state

pytestmark = pytest.mark.django_db


def _full_case(world):
    """A case with two rounds of replies, feedback of both, contacts by two
    units, supervision records and notes."""
    case = case_in_state(world, CaseState.REHANDLING)
    actions.case_add_contact(
        case_id=case.pk, user=world.unit_a_user, contact_date=dt.date(2025, 3, 2), way="visit", party="resident", summary="上门了解情况"
    )
    actions.case_add_contact(
        case_id=case.pk, user=world.deputy_user, contact_date=dt.date(2025, 3, 1), way="phone", party="unit", summary="代表电话督促"
    )
    actions.case_supervise(
        case_id=case.pk, user=world.staff, level="ordinary", kind="notice", date=dt.date(2025, 3, 3), summary="发督办通知"
    )
    actions.case_add_note(case_id=case.pk, user=world.staff, text="内部备注一")
    world.staff.display_name = "区人大选联工委 张三"
    world.staff.save(update_fields=["display_name"])
    actions.case_add_note(case_id=case.pk, user=world.staff, text="内部备注二")
    actions.case_reply(case_id=case.pk, user=world.unit_a_user, text="第二次答复内容", reply_class_code="A")
    actions.case_feedback(case_id=case.pk, user=world.deputy_user, rating=Rating.SATISFIED)
    Reply.objects.filter(case=case, round=2).get().signed_file.save("答复.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return case


def test_case_records_reads_five_tables_in_one_query_and_matches_them(world, django_assert_num_queries):
    case = _full_case(world)
    with django_assert_num_queries(1):
        records = selectors.case_records(case)
        # Everything the pages print is there without another query.
        printed = [
            [
                (c.contact_date, c.get_way_display(), c.get_party_display(), c.unit.name if c.unit else "", c.summary)
                for c in records.contacts
            ],
            [(r.round, r.text, str(r.reply_class), r.unit.name, r.on_the_spot, bool(r.signed_file)) for r in records.replies],
            [(f.get_rater_display(), f.get_rating_display(), f.deputy.name if f.deputy else "", f.comment) for f in records.feedbacks],
            [(s.date, s.get_level_display(), s.get_kind_display(), str(s.author), s.summary) for s in records.supervision_records],
            [(str(n.author), n.text) for n in records.notes],
        ]
    # The same rows, in the same order, as one query per table would give.
    assert [c.pk for c in records.contacts] == list(ContactRecord.objects.filter(case=case).values_list("pk", flat=True))
    assert [r.pk for r in records.replies] == list(Reply.objects.filter(case=case).values_list("pk", flat=True))
    assert [f.pk for f in records.feedbacks] == list(Feedback.objects.filter(case=case).values_list("pk", flat=True))
    assert [s.pk for s in records.supervision_records] == list(SupervisionRecord.objects.filter(case=case).values_list("pk", flat=True))
    assert [n.pk for n in records.notes] == list(CaseNote.objects.filter(case=case).values_list("pk", flat=True))
    contacts, replies, feedbacks, supervision, notes = printed
    # Ordered by contact date (the deputy's call came first), the unit's name on its own record.
    assert contacts == [
        (dt.date(2025, 3, 1), "电话", "承办单位", "", "代表电话督促"),
        (dt.date(2025, 3, 2), "上门走访", "群众", world.unit_a.name, "上门了解情况"),
    ]
    assert [r[:3] for r in replies] == [
        (1, "经现场查看，已安排维修，三日内完成。", "B 正在解决或列入计划"),
        (2, "第二次答复内容", "A 已解决或采纳"),
    ]
    assert replies[1][3] == world.unit_a.name and replies[1][5] and not replies[0][5]
    assert [f[1] for f in feedbacks] == ["不满意", "满意"] and feedbacks[0][2] == world.deputy.name
    assert feedbacks[0][3] == "问题未解决"
    assert supervision == [(dt.date(2025, 3, 3), "一般督办", "督办通知", "区人大选联工委 张三", "发督办通知")]
    assert notes == [("区人大选联工委 张三", "内部备注一"), ("区人大选联工委 张三", "内部备注二")]
    assert records.replies[0].created_at.tzinfo is not None


def test_case_records_of_a_new_case_are_empty(world, django_assert_num_queries):
    case = world.opinion()
    with django_assert_num_queries(1):
        records = selectors.case_records(case)
    assert not (records.contacts or records.replies or records.feedbacks or records.supervision_records or records.notes)


def _flagged(case, user):
    qs = Case.objects.select_related("station", "region")
    return access.with_actor_flags(qs, user).get(pk=case.pk)


def test_actor_flags_give_the_same_kinds_as_the_tables_without_a_query(world, django_assert_num_queries):
    opinion = case_in_state(world, CaseState.IN_HANDLING)
    suggestion = world.suggestion()
    cosigner_user = world.unit_c_user  # a user who is no deputy
    users = [world.staff, world.other_staff, world.unit_a_user, world.unit_b_user, world.deputy_user, world.liaison, cosigner_user]
    expected = {
        (opinion.pk, world.staff.pk): {Actor.STAFF},
        (opinion.pk, world.unit_a_user.pk): {Actor.UNIT},
        (opinion.pk, world.deputy_user.pk): {Actor.DEPUTY},
        (opinion.pk, world.liaison.pk): {Actor.LIAISON},
        (suggestion.pk, world.staff.pk): {Actor.STAFF},
        (suggestion.pk, world.deputy_user.pk): {Actor.DEPUTY},  # lead signer, not responsible
    }
    for case in (opinion, suggestion):
        for user in users:
            plain = Case.objects.select_related("station", "region").get(pk=case.pk)
            by_tables = access.actor_kinds(user, plain)
            flagged = _flagged(case, user)
            user.region  # noqa: B018  (the user's region is loaded once per request by scoping)
            with django_assert_num_queries(0):
                by_flags = access.actor_kinds(user, flagged)
            assert by_flags == by_tables == expected.get((case.pk, user.pk), set()), (case.kind, user.username)


def test_actor_flags_of_another_user_are_not_trusted(world):
    case = case_in_state(world, CaseState.IN_HANDLING)
    flagged_for_unit = _flagged(case, world.unit_a_user)
    # Asked about someone else, the tables decide (unit B is no lead unit).
    assert access.actor_kinds(world.unit_b_user, flagged_for_unit) == set()
    assert access.actor_kinds(world.unit_a_user, flagged_for_unit) == {Actor.UNIT}


def test_a_declined_cosigner_is_no_lead_signer(world):
    suggestion = world.suggestion()
    other_user = world.unit_b_user
    from tests.factories import DeputyFactory

    DeputyFactory(name="李明", user=other_user)
    CaseSigner.objects.create(case=suggestion, deputy=other_user.deputy, role=SignerRole.COSIGNER, status=SignerStatus.DECLINED)
    assert access.actor_kinds(other_user, _flagged(suggestion, other_user)) == set()

"""Bring a case to any state through the real action services."""

from django.utils import timezone

from proposals.models import CaseState, Rating
from proposals.services import actions

REPLY_TEXT = "经现场查看，已安排维修，三日内完成。"


def case_in_state(world, state: str, **kwargs):
    case = world.opinion(responsible_deputy=world.deputy, **kwargs)
    cid = case.pk
    s = CaseState
    if state == s.SUBMITTED:
        pass
    elif state == s.RETURNED:
        actions.case_return(case_id=cid, user=world.staff, reason="内容不完整，请补充地址")
    elif state == s.REDIRECTED:
        actions.case_redirect(case_id=cid, user=world.staff, reason="属于信访事项，请向信访部门反映")
    elif state == s.REJECTED:
        actions.case_reject(case_id=cid, user=world.staff, reason="广告信息")
    elif state == s.MERGED:
        target = world.opinion()
        actions.case_merge(case_id=cid, user=world.staff, into_case_id=target.pk, reason="重复")
    else:
        actions.case_accept(case_id=cid, user=world.staff)
        if state != s.ACCEPTED:
            actions.case_assign(case_id=cid, user=world.staff, lead_unit_id=world.unit_a.pk)
        if state == s.DISPUTED:
            actions.case_dispute(case_id=cid, user=world.unit_a_user, reason="不属于本单位职责")
        if state in (s.IN_HANDLING, s.REPLIED, s.EVALUATED, s.REHANDLING, s.CLOSED):
            actions.case_start_handling(case_id=cid, user=world.unit_a_user)
        if state in (s.REPLIED, s.EVALUATED, s.REHANDLING, s.CLOSED):
            actions.case_reply(case_id=cid, user=world.unit_a_user, text=REPLY_TEXT, reply_class_code="B")
        if state in (s.EVALUATED, s.CLOSED):
            actions.case_feedback(case_id=cid, user=world.deputy_user, rating=Rating.SATISFIED)
        if state == s.REHANDLING:
            actions.case_feedback(case_id=cid, user=world.deputy_user, rating=Rating.UNSATISFIED, comment="问题未解决")
        if state == s.CLOSED:
            actions.case_close(case_id=cid, user=world.staff)
    case.refresh_from_db()
    assert case.state == state, (case.state, state)
    return case


def today():
    return timezone.localdate()

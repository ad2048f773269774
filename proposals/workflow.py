"""The case workflow as data.

``TRANSITIONS`` maps an action to the states it may start from, the state it
leads to and who may take it. ``proposals.services.workflow.transition`` is the
only code that changes ``Case.state``; an action or a start state that is not
in this table is refused (never "allowed because unknown").
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models.cases import CaseState as S


class Actor:
    """Who may take an action. Checked by ``proposals.access.can_act``."""

    STAFF = "staff"  # county staff / leaders in whose region subtree the case is
    UNIT = "unit"  # a member of the case's active lead unit
    DEPUTY = "deputy"  # the responsible / lead deputy
    RESIDENT = "resident"  # the resident, proven by tracking code (+ phone digits)
    LIAISON = "liaison"  # the liaison officer of the case's station
    SYSTEM = "system"  # the reminder sweep and other automatic moves


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    actors: frozenset


def _t(action, label, sources, target, actors):
    return Transition(action, label, frozenset(sources), target, frozenset(actors))


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        # 初审 review
        _t("accept", _("受理"), [S.SUBMITTED], S.ACCEPTED, [Actor.STAFF]),
        _t("return", _("退回"), [S.SUBMITTED], S.RETURNED, [Actor.STAFF]),
        _t("redirect", _("转其他渠道"), [S.SUBMITTED], S.REDIRECTED, [Actor.STAFF]),
        _t("merge", _("并案"), [S.SUBMITTED], S.MERGED, [Actor.STAFF]),
        _t("reject", _("不予受理"), [S.SUBMITTED], S.REJECTED, [Actor.STAFF]),
        _t("answer_on_spot", _("当场答复"), [S.SUBMITTED], S.CLOSED, [Actor.STAFF, Actor.LIAISON]),
        # A returned deputy suggestion may be revised and submitted again.
        _t("resubmit", _("修改后重新提出"), [S.RETURNED], S.SUBMITTED, [Actor.DEPUTY]),
        # 交办 assignment, 交办异议 dispute, 分办调整 reassignment
        _t("assign", _("交办"), [S.ACCEPTED], S.ASSIGNED, [Actor.STAFF]),
        _t("dispute", _("提出交办异议"), [S.ASSIGNED], S.DISPUTED, [Actor.UNIT]),
        _t("reassign", _("重新交办"), [S.DISPUTED, S.ASSIGNED, S.IN_HANDLING], S.ASSIGNED, [Actor.STAFF]),
        # 办理 handling and 答复 reply
        _t("start_handling", _("签收办理"), [S.ASSIGNED], S.IN_HANDLING, [Actor.UNIT]),
        _t("reply", _("答复"), [S.IN_HANDLING, S.REHANDLING], S.REPLIED, [Actor.UNIT]),
        # 满意度测评 feedback
        _t("feedback", _("满意度测评"), [S.REPLIED], S.EVALUATED, [Actor.DEPUTY, Actor.RESIDENT]),
        _t("feedback_unsatisfied", _("不满意，要求重新办理"), [S.REPLIED], S.REHANDLING, [Actor.DEPUTY, Actor.RESIDENT]),
        # 办结 closure: after feedback, or by staff when no feedback can come
        # (an anonymous resident) or the feedback period has run out.
        _t("close", _("办结"), [S.EVALUATED, S.REPLIED], S.CLOSED, [Actor.STAFF]),
    ]
}

# Events: recorded in the history and allowed only in these states, but they
# do not change the state (supervision, extension, publication, follow-up).
EVENTS: dict[str, tuple[str, frozenset, frozenset]] = {
    "supervise": (
        _("督办"),
        frozenset({S.ACCEPTED, S.ASSIGNED, S.DISPUTED, S.IN_HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED}),
        frozenset({Actor.STAFF}),
    ),
    "extend": (_("延长答复期限"), frozenset({S.ASSIGNED, S.IN_HANDLING}), frozenset({Actor.STAFF})),
    "publish": (_("公开答复"), frozenset({S.CLOSED}), frozenset({Actor.STAFF})),
    "implemented": (_("确认已落实"), frozenset({S.CLOSED}), frozenset({Actor.STAFF})),
    # 跟踪落实: the lead unit reports progress on a closed B-class case.
    "follow_up_report": (_("报告落实进展"), frozenset({S.CLOSED}), frozenset({Actor.UNIT, Actor.STAFF})),
    # A deputy asks staff to supervise a case (staff decide in ``supervise``).
    "request_supervision": (
        _("提请督办"),
        frozenset({S.ACCEPTED, S.ASSIGNED, S.DISPUTED, S.IN_HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING}),
        frozenset({Actor.DEPUTY}),
    ),
    # A "三见面" contact record (办前问需、办中互商、办后问效). Co-unit members
    # act as UNIT here (``case_add_contact``).
    "contact": (
        _("沟通联系"),
        frozenset({S.ASSIGNED, S.IN_HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED}),
        frozenset({Actor.STAFF, Actor.UNIT, Actor.DEPUTY}),
    ),
    "mark_overdue": (
        _("标记超期"),
        frozenset({S.ACCEPTED, S.ASSIGNED, S.DISPUTED, S.IN_HANDLING, S.REHANDLING}),
        frozenset({Actor.SYSTEM}),
    ),
}


class WorkflowError(Exception):
    """A move the table does not allow, or a rule of the move that failed.
    The message is shown to the user as it is."""


MSG_NOT_ALLOWED = _("当前状态“%(state)s”下不能执行“%(action)s”。")
MSG_UNKNOWN_ACTION = _("未知操作：%(action)s")
MSG_NO_PERMISSION = _("您无权对该案件执行“%(action)s”。")
MSG_REASON_REQUIRED = _("请填写理由。")
MSG_CONCURRENT = _("该案件刚被他人处理，请刷新后查看最新状态。")
MSG_TEXT_REQUIRED = _("请填写内容。")
MSG_MERGE_SELF = _("不能把案件并入它自己。")
MSG_MERGE_TARGET = _("只能并入尚在办理中的案件（目标案件已办结、已并案或不存在）。")
MSG_MERGE_NOT_FOUND = _("找不到要并入的案件，或您无权处理该案件。")
MSG_ON_SPOT_OPINION_ONLY = _("只有群众意见可以当场答复。")
MSG_UNIT_INVALID = _("承办单位无效或已停用。")
MSG_UNIT_OUT_OF_SCOPE = _("该承办单位不在本案件所属区域，不能交办。")
MSG_CO_UNIT_IS_LEAD = _("会办单位不能与主办单位相同。")
MSG_DEPUTY_INVALID = _("责任代表无效或已不在任。")
MSG_DISPUTE_WINDOW = _("交办异议期已过（截止 %(date)s），请与交办机关联系。")
MSG_REPLY_CLASS_INVALID = _("请选择有效的答复类别。")
MSG_FILE_TYPE = _("答复件只能是 PDF、JPG 或 PNG 文件。")
MSG_FILE_SIZE = _("答复件不能超过 %(mb)s MB。")
MSG_RATING_INVALID = _("请选择满意度。")
MSG_UNSATISFIED_REASON = _("选择“不满意”时请填写理由。")
MSG_NO_REPLY = _("该案件还没有答复，不能测评。")
MSG_ALREADY_RATED = _("该答复已经测评过。")
MSG_SUPERVISION_LEVEL = _("请选择督办级别。")
MSG_SUPERVISION_KIND = _("请选择督办方式。")
MSG_KEY_SUPERVISION_LEADER = _("重点督办须由常委会领导确定。")
MSG_DATE_FUTURE = _("日期不能晚于今天。")
MSG_EXTEND_SUGGESTION_ONLY = _("只有代表建议可以延长答复期限。")
MSG_EXTEND_ONCE = _("答复期限已经延长过一次，不能再延长。")
MSG_PUBLISH_NO_REPLY = _("没有答复内容，不能公开。")
MSG_NOT_FOLLOWING = _("该案件不在跟踪落实中。")
MSG_CONTACT_WAY = _("请选择联系方式。")
MSG_CONTACT_PARTY = _("请选择联系对象。")
MSG_CONTACT_NOT_ALLOWED = _("只有承办单位、责任代表和工作人员可以填写沟通联系记录。")
MSG_NOTE_NOT_ALLOWED = _("您无权为该案件添加备注。")


def allowed_actions(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]

"""Deputy suggestions (代表建议) written in the deputy's workspace.

A deputy turns one or more residents' opinions into a formal suggestion,
invites other deputies to co-sign (联名) and submits it into the workflow.
The opinions stay linked (``Case.suggestion``) and each gets a history row
"taken_into_suggestion", which /track/ shows to its resident.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy

from ..access import cases_for_deputy
from ..models import Case, CaseEvent, CaseKind, CaseSigner, Category, Channel, SignerRole, SignerStatus
from ..models.cases import FINAL_STATES, CaseState
from ..workflow import WorkflowError
from .intake import case_create
from .workflow import announce

MSG_NOT_A_DEPUTY = _("只有人大代表可以提出代表建议。")
MSG_TITLE_REQUIRED = _("请填写建议标题。")
MSG_CONTENT_REQUIRED = _("请填写建议内容。")
MSG_BAD_CATEGORY = _("请选择有效的类别。")
MSG_BAD_OPINIONS = _("所选群众意见不存在、不属于您，或已形成代表建议：%(ids)s")
MSG_BAD_COSIGNERS = _("所邀请的附议代表不存在或已不在任。")
MSG_NO_INVITATION = _("您没有收到该建议的附议邀请。")
MSG_ALREADY_RESPONDED = _("您已回复过该附议邀请（%(status)s）。")
MSG_SUGGESTION_FINISHED = _("该建议已办结或已终止，不能再回复附议邀请。")

# Opinions turned away at review cannot become a suggestion; a closed one can
# (answered on the spot, yet worth raising as a suggestion).
UNUSABLE_OPINION_STATES = (CaseState.RETURNED, CaseState.REDIRECTED, CaseState.MERGED, CaseState.REJECTED)

EVENT_TAKEN = "taken_into_suggestion"
EVENT_INVITED = "cosigners_invited"
EVENT_COSIGN_ACCEPTED = "cosign_accepted"
EVENT_COSIGN_DECLINED = "cosign_declined"
# Display labels of the events this module records (for timelines).
EVENT_LABELS = {
    EVENT_TAKEN: _("已形成代表建议"),
    EVENT_INVITED: _("邀请代表附议"),
    EVENT_COSIGN_ACCEPTED: _("代表同意附议"),
    EVENT_COSIGN_DECLINED: _("代表谢绝附议"),
}


def _deputy_of(user) -> Deputy:
    deputy = getattr(user, "deputy", None) if user is not None and user.is_authenticated else None
    if deputy is None or not deputy.is_active:
        raise WorkflowError(MSG_NOT_A_DEPUTY)
    return deputy


def _actor_label(deputy: Deputy, role) -> str:
    """Who acted, for the internal timeline: 王丽华（领衔代表）."""
    return f"{deputy.name}（{role}）"[:50]


def _event(*, case: Case, action: str, user, label: str, reason: str = "", data: dict | None = None, now=None) -> CaseEvent:
    """A history row that does not change the state, announced after commit."""
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=case.state,
        to_state=case.state,
        actor=user,
        actor_label=label,
        reason=reason,
        data=data or {},
        created_at=now or timezone.now(),
    )
    announce(event)
    return event


def suggestion_create(
    *,
    user,
    title: str,
    content: str,
    category_id: int | None,
    opinion_ids=(),
    cosigner_ids=(),
    submission_key: str | None = None,
) -> Case:
    """Create a deputy suggestion in state "submitted", led by ``user``'s deputy.

    The opinions must be ones the deputy may see, be residents' opinions and
    not yet be part of another suggestion; they are locked, so two deputies
    cannot take the same opinion at once. ``submission_key`` makes a repeated
    POST return the first suggestion.
    """
    deputy = _deputy_of(user)
    title = (title or "").strip()
    content = (content or "").strip()
    if not title:
        raise WorkflowError(MSG_TITLE_REQUIRED)
    if not content:
        raise WorkflowError(MSG_CONTENT_REQUIRED)
    if submission_key:
        existing = Case.objects.filter(submission_key=submission_key, kind=CaseKind.SUGGESTION, responsible_deputy=deputy).first()
        if existing is not None:
            return existing
    category = None
    if category_id:
        category = Category.objects.filter(pk=category_id, is_active=True).first()
        if category is None:
            raise WorkflowError(MSG_BAD_CATEGORY)
    opinion_ids = sorted({int(i) for i in opinion_ids})
    cosigner_ids = sorted({int(i) for i in cosigner_ids} - {deputy.pk})
    cosigners = list(Deputy.objects.filter(pk__in=cosigner_ids, is_active=True))
    if len(cosigners) != len(cosigner_ids):
        raise WorkflowError(MSG_BAD_COSIGNERS)

    now = timezone.now()
    with transaction.atomic():
        opinions = list(
            cases_for_deputy(user, Case.objects.select_for_update(of=("self",)))
            .filter(pk__in=opinion_ids, kind=CaseKind.OPINION, suggestion__isnull=True)
            .exclude(state__in=UNUSABLE_OPINION_STATES)
            .select_related("region", "station")
            .order_by("pk")
        )
        if len(opinions) != len(opinion_ids):
            missing = sorted(set(opinion_ids) - {o.pk for o in opinions})
            raise WorkflowError(MSG_BAD_OPINIONS % {"ids": "、".join(str(i) for i in missing)})
        region = deputy.home_region
        if region is None and opinions:
            region = opinions[0].region
        if region is None:
            membership = deputy.memberships.select_related("station__region").order_by("pk").first()
            region = membership.station.region if membership else None
        created = case_create(
            kind=CaseKind.SUGGESTION,
            title=title,
            content=content,
            channel=Channel.DEPUTY,
            station=opinions[0].station if len({o.station_id for o in opinions}) == 1 and opinions else None,
            region=region,
            category=category,
            responsible_deputy=deputy,
            submitted_by=user,
            submission_key=submission_key,
            actor_label=_actor_label(deputy, _("领衔代表")),
            now=now,
        )
        suggestion = created.case
        if not created.created:
            # The same form posted twice at once: the first request made it.
            return suggestion
        CaseSigner.objects.bulk_create(
            [CaseSigner(case=suggestion, deputy=deputy, role=SignerRole.LEAD, status=SignerStatus.ACCEPTED, responded_at=now)]
            + [CaseSigner(case=suggestion, deputy=d, role=SignerRole.COSIGNER, status=SignerStatus.INVITED) for d in cosigners]
        )
        if opinions:
            Case.objects.filter(pk__in=[o.pk for o in opinions]).update(suggestion=suggestion, updated_at=now)
            for opinion in opinions:
                opinion.suggestion = suggestion
                _event(
                    case=opinion,
                    action=EVENT_TAKEN,
                    user=user,
                    label=_actor_label(deputy, _("代表")),
                    reason=str(_("已被%(name)s代表采纳，形成代表建议") % {"name": deputy.name}),
                    data={"suggestion_id": suggestion.pk, "suggestion_tracking_code": suggestion.tracking_code, "deputy": deputy.name},
                    now=now,
                )
        if cosigners:
            _event(
                case=suggestion,
                action=EVENT_INVITED,
                user=user,
                label=_actor_label(deputy, _("领衔代表")),
                data={"deputy_ids": [d.pk for d in cosigners], "names": [d.name for d in cosigners]},
                now=now,
            )
    return suggestion


def suggestion_respond(*, case_id: int, user, accept: bool) -> Case:
    """A co-signer accepts or declines the invitation. Repeating the same
    answer is a no-op (a double tap); changing it afterwards is refused."""
    deputy = _deputy_of(user)
    with transaction.atomic():
        signer = (
            CaseSigner.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(case_id=case_id, deputy=deputy, role=SignerRole.COSIGNER, case__kind=CaseKind.SUGGESTION)
            .first()
        )
        if signer is None:
            raise WorkflowError(MSG_NO_INVITATION)
        case = signer.case
        wanted = SignerStatus.ACCEPTED if accept else SignerStatus.DECLINED
        if signer.status == wanted:
            return case
        if signer.status != SignerStatus.INVITED:
            raise WorkflowError(MSG_ALREADY_RESPONDED % {"status": signer.get_status_display()})
        if case.state in FINAL_STATES:
            raise WorkflowError(MSG_SUGGESTION_FINISHED)
        now = timezone.now()
        signer.status = wanted
        signer.responded_at = now
        signer.save(update_fields=["status", "responded_at"])
        _event(
            case=case,
            action=EVENT_COSIGN_ACCEPTED if accept else EVENT_COSIGN_DECLINED,
            user=user,
            label=_actor_label(deputy, _("附议代表")),
            data={"deputy_id": deputy.pk, "deputy": deputy.name},
            now=now,
        )
    return case

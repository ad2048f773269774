"""The handling unit's workspace at /unit/ (承办单位工作台).

Thin views: every case is fetched through ``access.access_case_for_unit``
(another unit's case is a 404), every write is one service call, refusals
(``WorkflowError``) are shown as messages.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals import access, selectors
from proposals.models import Case, CaseState, UnitRole
from proposals.services import actions
from proposals.workflow import EVENTS, Actor, WorkflowError

from ..access import workspace_view
from .forms import ContactForm, ReasonForm, ReplyForm, UnitCaseFilterForm

PAGE_SIZE = 30


def _units(request, **kwargs):
    # Not a unit member (a deputy or liaison following a link): the message
    # only, no empty workspace, as /deputy/ does for non-deputies.
    return list(request.user.handling_units.filter(is_active=True).order_by("name")) or None


unit_required = workspace_view(_units, attr="units", denied_template="workspaces/unit/no_unit.html")
# Case pages: the case itself is the check (access_case_for_unit: not one of
# the user's units' cases, a 404), with no query spent on the unit list.
unit_case_view = workspace_view(lambda request, **kwargs: True, attr="workspace_ok", denied_template="workspaces/unit/no_unit.html")


@unit_required
def home(request):
    units = request.units
    form = UnitCaseFilterForm(request.GET or None)
    qs = selectors.unit_case_list(request.user, **form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "counts": selectors.unit_action_counts(request.user),
        "units": units,
        "today": timezone.localdate(),
        "querystring": _querystring(request),
    }
    return render(request, "workspaces/unit/home.html", context)


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _case_context(request, case, **forms):
    kinds = access.actor_kinds(request.user, case)
    is_lead = Actor.UNIT in kinds
    lead = next((a for a in case.active_assignments if a.role == UnitRole.LEAD), None)
    today = timezone.localdate()
    can_dispute = (
        is_lead and case.state == CaseState.ASSIGNED and lead is not None and (lead.dispute_until is None or today <= lead.dispute_until)
    )
    records = selectors.case_records(case)
    return {
        "case": case,
        "timeline": selectors.case_timeline(case, audience="internal"),
        "assignments": case.active_assignments,
        "lead_assignment": lead,
        "contacts": records.contacts,
        "replies": records.replies,
        "feedbacks": records.feedbacks,
        "is_lead": is_lead,
        "can_start": is_lead and case.state == CaseState.ASSIGNED,
        "can_dispute": can_dispute,
        "can_reply": is_lead and case.state in (CaseState.IN_HANDLING, CaseState.REHANDLING),
        "can_contact": case.state in EVENTS["contact"][1],
        "can_see_phone": is_lead,  # access.can_see_full_phone without a second lookup
        "dispute_form": forms.get("dispute_form") or ReasonForm(),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "full_phone": forms.get("full_phone"),
        "is_overdue": case.is_overdue(today),
        "today": today,
    }


# What the case page prints of related rows, loaded with the case.
CASE_RELATED = ("station", "category", "region", "lead_unit")


def _load(request, pk):
    # One query for the case, its related rows and the user's actor flags
    # (lead unit? deputy?), so the page's permission checks ask nothing more.
    qs = access.with_actor_flags(Case.objects.select_related(*CASE_RELATED), request.user)
    case = access.access_case_for_unit(request.user, pk, qs=qs)
    # The case's active assignments with their units, once for the page.
    case.active_assignments = list(case.assignments.filter(is_active=True).select_related("unit").order_by("role", "id"))
    return case


@unit_case_view
def case_detail(request, pk):
    case = _load(request, pk)
    return render(request, "workspaces/unit/case_detail.html", _case_context(request, case))


def _done(request, case, message):
    messages.success(request, message)
    return redirect("unit:case", pk=case.pk)


def _refused(request, case, exc):
    messages.error(request, str(exc))
    return redirect("unit:case", pk=case.pk)


@unit_case_view
@require_POST
def start_handling(request, pk):
    case = _load(request, pk)
    try:
        actions.case_start_handling(case_id=case.pk, user=request.user, expected_state=request.POST.get("expected_state") or None)
    except WorkflowError as exc:
        return _refused(request, case, exc)
    return _done(request, case, _("已签收，请抓紧办理。"))


@unit_case_view
@require_POST
def dispute(request, pk):
    case = _load(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(request, "workspaces/unit/case_detail.html", _case_context(request, case, dispute_form=form), status=400)
    try:
        actions.case_dispute(
            case_id=case.pk,
            user=request.user,
            reason=form.cleaned_data["reason"],
            expected_state=request.POST.get("expected_state") or None,
        )
    except WorkflowError as exc:
        return _refused(request, case, exc)
    return _done(request, case, _("交办异议已提交，等待交办机关调整。"))


@unit_case_view
@require_POST
def add_contact(request, pk):
    case = _load(request, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "workspaces/unit/case_detail.html", _case_context(request, case, contact_form=form), status=400)
    try:
        actions.case_add_contact(case_id=case.pk, user=request.user, **form.cleaned_data)
    except WorkflowError as exc:
        return _refused(request, case, exc)
    return _done(request, case, _("沟通联系记录已保存。"))


@unit_case_view
@require_POST
def reply(request, pk):
    case = _load(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "workspaces/unit/case_detail.html", _case_context(request, case, reply_form=form), status=400)
    data = form.cleaned_data
    try:
        actions.case_reply(
            case_id=case.pk,
            user=request.user,
            text=data["text"],
            reply_class_code=data["reply_class"].code,
            signed_file=data.get("signed_file"),
            expected_state=request.POST.get("expected_state") or None,
        )
    except WorkflowError as exc:
        # Shown above the page (the form may not be on it for this user) and
        # the typed reply is kept in the form.
        messages.error(request, str(exc))
        return render(request, "workspaces/unit/case_detail.html", _case_context(request, case, reply_form=form), status=400)
    return _done(request, case, _("答复已提交。"))


@unit_case_view
@require_POST
def reveal_phone(request, pk):
    case = _load(request, pk)
    try:
        phone = actions.case_reveal_phone(case_id=case.pk, user=request.user, reason=_("承办单位回访"))
    except WorkflowError as exc:
        return _refused(request, case, exc)
    return render(request, "workspaces/unit/case_detail.html", _case_context(request, case, full_phone=phone))


def case_url(case) -> str:
    return reverse("unit:case", args=[case.pk])

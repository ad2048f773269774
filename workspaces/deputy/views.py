"""The deputy's workspace at /deputy/ (thin views: check input, call one
service, render). Every view runs through ``deputy_required`` and every
object is fetched through an access function, so another deputy's case,
reception day or duty entry is a 404."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress_portal.qr import absolute_url, qr_svg_inline
from deputies.models import DutyActivity
from deputies.services import DutyError, duty_activity_create, duty_activity_delete
from proposals.access import access_case_for_deputy
from proposals.models import CaseKind, CaseState, SignerRole, SignerStatus
from proposals.services import actions
from proposals.services.intake import reception_opinion_create
from proposals.services.suggestions import suggestion_create, suggestion_respond
from proposals.workflow import EVENTS, WorkflowError
from stations.models import StationMembership
from stations.services import ReceptionError, reception_record, reception_signup, reception_withdraw

from ..access import workspace_view
from . import selectors
from .forms import (
    CaseFilterForm,
    ContactForm,
    DutyActivityForm,
    FeedbackForm,
    NoteForm,
    PhoneRevealForm,
    ReceptionOpinionForm,
    ReceptionRecordForm,
    ResubmitForm,
    SignupForm,
    SuggestionForm,
    SupervisionRequestForm,
)
from .services import deputy_phone_reveal

PAGE_SIZE = 20


def _deputy(request, **kwargs):
    return selectors.workspace_deputy(request.user)


# Anonymous users go to the login page; signed-in users who are not deputies
# get a 403 page that says so (workspaces.access).
deputy_required = workspace_view(_deputy, attr="deputy", denied_template="workspaces/deputy/not_deputy.html")


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("deputy", request.deputy)
    return render(request, f"workspaces/deputy/{template}", context, status=status)


# --- My cases ------------------------------------------------------------------------------


@deputy_required
@require_GET
def home(request):
    form = CaseFilterForm(request.GET or None, station_choices=selectors.my_station_choices(request.user))
    filters = form.filters()
    page = Paginator(selectors.my_cases(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "home.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "cases": selectors.decorate_cases(page.object_list, request.deputy),
            "counts": selectors.action_counts(request.user),
            "query": query.urlencode(),
            "section": "cases",
        },
    )


# --- The case page -------------------------------------------------------------------------


def _case_context(request, case, **overrides) -> dict:
    page = selectors.case_page(request.user, case)
    deputy_acts = page.is_responsible or (page.my_signer is not None and page.my_signer.role == SignerRole.LEAD)
    context = {
        "p": page,
        "case": case,
        "section": "cases",
        "deputy_acts": deputy_acts,
        "can_contact": deputy_acts and case.state in EVENTS["contact"][1],
        "can_request_supervision": deputy_acts and case.state in EVENTS["request_supervision"][1],
        "can_resubmit": deputy_acts and case.kind == CaseKind.SUGGESTION and case.state == CaseState.RETURNED,
        "can_respond": page.my_signer is not None
        and page.my_signer.role == SignerRole.COSIGNER
        and page.my_signer.status == SignerStatus.INVITED
        and case.is_open,
        "show_contact": page.is_responsible and not case.is_anonymous,
        "note_form": NoteForm(),
        "contact_form": ContactForm(),
        "supervision_form": SupervisionRequestForm(),
        "feedback_form": FeedbackForm(),
        "reveal_form": PhoneRevealForm(),
        "resubmit_form": ResubmitForm(initial={"title": case.title, "content": case.content}),
        "revealed_phone": "",
        "action_error": "",
        "overdue": case.is_overdue(),
    }
    context.update(overrides)
    return context


@deputy_required
@require_GET
def case_detail(request, pk):
    case = selectors.case_for_page(request.user, pk)
    return _render(request, "case.html", _case_context(request, case))


def _case_post(request, pk, form_class, form_name: str, call, success: str, anchor: str):
    """Validate ``form_class``, call the service; on success go back to the
    case page (PRG), otherwise show the page again with the error."""
    case = access_case_for_deputy(request.user, pk)
    form = form_class(request.POST)
    error = ""
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except (WorkflowError, DutyError) as exc:
            # Shown at the top of the page: the form may not be on it any
            # more (the case moved on meanwhile).
            error = str(exc)
        else:
            messages.success(request, success)
            return redirect(reverse("deputy_workspace:case", args=[case.pk]) + anchor)
        case.refresh_from_db()
    else:
        error = _("提交的内容有误，请按提示修改。")
    return _render(request, "case.html", _case_context(request, case, action_error=error, **{form_name: form}), status=400)


@deputy_required
@require_POST
def case_note(request, pk):
    return _case_post(
        request,
        pk,
        NoteForm,
        "note_form",
        lambda case, d: actions.case_add_note(case_id=case.pk, user=request.user, text=d["text"]),
        _("备注已保存。"),
        "#notes",
    )


@deputy_required
@require_POST
def case_contact(request, pk):
    return _case_post(
        request,
        pk,
        ContactForm,
        "contact_form",
        lambda case, d: actions.case_add_contact(
            case_id=case.pk, user=request.user, contact_date=d["contact_date"], way=d["way"], party=d["party"], summary=d["summary"]
        ),
        _("沟通联系记录已保存。"),
        "#contacts",
    )


@deputy_required
@require_POST
def case_supervision(request, pk):
    return _case_post(
        request,
        pk,
        SupervisionRequestForm,
        "supervision_form",
        lambda case, d: actions.case_request_supervision(case_id=case.pk, user=request.user, reason=d["reason"]),
        _("已提请督办，工作人员会尽快处理。"),
        "#timeline",
    )


@deputy_required
@require_POST
def case_feedback(request, pk):
    return _case_post(
        request,
        pk,
        FeedbackForm,
        "feedback_form",
        lambda case, d: actions.case_feedback(
            case_id=case.pk,
            user=request.user,
            rating=d["rating"],
            attitude_rating=d["attitude_rating"],
            result_rating=d["result_rating"],
            comment=d["comment"],
            expected_state=CaseState.REPLIED,
        ),
        _("满意度测评已提交。"),
        "#replies",
    )


@deputy_required
@require_POST
def case_resubmit(request, pk):
    return _case_post(
        request,
        pk,
        ResubmitForm,
        "resubmit_form",
        lambda case, d: actions.case_resubmit(
            case_id=case.pk, user=request.user, title=d["title"], content=d["content"], expected_state=CaseState.RETURNED
        ),
        _("建议已修改并重新提出。"),
        "",
    )


@deputy_required
@require_POST
def case_cosign(request, pk):
    case = access_case_for_deputy(request.user, pk)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, _("请选择同意或谢绝附议。"))
        return redirect("deputy_workspace:case", pk=case.pk)
    try:
        suggestion_respond(case_id=case.pk, user=request.user, accept=answer == "accept")
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已同意附议。") if answer == "accept" else _("已谢绝附议。"))
    if answer == "decline":
        # A declined co-signer no longer sees the suggestion.
        return redirect("deputy_workspace:home")
    return redirect("deputy_workspace:case", pk=case.pk)


@deputy_required
@require_POST
def case_phone(request, pk):
    """Show the resident's full number to the responsible deputy, once, on a
    POST (never in a URL or a cached page); the reveal is logged."""
    case = access_case_for_deputy(request.user, pk)
    form = PhoneRevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        phone = deputy_phone_reveal(user=request.user, case_id=case.pk, reason=reason)
    except DutyError as exc:
        messages.error(request, str(exc))
        return redirect("deputy_workspace:case", pk=case.pk)
    return _render(request, "case.html", _case_context(request, case, revealed_phone=phone))


# --- Suggestions -----------------------------------------------------------------------------


def _id_list(values) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


@deputy_required
def suggestion_new(request):
    opinions_qs = selectors.opinions_for_suggestion(request.user)
    cosigners_qs = selectors.cosigner_choices(request.user)
    if request.method == "POST":
        earlier = selectors.suggestion_by_key(request.user, request.POST.get("submission_key", ""))
        if earlier is not None:
            # The form was sent twice (double tap, resend after a timeout):
            # its opinions are taken now, so show what the first send made.
            return redirect("deputy_workspace:case", pk=earlier.pk)
        form = SuggestionForm(request.POST, opinions_qs=opinions_qs, cosigners_qs=cosigners_qs)
        if form.is_valid():
            d = form.cleaned_data
            try:
                suggestion = suggestion_create(
                    user=request.user,
                    title=d["title"],
                    content=d["content"],
                    category_id=d["category"].pk if d["category"] else None,
                    opinion_ids=[o.pk for o in d["opinions"]],
                    cosigner_ids=[c.pk for c in d["cosigners"]],
                    submission_key=d["submission_key"] or None,
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("代表建议已提出，查询码 %(code)s。") % {"code": suggestion.tracking_code_display})
                return redirect("deputy_workspace:case", pk=suggestion.pk)
        status = 400
    else:
        chosen = _id_list(request.GET.getlist("opinions"))
        initial = {"opinions": chosen}
        picked = list(opinions_qs.filter(pk__in=chosen)) if chosen else []
        if len(picked) == 1:
            initial["title"] = picked[0].title
            initial["category"] = picked[0].category_id
        form = SuggestionForm(initial=initial, opinions_qs=opinions_qs, cosigners_qs=cosigners_qs)
        status = 200
    return _render(request, "suggestion_form.html", {"form": form, "section": "cases"}, status=status)


# --- My stations and reception days ----------------------------------------------------------


def _my_station_or_404(request, station_id):
    membership = (
        StationMembership.objects.filter(deputy=request.deputy, station_id=station_id)
        .exclude(left_on__lt=timezone.localdate())
        .select_related("station")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.station


@deputy_required
@require_GET
def stations(request):
    return _render(request, "stations.html", {"calendars": selectors.my_station_calendars(request.user), "section": "stations"})


@deputy_required
@require_POST
def reception_signup_view(request, station_id):
    station = _my_station_or_404(request, station_id)
    form = SignupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择有效的接待日期。"))
    else:
        try:
            reception_signup(user=request.user, station_id=station.pk, date=form.cleaned_data["date"])
        except ReceptionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("已报名 %(station)s %(date)s 的接待日。") % {"station": station.name, "date": form.cleaned_data["date"].isoformat()},
            )
    return redirect(reverse("deputy_workspace:stations") + f"#station-{station.pk}")


@deputy_required
@require_POST
def reception_withdraw_view(request, pk):
    day = selectors.reception_day_for_deputy(request.user, pk)
    try:
        reception_withdraw(user=request.user, reception_day_id=day.pk)
    except ReceptionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已取消报名。"))
    return redirect(reverse("deputy_workspace:stations") + f"#station-{day.station_id}")


def _reception_context(request, day, **overrides) -> dict:
    context = {
        "day": day,
        "opinions": list(selectors.reception_day_opinions(day)),
        "record_form": ReceptionRecordForm(initial={"residents_received": day.residents_received, "summary": day.summary}),
        "opinion_form": ReceptionOpinionForm(),
        "held": day.date <= timezone.localdate(),
        "section": "stations",
    }
    context.update(overrides)
    return context


@deputy_required
def reception_detail(request, pk):
    day = selectors.reception_day_for_deputy(request.user, pk)
    if request.method != "POST":
        return _render(request, "reception.html", _reception_context(request, day))
    form = ReceptionRecordForm(request.POST)
    if form.is_valid():
        try:
            reception_record(
                user=request.user,
                reception_day_id=day.pk,
                residents_received=form.cleaned_data["residents_received"],
                summary=form.cleaned_data["summary"],
            )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("接待记录已保存。"))
            return redirect("deputy_workspace:reception", pk=day.pk)
    return _render(request, "reception.html", _reception_context(request, day, record_form=form), status=400)


@deputy_required
@require_POST
def reception_opinion(request, pk):
    day = selectors.reception_day_for_deputy(request.user, pk)
    form = ReceptionOpinionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            case = reception_opinion_create(
                user=request.user,
                reception_day_id=day.pk,
                title=d["title"],
                content=d["content"],
                category_id=d["category"].pk if d["category"] else None,
                resident_name=d["resident_name"],
                phone=d["phone"],
                address=d["address"],
                consent_given=d["consent_given"],
                submission_key=d["submission_key"] or None,
            )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("意见已登记，查询码 %(code)s，请告知群众。") % {"code": case.tracking_code_display})
            return redirect(reverse("deputy_workspace:reception", args=[day.pk]) + "#opinions")
    return _render(request, "reception.html", _reception_context(request, day, opinion_form=form), status=400)


# --- The duty record (履职档案) ------------------------------------------------------------------


def _year(request, years) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return years[0]
    return year if year in years else years[0]


def _record_context(request, year, **overrides) -> dict:
    deputy = request.deputy
    choices = [(s.pk, s.name) for s in selectors.deputy_stations(deputy)]
    context = {
        "record": selectors.duty_record(deputy, year),
        "years": selectors.duty_years(deputy),
        "year": year,
        "mandates": selectors.deputy_mandates(deputy),
        "activity_form": DutyActivityForm(station_choices=choices),
        "station_choices": choices,
        "section": "record",
        "now": timezone.now(),
    }
    context.update(overrides)
    return context


@deputy_required
@require_GET
def duty_record(request):
    years = selectors.duty_years(request.deputy)
    return _render(request, "record.html", _record_context(request, _year(request, years)))


@deputy_required
@require_POST
def duty_activity_add(request):
    choices = [(s.pk, s.name) for s in selectors.deputy_stations(request.deputy)]
    form = DutyActivityForm(request.POST, station_choices=choices)
    if form.is_valid():
        d = form.cleaned_data
        try:
            activity = duty_activity_create(
                user=request.user,
                kind=d["kind"],
                date=d["date"],
                title=d["title"],
                description=d["description"],
                station_id=d["station"],
            )
        except DutyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("履职记录已添加。"))
            return redirect(reverse("deputy_workspace:record") + f"?year={activity.date.year}#activities")
    year = selectors.duty_years(request.deputy)[0]
    return _render(request, "record.html", _record_context(request, year, activity_form=form), status=400)


@deputy_required
@require_POST
def duty_activity_remove(request, pk):
    activity = DutyActivity.objects.filter(pk=pk, deputy=request.deputy).first()
    if activity is None:
        raise Http404
    try:
        duty_activity_delete(user=request.user, activity_id=activity.pk)
    except DutyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("履职记录已删除。"))
    return redirect(reverse("deputy_workspace:record") + f"?year={activity.date.year}#activities")


# --- My QR code poster ("给Ta留言") -------------------------------------------------------------


@deputy_required
@require_GET
def qr_poster(request):
    deputy = request.deputy
    # The path is printed on posters, so it is fixed (INTERFACES.md: /d/<public_id>/).
    path = f"/d/{deputy.public_id}/"
    url = absolute_url(path)
    return _render(
        request,
        "qr.html",
        {
            "qr_svg": qr_svg_inline(url, scale=8),
            "qr_url": url,
            "qr_svg_path": f"{path}qr.svg",
            "qr_png_path": f"{path}qr.png",
            "mandates": selectors.deputy_mandates(deputy),
            "stations": selectors.deputy_stations(deputy),
            "site_name": settings.PORTAL_SITE_NAME,
            "section": "qr",
        },
    )

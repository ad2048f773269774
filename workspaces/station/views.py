"""The liaison officer's workspace (/station/): one station's cases, paper
and reception-day entry with its receipt, 当场答复, reception days, activity
posts and the subscribers' count. Every page runs through ``station_view``:
the station in the URL must be one the user runs (``stations.access``), so
another station's page or action is a 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress_portal.qr import absolute_url, qr_svg_inline
from intake import choices, conf
from intake.forms import PaperForm
from intake.text import clean_text, title_from
from proposals import access
from proposals.models import Case, CaseKind
from proposals.selectors import case_timeline
from proposals.services import actions
from proposals.services.intake import case_create
from proposals.workflow import TRANSITIONS, WorkflowError
from stations.access import access_station, stations_run_by
from stations.models import StationPost
from stations.reception import describe_rule
from stations.selectors import station_posts
from stations.services import (
    ReceptionError,
    post_create,
    post_set_published,
    reception_cancel,
    reception_plan,
    reception_record,
)

from ..access import workspace_view
from . import selectors
from .forms import CaseFilterForm, OnSpotForm, PlanForm, PostForm, RecordForm, RevealForm

STATION_LIST_PAGE = 50
PAGE_SIZE = 30
POST_PAGE_SIZE = 10
ON_SPOT = TRANSITIONS["answer_on_spot"]


def _all_stations(request, **kwargs):
    return True


def _station(request, code, **kwargs):
    return access_station(request.user, code)


signed_in = workspace_view(_all_stations, attr="workspace_ok", denied_template="workspaces/station/not_officer.html")
station_view = workspace_view(_station, attr="station", denied_template="workspaces/station/not_officer.html")


def _render(request, template, context, status=200):
    context.setdefault("station", getattr(request, "station", None))
    context.setdefault("workspace", "station")
    return render(request, f"workspaces/station/{template}", context, status=status)


@signed_in
def home(request):
    """The stations the user runs: one goes straight to its page; a county's
    (or a city's) many are searched and paged."""
    stations = stations_run_by(request.user).select_related("region").order_by("region__code", "code")
    raw = request.GET.get("q", "")
    q = clean_text(raw[:50]) if "\x00" not in raw else ""
    if q:
        stations = stations.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(address__icontains=q))
    page = Paginator(stations, STATION_LIST_PAGE).get_page(request.GET.get("page"))
    if not q and page.paginator.count == 1:
        return redirect("station_workspace:station", code=page.object_list[0].code)
    query = urlencode({"q": q}) if q else ""
    return _render(request, "choose.html", {"page_obj": page, "stations": page.object_list, "q": q, "query": query})


@station_view
@require_http_methods(["GET", "POST"])
def entry(request, code):
    """Paper and reception-day entry (录入纸质意见和接待日意见)."""
    station = request.station
    categories = choices.categories()
    deputies = choices.station_deputies(station)
    initial = {}
    if request.GET.get("channel") == "reception":
        initial["channel"] = "reception"
    if request.GET.get("date"):
        initial["received_on"] = request.GET["date"][:10]
    if request.method == "POST":
        form = PaperForm(request.POST, request.FILES, categories=categories, deputies=deputies)
        if form.is_valid():
            data = form.cleaned_data
            result = case_create(
                title=title_from(data["content"]),
                content=data["content"],
                channel=data["channel"],
                station=station,
                category=data["category"],
                address=data["address"],
                addressed_deputy=data.get("deputy"),
                resident_name=data["resident_name"],
                phone=data["phone"],
                consent_given=bool(data.get("consent")),
                received_on=data["received_on"],
                submitted_by=request.user,
                submission_key=data["submission_key"],
                actor_label=_("联络员录入"),
                photos=form.photos,
            )
            messages.success(
                request,
                _("已录入。查询码 %(code)s，请告诉群众（或写在回执上）。") % {"code": result.case.tracking_code_display},
            )
            return redirect(reverse("station_workspace:entry", args=[station.code]) + f"?created={result.case.pk}")
        files_again = form.had_files
    else:
        form = PaperForm(categories=categories, deputies=deputies, initial=initial)
        files_again = False
    created = None
    created_id = request.GET.get("created", "")
    if request.method == "GET" and created_id.isdigit() and len(created_id) <= 12:
        created = Case.objects.filter(pk=int(created_id), station=station).only("pk", "tracking_code").first()
    context = {
        "form": form,
        "files_again": files_again,
        "created": created,
        "recent": selectors.recent_entries(station),
        "max_photos": conf.get("MAX_PHOTOS"),
        "max_photo_mb": conf.get("MAX_PHOTO_BYTES") // (1024 * 1024),
        "section": "entry",
    }
    return _render(request, "entry.html", context)


@station_view
@require_GET
def station(request, code):
    """The station's cases in every state, with filters and search by tracking code."""
    station = request.station
    form = CaseFilterForm(request.GET or None)
    page = Paginator(selectors.station_cases(station, **form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "cases.html",
        {
            "form": form,
            "page_obj": page,
            "cases": page.object_list,
            "query": query.urlencode(),
            "counts": selectors.station_counts(station),
            "month_start": timezone.localdate().replace(day=1),
            "section": "cases",
        },
    )


def _case_page(request, case, *, status=200, **extra):
    kinds = access.actor_kinds(request.user, case)
    context = {
        "case": case,
        "timeline": case_timeline(case, audience="internal"),
        "can_answer": case.kind == CaseKind.OPINION and case.state in ON_SPOT.sources and bool(kinds & ON_SPOT.actors),
        "can_reveal": access.can_see_full_phone(request.user, case) and bool(case.phone_masked or case.resident_name),
        "reveal_form": extra.pop("reveal_form", None) or RevealForm(),
        "answer_form": extra.pop("answer_form", None) or OnSpotForm(),
        "section": "cases",
        **extra,
    }
    return _render(request, "case.html", context, status=status)


@station_view
@require_GET
def case_detail(request, code, pk):
    return _case_page(request, selectors.case_for_station(request.station, pk))


@station_view
@require_POST
def case_reveal(request, code, pk):
    """The resident's full name and phone, for calling back: a reason is
    required and every reveal is logged (PhoneRevealLog)."""
    case = selectors.case_for_station(request.station, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, reveal_form=form)
    try:
        phone = actions.case_reveal_phone(case_id=case.pk, user=request.user, reason=form.cleaned_data["reason"])
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("station_workspace:case", code=code, pk=case.pk)
    return _case_page(request, case, full_phone=phone, full_name=case.resident_name)


@station_view
@require_POST
def case_answer(request, code, pk):
    """当场答复: the officer answered the resident on the spot; the case closes."""
    case = selectors.case_for_station(request.station, pk)
    form = OnSpotForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, answer_form=form)
    try:
        actions.case_answer_on_spot(
            case_id=case.pk, user=request.user, text=form.cleaned_data["text"], expected_state=request.POST.get("expected_state") or None
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已当场答复，案件已办结。群众可凭查询码查看答复。"))
    return redirect("station_workspace:case", code=code, pk=case.pk)


@station_view
@require_GET
def receipt(request, code, pk):
    """回执: a printable slip for the resident with the tracking code, its QR
    and what happens next. It carries no personal data."""
    case = selectors.case_for_station(request.station, pk)
    track_url = absolute_url(reverse("intake:track") + "?" + urlencode({"code": case.tracking_code_display}))
    return _render(
        request,
        "receipt.html",
        {"case": case, "track_url": track_url, "qr_svg": qr_svg_inline(track_url, scale=5), "section": "entry"},
    )


# --- Reception days -----------------------------------------------------------------------


@station_view
@require_http_methods(["GET", "POST"])
def receptions(request, code):
    """Plan the station's reception days (its rule proposes working days),
    see the sign-ups, and open a held day to record it."""
    station = request.station
    form = PlanForm(request.POST or None, initial={"date": request.GET.get("date", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                day, created = reception_plan(user=request.user, station_id=station.pk, **form.cleaned_data)
            except ReceptionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("已安排 %(date)s 的接待日。") % {"date": day.date.isoformat()} if created else _("该日已安排接待日，已更新。"),
                )
                return redirect("station_workspace:receptions", code=station.code)
        status = 400
    data = selectors.station_receptions(station)
    return _render(
        request,
        "receptions.html",
        {"form": form, "receptions": data, "rule": describe_rule(station), "today": timezone.localdate(), "section": "receptions"},
        status=status,
    )


@station_view
@require_http_methods(["GET", "POST"])
def reception_detail(request, code, pk):
    """One reception day: who signed up; after the day, the record (who
    received residents, how many, what happened) and the opinions entered."""
    station = request.station
    day = selectors.reception_day_for_station(station, pk)
    deputies = selectors.station_deputies(station, on=day.date)
    initial = {
        "residents_received": day.residents_received,
        "summary": day.summary,
        "attended": [d.pk for d in day.attended.all()] or [d.pk for d in day.deputies.all()],
    }
    form = RecordForm(request.POST or None, deputies=deputies, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reception_record(
                    user=request.user,
                    reception_day_id=day.pk,
                    residents_received=form.cleaned_data["residents_received"],
                    summary=form.cleaned_data["summary"],
                    attended_ids=form.cleaned_data["attended"],
                )
            except ReceptionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("接待记录已保存。"))
                return redirect("station_workspace:reception", code=station.code, pk=day.pk)
        status = 400
    return _render(
        request,
        "reception.html",
        {
            "day": day,
            "form": form,
            "held": day.date <= timezone.localdate(),
            "cases": selectors.reception_day_cases(day),
            "section": "receptions",
        },
        status=status,
    )


@station_view
@require_POST
def reception_cancel_view(request, code, pk):
    day = selectors.reception_day_for_station(request.station, pk)
    try:
        reception_cancel(user=request.user, reception_day_id=day.pk)
    except ReceptionError as exc:
        messages.error(request, str(exc))
        return redirect("station_workspace:reception", code=code, pk=day.pk)
    messages.success(request, _("已取消 %(date)s 的接待日。") % {"date": day.date.isoformat()})
    return redirect("station_workspace:receptions", code=code)


# --- Activity posts (宣传站) ----------------------------------------------------------------


@station_view
@require_http_methods(["GET", "POST"])
def posts(request, code):
    """The station's activity posts, and the form to publish one (title,
    text, up to nine photos, date, deputies present)."""
    station = request.station
    deputies = selectors.station_deputies(station)
    form = PostForm(request.POST or None, request.FILES or None, deputies=deputies)
    status = 200
    files_again = False
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                post_create(
                    user=request.user,
                    station_id=station.pk,
                    title=data["title"],
                    body=data["body"],
                    date=data["date"],
                    deputy_ids=data["deputies"],
                    photos=form.photos,
                    submission_key=data["submission_key"],
                )
            except ReceptionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("活动已发布，已显示在站点公开页面。"))
                return redirect("station_workspace:posts", code=station.code)
        status = 400
        files_again = form.had_files
    page = Paginator(station_posts(station), POST_PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "posts.html",
        {
            "form": form,
            "page_obj": page,
            "posts": page.object_list,
            "files_again": files_again,
            "max_photos": StationPost.MAX_PHOTOS,
            "section": "posts",
        },
        status=status,
    )


@station_view
@require_POST
def post_publish(request, code, pk):
    post = get_object_or_404(StationPost, pk=pk, station=request.station)
    post_set_published(user=request.user, post_id=post.pk, published=request.POST.get("published") == "1")
    messages.success(request, _("已更新。"))
    return redirect("station_workspace:posts", code=code)


def legacy_paper(request, code=None):
    """/paper/ and /paper/<code>/ (bookmarks and printed instructions from
    before the workspace): the same checks, then the workspace's page."""
    if code is None:
        return _legacy_home(request)
    return _legacy_entry(request, code=code)


@signed_in
def _legacy_home(request):
    query = request.GET.urlencode()
    return redirect(reverse("station_workspace:home") + (f"?{query}" if query else ""))


@station_view
def _legacy_entry(request, code):
    return redirect("station_workspace:entry", code=request.station.code)

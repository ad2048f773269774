"""The liaison officer's workspace (/station/): one station's cases, paper
and reception-day entry with its receipt, 当场答复, reception days, activity
posts and the subscribers' count. Every page runs through ``station_view``:
the station in the URL must be one the user runs (``stations.access``), so
another station's page or action is a 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from intake import choices, conf
from intake.forms import PaperForm
from intake.text import clean_text, title_from
from proposals.services.intake import case_create
from stations.access import access_station, stations_run_by

from ..access import workspace_view
from . import selectors

STATION_LIST_PAGE = 50


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
            return redirect("station_workspace:entry", code=station.code)
        files_again = form.had_files
    else:
        form = PaperForm(categories=categories, deputies=deputies)
        files_again = False
    context = {
        "form": form,
        "files_again": files_again,
        "recent": selectors.recent_entries(station),
        "max_photos": conf.get("MAX_PHOTOS"),
        "max_photo_mb": conf.get("MAX_PHOTO_BYTES") // (1024 * 1024),
        "section": "entry",
    }
    return _render(request, "entry.html", context)


@station_view
def station(request, code):
    return redirect("station_workspace:entry", code=code)


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

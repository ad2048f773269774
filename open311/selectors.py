"""Reads of the Open311 app: services and service requests, shaped as the
GeoReport v2 spec says.

What a request shows depends on who asks. Personal data (name, phone,
e-mail) is never shown. The description, address, position and the reply
(``status_notes``) are shown for the cases of the caller's API key (its
station, or its region for an area-wide key) and for cases whose reply staff
have published; to anyone else a request shows its status only, like the
public tracking page.
"""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from proposals.models import Case, CaseEvent, CaseKind, CasePhoto, Category, Reply
from proposals.models.cases import FINAL_STATES
from proposals.tracking import normalize_tracking_code
from regions.models import Region

from .models import ApiKey

DEFAULT_WINDOW_DAYS = 90  # spec: without dates, the last 90 days
MAX_RESULTS = 1000  # spec: at most 1000 requests per response
CLOSING_ACTIONS = ("return", "redirect", "reject", "merge")


def services() -> QuerySet:
    return Category.objects.filter(is_active=True).order_by("order", "code")


def service_list_data() -> list[dict]:
    return [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.description,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "",
        }
        for c in services()
    ]


def service_definition_data(category: Category) -> dict:
    # Our services take no extra attributes: the definition is empty.
    return {"service_code": category.code, "attributes": []}


def key_scope_q(api_key: ApiKey | None) -> Q:
    if api_key is None:
        return Q(pk__in=[])
    if api_key.station_id:
        return Q(station_id=api_key.station_id)
    return Q(region__in=Region.objects.filter(code__startswith=api_key.region.prefix).values("pk"))


def request_queryset() -> QuerySet:
    return (
        Case.objects.filter(kind=CaseKind.OPINION)
        .select_related("category", "lead_unit", "region")
        .prefetch_related(
            Prefetch("replies", queryset=Reply.objects.order_by("created_at", "id")),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(action__in=CLOSING_ACTIONS).order_by("created_at", "id"),
                to_attr="closing_events",
            ),
            Prefetch("photos", queryset=CasePhoto.objects.order_by("id")),
        )
    )


def find_requests(*, api_key: ApiKey | None, ids=(), service_code="", start=None, end=None, statuses=frozenset()) -> list[Case]:
    """GET requests: by ids (tracking codes) any case; otherwise the caller's
    key's cases, or published cases for a caller without a key."""
    qs = request_queryset()
    if ids:
        # GeoReport v2: service_request_id overrides every other argument.
        qs = qs.filter(tracking_code__in=[normalize_tracking_code(i) for i in ids])
        return list(qs.order_by("-submitted_at", "-id")[:MAX_RESULTS])
    qs = qs.filter(key_scope_q(api_key) if api_key is not None else Q(is_published=True))
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    # GeoReport v2: service_code may be a comma-separated list.
    codes = [c.strip() for c in (service_code or "").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lte=end)
    if statuses == {"open"}:
        qs = qs.exclude(state__in=FINAL_STATES)
    elif statuses == {"closed"}:
        qs = qs.filter(state__in=FINAL_STATES)
    # Index case_submitted_id (or case_station for a station key).
    return list(qs.order_by("-submitted_at", "-id")[:MAX_RESULTS])


def find_request(request_id: str) -> Case | None:
    code = normalize_tracking_code(request_id)
    if not code:
        return None
    return request_queryset().filter(tracking_code=code).first()


def _iso(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def open311_status(case: Case) -> str:
    return "closed" if case.state in FINAL_STATES else "open"


def status_notes(case: Case, *, full: bool) -> str:
    """The reply for a replied case; why it ended for a returned, redirected,
    rejected or merged one; else the plain state."""
    label = str(case.get_state_display())
    if not full:
        return label
    replies = list(case.replies.all())
    if replies:
        return replies[-1].text
    closing = getattr(case, "closing_events", [])
    if case.state in FINAL_STATES and closing and closing[-1].reason:
        return f"{label}：{closing[-1].reason}"
    return label


def _expected(case: Case) -> str | None:
    if not case.deadline or case.state in FINAL_STATES:
        return None
    end_of_day = dt.datetime.combine(case.deadline, dt.time(23, 59, 59))
    return _iso(timezone.make_aware(end_of_day))


def request_data(case: Case, *, full: bool, build_uri=None) -> dict:
    """One service request. ``full``: the caller may read the content."""
    photos = list(case.photos.all()) if full else []
    media_url = ""
    if photos and photos[0].image:
        media_url = photos[0].image.url
        if build_uri is not None:
            media_url = build_uri(media_url)
    return {
        "service_request_id": case.tracking_code,
        "status": open311_status(case),
        "status_notes": status_notes(case, full=full),
        "service_name": case.category.name if case.category_id else "",
        "service_code": case.category.code if case.category_id else "",
        "description": case.content if full else "",
        "agency_responsible": case.lead_unit.name if case.lead_unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(case.submitted_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _expected(case),
        "address": case.address if full else "",
        "address_id": "",
        "zipcode": "",
        "lat": float(case.latitude) if full and case.latitude is not None else None,
        "long": float(case.longitude) if full and case.longitude is not None else None,
        "media_url": media_url,
    }


def may_read(case: Case, api_key: ApiKey | None) -> bool:
    if case.is_published:
        return True
    if api_key is None:
        return False
    if api_key.station_id:
        return case.station_id == api_key.station_id
    return case.region_id is not None and case.region.code.startswith(api_key.region.prefix)

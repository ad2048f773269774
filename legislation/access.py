"""Who may see and act on drafts and comments.

- the public: published drafts, their articles and public counts; a comment
  only through its tracking code;
- county/region staff (``is_staff``, region subtree of the draft's region):
  every comment of the draft, contact details masked (reveal is logged);
- a station's liaison officer (``Station.liaison_officer``) of a station
  taking part: the comments of their own station only — another station's
  comments and contact details never reach them.
"""

from dataclasses import dataclass

from django.http import Http404

from regions.scoping import region_in_scope, scope_queryset
from stations.models import Station

from .models import Comment, Draft, Report


@dataclass(frozen=True)
class Scope:
    draft: Draft
    station: Station | None  # None: the legislature's staff, every station
    is_staff: bool

    def comments(self, qs=None):
        qs = Comment.objects.filter(draft=self.draft) if qs is None else qs.filter(draft=self.draft)
        if self.station is not None:
            qs = qs.filter(station=self.station)
        return qs


def is_draft_staff(user, draft: Draft) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and region_in_scope(user, draft.region))


def drafts_for_staff(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Draft.objects.none()
    return scope_queryset(Draft.objects.all(), user, "region")


def officer_stations(user, draft: Draft):
    if not (user.is_authenticated and user.is_active):
        return Station.objects.none()
    return draft.stations.filter(liaison_officer=user).order_by("code")


def access_public_draft(pk) -> Draft:
    draft = Draft.objects.select_related("current_version", "region").filter(pk=pk, published=True).first()
    if draft is None or draft.current_version_id is None:
        raise Http404
    return draft


def access_draft_scope(user, pk, station_code: str | None = None) -> Scope:
    """The draft as its staff or one of its stations' officers sees it."""
    try:
        draft = Draft.objects.select_related("current_version", "region").get(pk=int(pk))
    except (Draft.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if is_draft_staff(user, draft):
        station = None
        if station_code:
            station = draft.stations.filter(code=station_code).first()
            if station is None:
                raise Http404
        return Scope(draft=draft, station=station, is_staff=True)
    stations = officer_stations(user, draft)
    if station_code:
        stations = stations.filter(code=station_code)
    station = stations.first()
    if station is None:
        raise Http404
    return Scope(draft=draft, station=station, is_staff=False)


def access_comment(user, pk) -> tuple[Comment, Scope]:
    try:
        comment = Comment.objects.select_related("draft", "station", "provision").get(pk=int(pk))
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    draft = comment.draft
    if is_draft_staff(user, draft):
        return comment, Scope(draft=draft, station=None, is_staff=True)
    if comment.station_id is not None and comment.station.liaison_officer_id == getattr(user, "pk", None) and user.is_active:
        return comment, Scope(draft=draft, station=comment.station, is_staff=False)
    raise Http404


def access_report(user, pk) -> Report:
    try:
        report = Report.objects.select_related("draft", "station").get(pk=int(pk))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if is_draft_staff(user, report.draft):
        return report
    if report.station is not None and report.station.liaison_officer_id == getattr(user, "pk", None) and user.is_active:
        return report
    raise Http404

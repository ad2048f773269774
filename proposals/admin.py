"""County staff's case desk in Django admin.

- The changelist opens on the triage queue (new cases); filters by state,
  region, station, category, kind, channel, lead unit, supervision, overdue;
  a tracking code in the search box is an exact, indexed lookup.
- Each workflow move is a named button on the case page that opens a small
  form and calls the service (``proposals.services.actions``): no admin form
  can set ``state`` (it is ``editable=False``) and saving the page writes only
  the fields the form changed.
- The case page shows the whole history, assignments, contacts, replies,
  feedback, supervision records and notes in one panel, overdue highlighted.
- Everything is scoped to the staff member's region subtree
  (``RegionScopedAdminMixin``): another county's case is a 404.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress_portal.admin_lists import LargeTableAdminMixin, fixed_choices_filter
from regions.admin_scoping import RegionScopedAdminMixin
from regions.models import Region, RegionLevel
from regions.scoping import scope_queryset, sees_everything, user_region_prefix
from stations.models import Station
from units.admin import HandlingUnitAdmin
from units.models import HandlingUnit

from . import access, selectors
from . import forms as action_forms
from .models import (
    Case,
    CaseAssignment,
    CaseEvent,
    CaseKind,
    CaseState,
    Category,
    DeadlinePolicy,
    FollowUpStatus,
    PhoneRevealLog,
    Rating,
    ReplyClass,
    UnitRole,
)
from .models.cases import FINAL_STATES
from .services import actions
from .tracking import ALPHABET, LENGTH, normalize_tracking_code
from .workflow import EVENTS, MSG_NOT_ALLOWED, TRANSITIONS, WorkflowError

# --- changelist filters ----------------------------------------------------------------


class NullsLast(F):
    """A column sort that keeps NULLs last in both directions (Django admin
    sorts an expression with ``.asc()`` / ``.desc()``)."""

    def asc(self, **kwargs):
        return super().asc(nulls_last=True)

    def desc(self, **kwargs):
        return super().desc(nulls_last=True)


class QueueFilter(admin.SimpleListFilter):
    """The triage queue. Without a choice the list shows new cases (待初审),
    unless the user searches, when every case is searched."""

    title = _("工作队列")
    parameter_name = "queue"
    QUEUES = {
        "new": (_("待初审"), Q(state=CaseState.SUBMITTED)),
        "to_assign": (_("待交办"), Q(state=CaseState.ACCEPTED)),
        "disputed": (_("交办异议待调整"), Q(state=CaseState.DISPUTED)),
        "to_close": (_("待办结"), Q(state__in=[CaseState.REPLIED, CaseState.EVALUATED])),
        "following": (_("跟踪落实中"), Q(follow_up_status=FollowUpStatus.FOLLOWING)),
        "open": (_("全部在办"), ~Q(state__in=FINAL_STATES)),
    }

    # Parameters that do not count as "the user chose something else".
    NEUTRAL_PARAMS = {"o", "p", "_changelist_filters", "e"}

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _q) in self.QUEUES.items()] + [("all", _("全部案件"))]

    def _current(self):
        value = self.value()
        if value is None:
            # Opening the list shows the triage queue; a search or another
            # filter looks at every case.
            other = set(self.request.GET) - self.NEUTRAL_PARAMS
            return "all" if other else "new"
        return value

    def queryset(self, request, queryset):
        current = self._current()
        if current in self.QUEUES:
            return queryset.filter(self.QUEUES[current][1])
        return queryset

    def choices(self, changelist):
        current = self._current()
        for key, label in self.lookup_choices:
            yield {
                "selected": current == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否超期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已超期")), ("soon", _("三日内到期")), ("no", _("未超期"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.exclude(state__in=FINAL_STATES).filter(deadline__lt=today)
        if self.value() == "soon":
            return queryset.exclude(state__in=FINAL_STATES).filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=3))
        if self.value() == "no":
            return queryset.filter(Q(deadline__isnull=True) | Q(deadline__gte=today) | Q(state__in=FINAL_STATES))
        return queryset


logger = logging.getLogger(__name__)


# The changelist's filter choices (townships, stations, units of the user's
# subtree) change rarely: they are cached per subtree for a few minutes, which
# takes three queries off every page of the triage list. A new station shows
# up in the filter within FILTER_CHOICES_SECONDS.
FILTER_CHOICES_SECONDS = 300


def _scope_key(user) -> str:
    return "*" if sees_everything(user) else (user_region_prefix(user) or "-")


def cached_filter_choices(key: str, build):
    cache_key = f"admin-case-filter:{key}"
    try:
        choices = cache.get(cache_key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the list down
        choices = None
    if choices is None:
        choices = build()
        try:
            cache.set(cache_key, choices, FILTER_CHOICES_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("admin filter choices not cached", exc_info=True)
    return choices


class _ScopedChoiceFilter(admin.SimpleListFilter):
    """A filter whose choices are only the objects in the user's subtree
    (never a DISTINCT over the case table)."""

    field = ""

    def choice_queryset(self, request):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return cached_filter_choices(
            f"{self.parameter_name}:{_scope_key(request.user)}",
            lambda: [(str(obj.pk), str(obj)) for obj in self.choice_queryset(request)[:300]],
        )

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(**{f"{self.field}_id": int(self.value())})
            except ValueError:
                return queryset.none()
        return queryset


class RegionFilter(admin.SimpleListFilter):
    """Townships (streets, towns) of the user's subtree; a choice includes its villages."""

    title = _("区域")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        qs = Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        if not sees_everything(request.user):
            prefix = user_region_prefix(request.user)
            if prefix is None:
                return []
            qs = qs.filter(code__startswith=prefix)
        # Kept for queryset(): the chosen region is one of these, no second look-up.
        offered = cached_filter_choices(
            f"region:{_scope_key(request.user)}",
            lambda: [(r.code, r.name, r.level) for r in qs.order_by("code")[:300]],
        )
        self._offered = {code: Region(code=code, name=name, level=level) for code, name, level in offered}
        return [(code, name) for code, name, _level in offered]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        region = getattr(self, "_offered", {}).get(value) or Region.objects.filter(code=value).first()
        if region is None:
            return queryset.none()
        own = None if sees_everything(request.user) else user_region_prefix(request.user)
        if own is not None and own.startswith(region.prefix):
            # The user's own region (or above it): the scope already says
            # exactly this; a second region IN (…) would only make the planner
            # square its estimate and pick a worse plan.
            return queryset
        return queryset.filter(region__in=Region.objects.filter(code__startswith=region.prefix).values("pk"))


class StationFilter(_ScopedChoiceFilter):
    title = _("站点")
    parameter_name = "station"
    field = "station"

    def choice_queryset(self, request):

        return scope_queryset(Station.objects.all(), request.user, "region").only("pk", "name").order_by("name")


class LeadUnitFilter(_ScopedChoiceFilter):
    title = _("主办单位")
    parameter_name = "lead_unit"
    field = "lead_unit"

    def choice_queryset(self, request):

        return scope_queryset(HandlingUnit.objects.all(), request.user, "region").only("pk", "name", "short_name").order_by("name")


# --- the action buttons --------------------------------------------------------------------


@dataclass(frozen=True)
class AdminAction:
    key: str
    label: str
    form: type
    style: str = ""  # "danger" for refusals


def _call(key, request, case, data):
    """Run the service behind button ``key`` with the form's cleaned data."""
    user = request.user
    cid = case.pk
    expected = case.state
    if key == "accept":
        return actions.case_accept(case_id=cid, user=user, reason=data["reason"], expected_state=expected)
    if key in ("return", "redirect", "reject"):
        fn = {"return": actions.case_return, "redirect": actions.case_redirect, "reject": actions.case_reject}[key]
        return fn(case_id=cid, user=user, reason=data["reason"], expected_state=expected)
    if key == "merge":
        return actions.case_merge(case_id=cid, user=user, into_case_id=data["into"], reason=data["reason"], expected_state=expected)
    if key == "answer_on_spot":
        return actions.case_answer_on_spot(case_id=cid, user=user, text=data["text"], expected_state=expected)
    if key == "assign":
        return actions.case_assign(
            case_id=cid,
            user=user,
            lead_unit_id=data["lead_unit"].pk,
            co_unit_ids=[u.pk for u in data["co_units"]],
            responsible_deputy_id=data["responsible_deputy"].pk if data.get("responsible_deputy") else None,
            reason=data["reason"],
            expected_state=expected,
        )
    if key == "reassign":
        return actions.case_reassign(
            case_id=cid,
            user=user,
            lead_unit_id=data["lead_unit"].pk,
            co_unit_ids=[u.pk for u in data["co_units"]],
            reason=data["reason"],
            expected_state=expected,
        )
    if key == "close":
        return actions.case_close(case_id=cid, user=user, reason=data["reason"], expected_state=expected)
    if key == "supervise":
        return actions.case_supervise(
            case_id=cid, user=user, level=data["level"], kind=data["kind"], date=data["date"], summary=data["summary"]
        )
    if key == "extend":
        return actions.case_extend(case_id=cid, user=user, reason=data["reason"])
    if key == "publish":
        return actions.case_publish(case_id=cid, user=user)
    if key == "implemented":
        return actions.case_mark_implemented(case_id=cid, user=user, note=data["note"])
    if key == "contact":
        return actions.case_add_contact(
            case_id=cid, user=user, contact_date=data["contact_date"], way=data["way"], party=data["party"], summary=data["summary"]
        )
    if key == "note":
        return actions.case_add_note(case_id=cid, user=user, text=data["text"])
    raise Http404


ADMIN_ACTIONS = {
    a.key: a
    for a in [
        AdminAction("accept", _("受理"), action_forms.OptionalReasonForm),
        AdminAction("assign", _("交办"), action_forms.AssignForm),
        AdminAction("answer_on_spot", _("当场答复"), action_forms.TextForm),
        AdminAction("merge", _("并案"), action_forms.MergeForm),
        AdminAction("return", _("退回"), action_forms.ReasonForm, "danger"),
        AdminAction("redirect", _("转其他渠道"), action_forms.ReasonForm, "danger"),
        AdminAction("reject", _("不予受理"), action_forms.ReasonForm, "danger"),
        AdminAction("reassign", _("重新交办"), action_forms.AssignForm),
        AdminAction("close", _("办结"), action_forms.OptionalReasonForm),
        AdminAction("supervise", _("督办"), action_forms.SuperviseForm),
        AdminAction("extend", _("延长答复期限"), action_forms.ReasonForm),
        AdminAction("publish", _("公开答复"), action_forms.ConfirmForm),
        AdminAction("implemented", _("确认已落实"), action_forms.ImplementedForm),
        AdminAction("contact", _("沟通联系记录"), action_forms.ContactForm),
        AdminAction("note", _("添加备注"), action_forms.NoteForm),
    ]
}


def available_actions(case: Case, kinds: set[str]) -> list[AdminAction]:
    """The buttons staff see on a case: what the table allows now for them."""
    out = []
    for key, action in ADMIN_ACTIONS.items():
        if key in TRANSITIONS:
            t = TRANSITIONS[key]
            ok = case.state in t.sources and bool(kinds & t.actors)
            if key == "answer_on_spot":
                ok = ok and case.kind == CaseKind.OPINION
        elif key in EVENTS:
            _label, states, actors = EVENTS[key]
            ok = case.state in states and bool(kinds & actors)
            if key == "extend":
                ok = ok and case.kind == CaseKind.SUGGESTION and not case.reply_extended
            elif key == "publish":
                ok = ok and not case.is_published
            elif key == "implemented":
                ok = ok and case.follow_up_status == FollowUpStatus.FOLLOWING
        else:  # notes
            ok = bool(kinds)
        if ok:
            out.append(action)
    return out


def _form_kwargs(key, request, case):
    if key == "merge":
        return {"user": request.user, "case": case}
    if key == "assign":
        return {"user": request.user, "case": case, "with_deputy": case.kind == CaseKind.OPINION}
    if key == "reassign":
        return {"user": request.user, "case": case, "with_deputy": False, "reason_required": True}
    return {}


# A repeated move (stale page, double submit) is no failure: say it is done.
MSG_ALREADY_DONE = _("已完成：%(action)s（该操作已由他人完成或已提交过，无需重复）")


def _is_repeat(key, case, kinds) -> bool:
    """The case already stands where button ``key`` would take it, and the
    user may take that step: a POST is a harmless repeat for the service."""
    t = TRANSITIONS.get(key)
    return t is not None and case.state == t.target and case.state not in t.sources and bool(kinds & t.actors)


def _form_initial(key, case):
    if key == "reassign":
        # Start from the current assignment: changing only a co-unit must not
        # mean picking the lead unit again.
        co_units = case.assignments.filter(is_active=True, role=UnitRole.CO).values_list("unit_id", flat=True)
        return {"lead_unit": case.lead_unit_id, "co_units": list(co_units)}
    return None


# --- the case admin -------------------------------------------------------------------------


class CaseAdminForm(forms.ModelForm):
    """Staff may correct the title and the category; nothing else of a case
    is edited here (the resident's words stay as written; the state moves
    only through the buttons)."""

    # The few categories read as one plain list (a ModelChoiceField iterates
    # with a server-side cursor on PostgreSQL: DECLARE, FETCH, CLOSE).
    category = action_forms.ListedModelChoiceField(label=_("类别"), queryset=Category.objects.all(), required=False)

    class Meta:
        model = Case
        fields = ["title", "category"]


def text_search_q(search_term: str) -> Q:
    """Every word in the title or the content.

    A word of three or more characters is matched case-insensitively
    (``UPPER(col) LIKE UPPER('%word%')``), which the trigram GIN indexes
    case_title_trgm / case_content_trgm serve on PostgreSQL. Shorter words
    (most Chinese words are two characters) give no trigram: the index would
    return every row to recheck, slower than no index, so they are matched
    as written (``col LIKE '%word%'``, an expression the index does not
    cover) and the list walks case_submitted_id until its page is full."""
    condition = Q()
    for word in smart_split(search_term):
        word = unescape_string_literal(word) if word[:1] in "\"'" and word[:1] == word[-1:] else word
        word = word.strip()
        if not word:
            continue
        lookup = "icontains" if len(word) >= 3 else "contains"
        condition &= Q(**{f"title__{lookup}": word}) | Q(**{f"content__{lookup}": word})
    return condition


class IndexedSortChangeList(ChangeList):
    """Sorts only by the columns in ``sortable_by``, also when the ``o``
    parameter of a hand-made URL asks for another (Django only hides the
    other headers' links)."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    # Row links. Django adds the list's filters to each link of each row with
    # ``add_preserved_filters``, which resolves the link's URL through the
    # whole URLconf every time: on a filtered page of 50 rows that was a
    # third of the rows' cost. The filters are the same for every row, so
    # each row's URL carries them already (computed once per page) and the
    # template tag has nothing left to merge.
    def get_results(self, request):
        super().get_results(request)
        self._row_query = self.preserved_filters
        self.preserved_filters = ""
        self._row_urls = {}

    def url_for_result(self, result):
        url = self._row_urls.get(result.pk)
        if url is None:
            url = super().url_for_result(result)
            if getattr(self, "_row_query", ""):
                url = f"{url}?{self._row_query}"
            self._row_urls[result.pk] = url
        return url


@admin.register(Case)
class CaseAdmin(LargeTableAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    form = CaseAdminForm
    change_form_template = "admin/proposals/case/change_form.html"
    change_list_template = "admin/proposals/case/change_list.html"
    list_display = (
        "code_col",
        "title",
        # Six columns fit 1280 px with the nav sidebar open. No region (the
        # station names it), category or supervision columns: the filters
        # narrow by them, and the status column names kind and supervision.
        "status_col",
        "station",
        "lead_unit",
        "deadline_col",
    )
    list_display_links = ("code_col", "title")
    # Only columns an index can sort at province scale: the unique tracking
    # code, the deadline (case_deadline / case_open_deadline_desc) and the
    # submission time (case_submitted_id). Sorting a million cases by title
    # or station means reading and sorting them all; the filters cover those.
    sortable_by = ("code_col", "deadline_col")
    list_filter = (
        QueueFilter,
        "state",
        OverdueFilter,
        RegionFilter,
        StationFilter,
        "category",
        "kind",
        "channel",
        LeadUnitFilter,
        "supervision_level",
        "follow_up_status",
    )
    list_select_related = ("station", "lead_unit")
    search_fields = ("=tracking_code", "title", "content")
    search_help_text = _("输入查询码（如 ABCD-EFGH）精确查找，或输入标题、内容中的文字")
    ordering = ("-submitted_at", "-id")
    list_per_page = 50
    actions = ["assign_to_unit"]
    readonly_fields = (
        # Grouped as residents, the list and the action pages show it (ABCD-EFGH).
        "tracking_code_col",
        "kind",
        "channel",
        "state_col",
        "content",
        "address",
        "station",
        "region",
        "submitted_at",
        "received_on",
        "resident_name",
        "phone_col",
        "contact_email",
        "lead_unit",
        "responsible_deputy",
        "addressed_deputy",
        "deadline_col",
        "supervision_level",
        "reply_class",
        "satisfaction_col",
        "follow_up_status",
        "is_published",
        "merged_into",
        "suggestion",
    )
    fieldsets = (
        (
            _("基本信息"),
            {
                "fields": (
                    ("tracking_code_col", "kind", "channel"),
                    "title",
                    "content",
                    "category",
                    "address",
                    ("station", "region"),
                    ("submitted_at", "received_on"),
                )
            },
        ),
        (_("群众"), {"fields": ("resident_name", "phone_col", "contact_email")}),
        (
            _("办理"),
            {
                "fields": (
                    "state_col",
                    "deadline_col",
                    "lead_unit",
                    "responsible_deputy",
                    "addressed_deputy",
                    "supervision_level",
                    "reply_class",
                    "satisfaction_col",
                    "follow_up_status",
                    "is_published",
                    "merged_into",
                    "suggestion",
                )
            },
        ),
    )

    # -- columns ----------------------------------------------------------------------

    @admin.display(description=_("查询码"), ordering="tracking_code")
    @admin.display(description=_("满意度"))
    def satisfaction_col(self, obj):
        return Rating(obj.satisfaction).label if obj.satisfaction in Rating.values else "—"

    def tracking_code_col(self, obj):
        return obj.tracking_code_display

    def action_checkbox(self, obj):
        # Django's markup, written directly: rendering a CheckboxInput widget
        # through the template engine was a quarter of each row's cost on a
        # 50-row page.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=_("状态"), ordering="state")
    def state_col(self, obj):
        return obj.get_state_display()

    @admin.display(description=_("状态"))
    def status_col(self, obj):
        html = format_html('{}<br><span class="case-kind">{}</span>', obj.get_state_display(), obj.get_kind_display())
        if obj.supervision_level:
            html = format_html('{}<br><span class="case-supervised">{}</span>', html, obj.get_supervision_level_display())
        return html

    # The code and the submission date share a column (and it sorts by the
    # date: sorting random codes helps nobody), so seven columns fit.
    @admin.display(description=_("查询码 / 提出日期"), ordering="submitted_at")
    def code_col(self, obj):
        at = timezone.localtime(obj.submitted_at)
        return format_html(
            '{}<br><span class="case-submitted" title="{}">{}</span>', obj.tracking_code_display, f"{at:%Y-%m-%d %H:%M}", f"{at:%Y-%m-%d}"
        )

    # NULLS LAST both ways: cases without a deadline (closed, not yet
    # accepted) never fill the first page of a descending sort.
    @admin.display(description=_("当前时限"), ordering=NullsLast("deadline"))
    def deadline_col(self, obj):
        if not obj.deadline or not obj.is_open:
            return "-"
        label = f"{obj.deadline:%Y-%m-%d}（{obj.get_deadline_kind_display()}）"
        if obj.deadline_provisional:
            label += gettext(" 暂定：节假日安排录入后重新计算")
        if obj.is_overdue():
            days = (timezone.localdate() - obj.deadline).days
            return format_html('<strong class="case-overdue" style="color:#ba2121">{} {}</strong>', label, _("超期 %(d)s 天") % {"d": days})
        return label

    @admin.display(description=_("手机号"))
    def phone_col(self, obj):
        if not obj.phone_masked:
            return "-"
        if access.can_see_full_phone(self._request.user, obj):
            url = reverse("admin:proposals_case_reveal_phone", args=[obj.pk])
            return format_html(
                '{} <a class="button" href="{}" data-reveal-phone>{}</a>',
                obj.phone_masked,
                url,
                _("显示完整号码"),
            )
        return obj.phone_masked

    def get_changelist(self, request, **kwargs):
        return IndexedSortChangeList

    # -- permissions and scope -------------------------------------------------------------

    # The case page prints these; fetched with the case in one query.
    CHANGE_RELATED = ("region", "station", "category", "lead_unit", "responsible_deputy", "addressed_deputy", "reply_class")

    def get_queryset(self, request):
        self._request = request
        return super().get_queryset(request)

    def get_object(self, request, object_id, from_field=None):
        # Memoised per request (change_view and the panel both need it), with
        # the related rows the page prints.
        cache = request.__dict__.setdefault("_case_admin_objects", {})
        key = (str(object_id), from_field)
        if key not in cache:
            queryset = access.with_actor_flags(self.get_queryset(request).select_related(*self.CHANGE_RELATED), request.user)
            field = Case._meta.pk if from_field is None else Case._meta.get_field(from_field)
            try:
                cache[key] = queryset.get(**{field.name: field.to_python(object_id)})
            except (Case.DoesNotExist, ValidationError, ValueError, TypeError):
                cache[key] = None
        return cache[key]

    def has_add_permission(self, request):
        # Cases come in through intake (kiosk, QR, paper entry, API).
        return False

    def has_delete_permission(self, request, obj=None):
        # The audit trail is never deleted from admin.
        return False

    def get_search_results(self, request, queryset, search_term):
        code = normalize_tracking_code(search_term)
        if len(code) == LENGTH and all(ch in ALPHABET for ch in code):
            # Fast path: the unique index on tracking_code, and nothing else
            # (no LIKE '%…%' over a million contents).
            return queryset.filter(tracking_code=code), False
        return queryset.filter(text_search_q(search_term)), False

    def save_model(self, request, obj, form, change):
        if not self._obj_in_scope(request, obj):
            raise PermissionDenied
        # Only what the form changed: a full save would write back a state
        # read before someone else's move.
        if change and form.changed_data:
            obj.save(update_fields=[*form.changed_data, "updated_at"])

    def changelist_view(self, request, extra_context=None):
        self._request = request
        extra_context = {**(extra_context or {}), "overdue_board_url": reverse("admin:proposals_case_overdue_board")}
        return super().changelist_view(request, extra_context)

    # -- the case page ----------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._request = request
        case = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if case is not None:
            extra.update(self._panel_context(request, case))
            # The header reads the code as staff read it to a resident (ABCD-EFGH).
            extra["subtitle"] = f"{case.tracking_code_display} {case.title}"
        return super().change_view(request, object_id, form_url, extra)

    def _panel_context(self, request, case):
        # Three queries for the whole panel: the timeline, the assignments,
        # and every other record in one UNION (selectors.case_records). The
        # buttons cost none: the case carries the actor flags.
        kinds = access.actor_kinds(request.user, case)
        buttons = [
            {"key": a.key, "label": a.label, "style": a.style, "url": reverse("admin:proposals_case_action", args=[case.pk, a.key])}
            for a in available_actions(case, kinds)
        ]
        records = selectors.case_records(case)
        return {
            "case_buttons": buttons,
            "timeline": selectors.case_timeline(case, audience="internal"),
            "assignments": list(case.assignments.select_related("unit").order_by("-assigned_at", "-id")),
            "contacts": records.contacts,
            "replies": records.replies,
            "feedbacks": records.feedbacks,
            "supervision_records": records.supervision_records,
            "notes": records.notes,
            "is_overdue": case.is_overdue(),
            "today": timezone.localdate(),
        }

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        custom = [
            path("overdue/", self.admin_site.admin_view(self.overdue_board_view), name=f"{info}_overdue_board"),
            path("<path:object_id>/action/<slug:key>/", self.admin_site.admin_view(self.action_view), name=f"{info}_action"),
            path("<path:object_id>/reveal-phone/", self.admin_site.admin_view(self.reveal_phone_view), name=f"{info}_reveal_phone"),
        ]
        return custom + super().get_urls()

    def _case_or_404(self, request, object_id):
        case = self.get_object(request, object_id)
        if case is None or not self.has_view_permission(request, case):
            raise Http404
        return case

    def action_view(self, request, object_id, key):
        self._request = request
        case = self._case_or_404(request, object_id)
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        action = ADMIN_ACTIONS.get(key)
        if action is None:
            raise Http404
        change_url = reverse("admin:proposals_case_change", args=[case.pk])
        kinds = access.actor_kinds(request.user, case)
        repeat = _is_repeat(key, case, kinds)
        if action not in available_actions(case, kinds):
            if not repeat:
                messages.error(request, MSG_NOT_ALLOWED % {"state": case.get_state_display(), "action": action.label})
                return HttpResponseRedirect(change_url)
            if request.method != "POST":
                messages.info(request, MSG_ALREADY_DONE % {"action": action.label})
                return HttpResponseRedirect(change_url)
            # A POST from a stale page or a double submit: the service decides
            # (the same move again returns the case unchanged; another effect,
            # e.g. another unit, is refused as a concurrent change).
        kwargs = _form_kwargs(key, request, case)
        if request.method == "POST":
            form = action.form(request.POST, **kwargs)
            if form.is_valid():
                try:
                    _call(key, request, case, form.cleaned_data)
                except WorkflowError as exc:
                    form.add_error(None, str(exc))
                else:
                    if repeat:
                        messages.info(request, MSG_ALREADY_DONE % {"action": action.label})
                    else:
                        messages.success(request, _("已完成：%(action)s") % {"action": action.label})
                    return HttpResponseRedirect(change_url)
        else:
            form = action.form(initial=_form_initial(key, case), **kwargs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": case,
            "case": case,
            "form": form,
            "action": action,
            "title": f"{action.label}：{case.tracking_code_display}",
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/proposals/case/action_form.html", context)

    def reveal_phone_view(self, request, object_id):
        case = self._case_or_404(request, object_id)
        change_url = reverse("admin:proposals_case_change", args=[case.pk])
        if request.method != "POST":
            # Revealing writes a log row: confirm first.
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": case,
                "case": case,
                "title": _("显示完整号码"),
                "change_url": change_url,
                "phone": None,
                "form": action_forms.RevealPhoneForm(),
            }
            return TemplateResponse(request, "admin/proposals/case/reveal_phone.html", context)
        form = action_forms.RevealPhoneForm(request.POST)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": case,
                "case": case,
                "title": _("显示完整号码"),
                "change_url": change_url,
                "phone": None,
                "form": form,
            }
            return TemplateResponse(request, "admin/proposals/case/reveal_phone.html", context, status=400)
        try:
            phone = actions.case_reveal_phone(case_id=case.pk, user=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": case,
            "case": case,
            "title": _("完整号码"),
            "change_url": change_url,
            "phone": phone,
        }
        return TemplateResponse(request, "admin/proposals/case/reveal_phone.html", context)

    def overdue_board_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        board = selectors.overdue_board(request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("超期案件（按承办单位）"),
            "groups": board.groups,
            "board": board,
            "total": board.total,
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/proposals/case/overdue_board.html", context)

    # -- bulk assignment --------------------------------------------------------------------

    @admin.action(description=_("将所选案件交办给承办单位"), permissions=["change"])
    def assign_to_unit(self, request, queryset):
        if "apply" in request.POST:
            form = action_forms.BulkAssignForm(request.POST, user=request.user)
            if form.is_valid():
                unit = form.cleaned_data["lead_unit"]
                done, failed = 0, []
                for case in queryset.select_related(None).only("pk", "tracking_code"):
                    try:
                        actions.case_assign(case_id=case.pk, user=request.user, lead_unit_id=unit.pk, reason=form.cleaned_data["reason"])
                        done += 1
                    except WorkflowError as exc:
                        failed.append(f"{case.tracking_code_display}：{exc}")
                if done:
                    messages.success(request, _("已交办 %(n)s 件给 %(unit)s。") % {"n": done, "unit": unit})
                for line in failed:
                    messages.error(request, line)
                return None
        else:
            form = action_forms.BulkAssignForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("批量交办"),
            "form": form,
            "cases": list(queryset.select_related("region")[:200]),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "action_name": "assign_to_unit",
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/proposals/case/bulk_assign.html", context)


# --- read-only audit rows and configuration ------------------------------------------------------


class ReadOnlyAdminMixin:
    """Audit records: listed and read in admin, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def action_label(action: str) -> str:
    """The Chinese name of a recorded action (the code itself if unknown)."""
    return dict(event_action_choices()).get(action, action)


def event_action_choices() -> list[tuple[str, str]]:
    """Every action the code records, with its label (the history has
    millions of rows: its distinct values are not read from it)."""
    from .services.suggestions import EVENT_LABELS

    labels = {"submit": _("提交"), "mark_overdue": _("标记超期"), "deadline_recomputed": _("重新计算时限")}
    labels.update({action: t.label for action, t in TRANSITIONS.items()})
    labels.update({action: spec[0] for action, spec in EVENTS.items()})
    labels.update(EVENT_LABELS)
    return sorted(((action, str(label)) for action, label in labels.items()), key=lambda pair: pair[0])


@admin.register(CaseEvent)
class CaseEventAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    """The audit trail, read-only."""

    region_field = "case__region"
    list_display = ("created_at", "case", "action_col", "from_state", "to_state", "actor", "actor_label")
    list_filter = (fixed_choices_filter("action", _("操作"), lambda: event_action_choices()),)

    @admin.display(description=_("操作"), ordering="action")
    def action_col(self, obj):
        return action_label(obj.action)

    def get_fields(self, request, obj=None):
        fields = [f.name for f in CaseEvent._meta.fields if f.name not in ("id", "action")]
        return ["action_col", *fields]

    list_select_related = ("case", "actor")
    search_fields = ("=case__tracking_code",)


@admin.register(PhoneRevealLog)
class PhoneRevealLogAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "case__region"
    list_display = ("created_at", "case", "user", "reason")
    list_select_related = ("case", "user")
    search_fields = ("=case__tracking_code", "user__username")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name")


@admin.register(ReplyClass)
class ReplyClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "requires_follow_up", "counts_as_solved", "order", "is_active")
    list_editable = ("order", "is_active")

    def has_delete_permission(self, request, obj=None):
        # Replies point to their class; retire a class with "启用" instead.
        return False


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """A single row (pk=1): the list opens it directly."""

    fields = (
        "assign_workdays",
        "dispute_workdays",
        "opinion_reply_workdays",
        "suggestion_reply_months",
        "suggestion_extended_months",
        "rereply_months",
        "reminder_offsets",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        policy = DeadlinePolicy.current()
        return HttpResponseRedirect(reverse("admin:proposals_deadlinepolicy_change", args=[policy.pk]))


# --- the roster's admin, extended with what the case core knows ------------------------------


class HandlingUnitCasesAdmin(HandlingUnitAdmin):
    """The handling units list with each unit's open lead cases. The roster
    (``units``) knows nothing of cases, so the case core re-registers the
    unit admin with the count added."""

    list_display = (*HandlingUnitAdmin.list_display[:-1], "active_cases", HandlingUnitAdmin.list_display[-1])

    def get_queryset(self, request):
        # Open lead assignments per unit, counted in the list query itself:
        # for each listed unit, its open assignments only (index
        # assignment_unit_open), not a GROUP BY over every assignment ever made.
        open_lead = (
            CaseAssignment.objects.filter(unit=OuterRef("pk"), is_active=True, case_open=True, role=UnitRole.LEAD)
            .order_by()
            .values("unit")
            .annotate(n=Count("*"))
            .values("n")
        )
        return super().get_queryset(request).annotate(_active_cases=Coalesce(Subquery(open_lead), 0))

    @admin.display(description=_("在办案件"), ordering="_active_cases")
    def active_cases(self, obj):
        return obj._active_cases


admin.site.unregister(HandlingUnit)
admin.site.register(HandlingUnit, HandlingUnitCasesAdmin)

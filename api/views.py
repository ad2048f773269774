"""REST API v1 views: thin (style.md). Reads use ``api.selectors``; every
write calls one workflow service of ``proposals.services.actions``.

Permissions: the default is "authenticated" (settings); the public endpoints
say so explicitly with ``permission_classes = [AllowAny]``.
"""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies.models import Deputy
from proposals.models import Case, Category, ReplyClass
from proposals.services import actions
from regions.models import normalize_code
from units.models import HandlingUnit

from . import selectors
from . import serializers as s
from .filters import CaseFilter, DeputyFilter, HandlingUnitFilter, ReceptionDayFilter, RegionFilter, StationFilter
from .pagination import CaseCursorPagination

MSG_BAD_CREDENTIALS = _("用户名或密码错误，或账号已停用。")
MSG_MERGE_TARGET = _("要并入的案件不存在或不在您的范围内。")
MSG_DEPUTY_UNKNOWN = _("找不到该代表。")


# --- auth ---------------------------------------------------------------------------------


class TokenView(APIView):
    """POST: a system exchanges username and password for its API token.
    DELETE: the caller revokes its own token."""

    throttle_scope = "auth"

    def get_permissions(self):
        if self.request is not None and self.request.method == "POST":
            return [AllowAny()]
        return super().get_permissions()

    @extend_schema(request=s.TokenRequestSerializer, responses={200: s.TokenSerializer}, auth=[], summary=_("用用户名和密码换取令牌"))
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request=request._request, **data.validated_data)
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [MSG_BAD_CREDENTIALS]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, summary=_("注销本账号的令牌"))
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer, summary=_("当前用户"))
    def get(self, request):
        user = request.user
        deputy = Deputy.objects.filter(user=user).first()
        data = {
            "username": user.username,
            "display_name": str(user),
            "role": user.role,
            "is_staff": user.is_staff,
            "region": user.region,
            "deputy": deputy,
            "units": list(HandlingUnit.objects.filter(members=user)),
        }
        return Response(s.MeSerializer(data).data)


# --- public directories ---------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary=_("行政区划")), retrieve=extend_schema(summary=_("行政区划详情")))
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2,12}"

    def get_queryset(self):
        return selectors.region_queryset()

    def get_object(self):
        try:
            code = normalize_code(self.kwargs["code"])
        except ValueError:
            raise exceptions.NotFound from None
        return get_object_or_404(self.get_queryset(), code=code)


@extend_schema_view(list=extend_schema(summary=_("家站点")), retrieve=extend_schema(summary=_("家站点详情")))
class StationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    filterset_class = StationFilter
    ordering_fields = ["code", "name"]
    ordering = ["region__code", "code"]
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return selectors.station_detail_queryset() if self.action == "retrieve" else selectors.station_queryset()

    def get_serializer_class(self):
        return s.StationDetailSerializer if self.action == "retrieve" else s.StationSerializer


@extend_schema_view(list=extend_schema(summary=_("人大代表（公开信息）")), retrieve=extend_schema(summary=_("人大代表详情")))
class DeputyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = s.DeputySerializer
    filterset_class = DeputyFilter
    ordering_fields = ["name"]
    ordering = ["name", "id"]
    lookup_field = "public_id"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return selectors.deputy_queryset()


@extend_schema_view(list=extend_schema(summary=_("接待日")), retrieve=extend_schema(summary=_("接待日详情")))
class ReceptionDayViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = s.ReceptionDaySerializer
    filterset_class = ReceptionDayFilter
    ordering_fields = ["date"]
    ordering = ["-date", "id"]

    def get_queryset(self):
        return selectors.reception_day_queryset()


@extend_schema_view(list=extend_schema(summary=_("问题类别")))
class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = s.CategorySerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Category.objects.filter(is_active=True)


@extend_schema_view(list=extend_schema(summary=_("答复类别")))
class ReplyClassViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReplyClassSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return ReplyClass.objects.filter(is_active=True)


@extend_schema_view(list=extend_schema(summary=_("承办单位")), retrieve=extend_schema(summary=_("承办单位详情")))
class HandlingUnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.HandlingUnitSerializer
    filterset_class = HandlingUnitFilter
    ordering_fields = ["name", "id"]
    ordering = ["region__code", "name"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return selectors.unit_queryset()


# --- cases ----------------------------------------------------------------------------------


class CaseOrderingFilter(OrderingFilter):
    """Only what the cursor can follow on an index (case_submitted_id); the
    id breaks ties so no row is skipped or repeated between pages."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        first = ordering[0]
        return [first, "-id" if first.startswith("-") else "id"]


def _action_schema(request, summary, response=s.CaseDetailSerializer, code=200):
    return extend_schema(request=request, responses={code: response}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary=_("案件列表（按本人范围）")),
    retrieve=extend_schema(summary=_("案件详情")),
)
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases the caller may see: staff their region subtree, unit members
    their units' cases, deputies their own (``api.selectors``). Anything else
    is 404, on the detail and on every action."""

    filterset_class = CaseFilter
    filter_backends = [DjangoFilterBackend, CaseOrderingFilter]
    ordering_fields = ["submitted_at"]
    pagination_class = CaseCursorPagination
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if self.action == "list":
            return selectors.case_list_queryset(self.request.user)
        if self.action == "retrieve":
            return selectors.case_detail_queryset(self.request.user)
        return selectors.cases_visible_to(self.request.user)

    def get_serializer_class(self):
        return s.CaseListSerializer if self.action == "list" else s.CaseDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def filter_queryset(self, queryset):
        # Actions address one case by id: list filters do not apply to them.
        if self.action not in ("list",):
            return queryset
        return super().filter_queryset(queryset)

    # -- helpers --

    def _case(self) -> Case:
        """The addressed case, scope-checked (404) before any input is read."""
        if not hasattr(self, "_scoped_case"):
            self._scoped_case = self.get_object()
        return self._scoped_case

    def _input(self, serializer_class):
        self._case()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _respond(self, case_id, code=status.HTTP_200_OK):
        case = selectors.case_detail_queryset(self.request.user).filter(pk=case_id).first()
        if case is None:
            # The move took the case out of the caller's scope (a unit that
            # disputed it, say): show the result of the move anyway.
            case = get_object_or_404(
                Case.objects.select_related(*selectors.CASE_LIST_RELATED).prefetch_related(
                    "assignments__unit", "replies", "feedbacks", "contacts", "supervision_records", "events", "photos"
                ),
                pk=case_id,
            )
        return Response(self.get_serializer(case).data, status=code)

    def _run(self, service, **kwargs):
        case = self._case()
        service(case_id=case.pk, user=self.request.user, **kwargs)
        return self._respond(case.pk)

    # -- review (初审) --

    @_action_schema(s.ReasonOptionalSerializer, _("受理"))
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._run(actions.case_accept, **self._input(s.ReasonOptionalSerializer))

    @_action_schema(s.ReasonSerializer, _("退回"))
    @action(detail=True, methods=["post"], url_path="return")
    def return_case(self, request, pk=None):
        return self._run(actions.case_return, **self._input(s.ReasonSerializer))

    @_action_schema(s.ReasonSerializer, _("转其他渠道"))
    @action(detail=True, methods=["post"])
    def redirect(self, request, pk=None):
        return self._run(actions.case_redirect, **self._input(s.ReasonSerializer))

    @_action_schema(s.ReasonSerializer, _("不予受理"))
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._run(actions.case_reject, **self._input(s.ReasonSerializer))

    @_action_schema(s.MergeSerializer, _("并案"))
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        data = self._input(s.MergeSerializer)
        if not selectors.cases_visible_to(request.user).filter(pk=data["into_case_id"]).exists():
            raise exceptions.ValidationError({"into_case_id": [MSG_MERGE_TARGET]})
        return self._run(actions.case_merge, **data)

    @_action_schema(s.TextSerializer, _("当场答复"))
    @action(detail=True, methods=["post"], url_path="answer-on-spot")
    def answer_on_spot(self, request, pk=None):
        return self._run(actions.case_answer_on_spot, **self._input(s.TextSerializer))

    @_action_schema(s.ResubmitSerializer, _("修改后重新提出（代表建议）"))
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._run(actions.case_resubmit, **self._input(s.ResubmitSerializer))

    # -- assignment (交办) --

    @_action_schema(s.AssignSerializer, _("交办"))
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = self._input(s.AssignSerializer)
        public_id = data.pop("responsible_deputy", "")
        deputy_id = None
        if public_id:
            deputy = Deputy.objects.filter(public_id=public_id, is_active=True).only("pk").first()
            if deputy is None:
                raise exceptions.ValidationError({"responsible_deputy": [MSG_DEPUTY_UNKNOWN]})
            deputy_id = deputy.pk
        return self._run(actions.case_assign, responsible_deputy_id=deputy_id, **data)

    @_action_schema(s.ReasonSerializer, _("提出交办异议"))
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        return self._run(actions.case_dispute, **self._input(s.ReasonSerializer))

    @_action_schema(s.ReassignSerializer, _("重新交办"))
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        return self._run(actions.case_reassign, **self._input(s.ReassignSerializer))

    # -- handling and reply (办理、答复) --

    @_action_schema(None, _("签收办理"))
    @action(detail=True, methods=["post"], url_path="start-handling")
    def start_handling(self, request, pk=None):
        return self._run(actions.case_start_handling)

    @_action_schema(s.ContactSerializer, _("记录沟通联系（三见面）"), response=s.ContactRecordSerializer, code=201)
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        data = self._input(s.ContactSerializer)
        case = self._case()
        record = actions.case_add_contact(case_id=case.pk, user=request.user, **data)
        return Response(s.ContactRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"application/json": s.ReplyInputSerializer, "multipart/form-data": s.ReplyInputSerializer},
        responses={200: s.CaseDetailSerializer},
        summary=_("答复"),
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        data = self._input(s.ReplyInputSerializer)
        return self._run(actions.case_reply, **data)

    @_action_schema(s.FeedbackInputSerializer, _("满意度测评（代表）"))
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        return self._run(actions.case_feedback, **self._input(s.FeedbackInputSerializer))

    # -- closure and after (办结、公开、落实) --

    @_action_schema(s.ReasonOptionalSerializer, _("办结"))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(actions.case_close, **self._input(s.ReasonOptionalSerializer))

    @_action_schema(None, _("公开答复"))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._run(actions.case_publish)

    @_action_schema(s.ImplementedSerializer, _("确认已落实"))
    @action(detail=True, methods=["post"], url_path="mark-implemented")
    def mark_implemented(self, request, pk=None):
        return self._run(actions.case_mark_implemented, **self._input(s.ImplementedSerializer))

    # -- supervision (督办) --

    @_action_schema(s.SuperviseSerializer, _("督办"))
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        return self._run(actions.case_supervise, **self._input(s.SuperviseSerializer))

    @_action_schema(s.ReasonSerializer, _("提请督办（代表）"))
    @action(detail=True, methods=["post"], url_path="request-supervision")
    def request_supervision(self, request, pk=None):
        return self._run(actions.case_request_supervision, **self._input(s.ReasonSerializer))

    @_action_schema(s.ReasonSerializer, _("延长答复期限"))
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._run(actions.case_extend, **self._input(s.ReasonSerializer))

    @_action_schema(s.NoteSerializer, _("内部备注"), response=s.NoteOutSerializer, code=201)
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        data = self._input(s.NoteSerializer)
        case = self._case()
        note = actions.case_add_note(case_id=case.pk, user=request.user, **data)
        return Response(s.NoteOutSerializer(note).data, status=status.HTTP_201_CREATED)

"""Serializers: shapes only, no rules (style.md). Writes go through the
workflow services in ``api.views.cases``.

Personal data: deputies expose their public fields only (never phone, e-mail,
account or home region); a case shows the resident's phone masked — the full
number is not available through the API at all (staff call back through admin
and the workspaces, where each reveal is logged).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deputies.models import Deputy
from proposals.models import (
    Case,
    CaseAssignment,
    CaseEvent,
    Category,
    ContactParty,
    ContactRecord,
    ContactWay,
    Feedback,
    Rating,
    Reply,
    ReplyClass,
    SupervisionKind,
    SupervisionLevel,
    SupervisionRecord,
)
from proposals.models.cases import DeadlineKind
from regions.models import Region
from stations.models import ReceptionDay, Station
from stations.reception import next_reception_date
from units.models import HandlingUnit

MAX_ID = 2**53  # larger ids do not exist and would overflow the column type

# --- small references ---------------------------------------------------------------


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class StationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["code", "name"]


class DeputyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["public_id", "name"]


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "name"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name", "description"]


class ReplyClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplyClass
        fields = ["code", "name", "description", "requires_follow_up", "counts_as_solved"]


# --- directories ----------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "full_name", "level", "level_display", "parent_code", "year"]


class StationSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    head = serializers.CharField(source="head_display", read_only=True)

    class Meta:
        model = Station
        fields = [
            "code",
            "name",
            "kind",
            "kind_display",
            "region",
            "parent_code",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "reception_rule",
            "reception_day",
            "reception_announce_days",
            "head",
            "liaison_name",
            "public_phone",
            "description",
        ]


class StationDetailSerializer(StationSerializer):
    deputies = serializers.SerializerMethodField()
    next_reception_date = serializers.SerializerMethodField()

    class Meta(StationSerializer.Meta):
        fields = [*StationSerializer.Meta.fields, "deputies", "next_reception_date"]

    @extend_schema_field(DeputyRefSerializer(many=True))
    def get_deputies(self, obj):
        return DeputyRefSerializer([m.deputy for m in getattr(obj, "current_memberships", [])], many=True).data

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_reception_date(self, obj):

        value = next_reception_date(obj, after=timezone.localdate())
        return value.isoformat() if value else None


class MandateSerializer(serializers.Serializer):
    congress = serializers.CharField(source="congress.name")
    tier = serializers.CharField(source="congress.tier.code")
    tier_name = serializers.CharField(source="congress.tier.name")
    term = serializers.IntegerField(source="congress.term")
    region = serializers.CharField(source="congress.region.code", allow_null=True, default=None)
    constituency = serializers.CharField()


class DeputySerializer(serializers.ModelSerializer):
    """Public fields only (代表法: basic information is published)."""

    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    photo = serializers.SerializerMethodField()
    mandates = serializers.SerializerMethodField()
    stations = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = [
            "public_id",
            "name",
            "gender",
            "gender_display",
            "ethnicity",
            "party",
            "occupation",
            "bio",
            "photo",
            "mandates",
            "stations",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, obj):
        if not obj.photo:
            return None
        request = self.context.get("request")
        url = obj.photo.url
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(MandateSerializer(many=True))
    def get_mandates(self, obj):
        return MandateSerializer(getattr(obj, "current_mandates", []), many=True).data

    @extend_schema_field(StationRefSerializer(many=True))
    def get_stations(self, obj):
        return StationRefSerializer([m.station for m in getattr(obj, "current_memberships", [])], many=True).data


class HandlingUnitSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "short_name", "kind", "kind_display", "region", "is_active"]


class ReceptionDaySerializer(serializers.ModelSerializer):
    station = StationRefSerializer(read_only=True)
    deputies = DeputyRefSerializer(many=True, read_only=True)

    class Meta:
        model = ReceptionDay
        fields = ["id", "station", "date", "start_time", "end_time", "topic", "deputies", "residents_received"]


# --- cases ------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    category = CategorySerializer(read_only=True, allow_null=True)
    station = StationRefSerializer(read_only=True, allow_null=True)
    region = RegionRefSerializer(read_only=True, allow_null=True)
    lead_unit = UnitRefSerializer(read_only=True, allow_null=True)
    responsible_deputy = DeputyRefSerializer(read_only=True, allow_null=True)
    deadline_kind = serializers.ChoiceField(choices=DeadlineKind.choices, allow_blank=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "tracking_code",
            "kind",
            "kind_display",
            "title",
            "state",
            "state_display",
            "is_open",
            "channel",
            "channel_display",
            "category",
            "station",
            "region",
            "lead_unit",
            "responsible_deputy",
            "supervision_level",
            "deadline",
            "deadline_kind",
            "is_overdue",
            "submitted_at",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue(today=self.context.get("today"))


class AssignmentSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = CaseAssignment
        fields = ["unit", "role", "assigned_at", "dispute_until", "disputed_at", "dispute_reason", "is_active"]


class ReplySerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    reply_class = serializers.CharField(source="reply_class.code", read_only=True, allow_null=True, default=None)
    has_signed_file = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["round", "unit", "text", "reply_class", "on_the_spot", "has_signed_file", "created_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_signed_file(self, obj) -> bool:
        return bool(obj.signed_file)


class FeedbackSerializer(serializers.ModelSerializer):
    deputy = DeputyRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Feedback
        fields = ["rater", "deputy", "rating", "attitude_rating", "result_rating", "comment", "created_at"]


class ContactRecordSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ContactRecord
        fields = ["id", "unit", "contact_date", "way", "party", "summary", "created_at"]


class SupervisionRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionRecord
        fields = ["level", "kind", "date", "summary", "created_at"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["action", "from_state", "to_state", "actor_label", "reason", "created_at"]


class CaseDetailSerializer(CaseListSerializer):
    addressed_deputy = DeputyRefSerializer(read_only=True, allow_null=True)
    reply_class = serializers.CharField(source="reply_class.code", read_only=True, allow_null=True, default=None)
    merged_into = serializers.CharField(source="merged_into.tracking_code", read_only=True, allow_null=True, default=None)
    # Masked only: the full number is never served by the API.
    phone_masked = serializers.CharField(read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    feedbacks = FeedbackSerializer(many=True, read_only=True)
    contacts = ContactRecordSerializer(many=True, read_only=True)
    supervision_records = SupervisionRecordSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "content",
            "address",
            "latitude",
            "longitude",
            "addressed_deputy",
            "resident_name",
            "phone_masked",
            "is_anonymous",
            "received_on",
            "accepted_at",
            "assigned_at",
            "replied_at",
            "closed_at",
            "published_at",
            "implemented_at",
            "reply_class",
            "reply_extended",
            "satisfaction",
            "follow_up_status",
            "is_published",
            "merged_into",
            "assignments",
            "replies",
            "feedbacks",
            "contacts",
            "supervision_records",
            "events",
            "photos",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_photos(self, obj):
        request = self.context.get("request")
        urls = [p.image.url for p in obj.photos.all()]
        return [request.build_absolute_uri(u) for u in urls] if request else urls


# --- action inputs ----------------------------------------------------------------------

MSG_REASON_REQUIRED = _("请填写理由。")


class ReasonOptionalSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, label=_("理由"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, label=_("理由"), error_messages={"blank": MSG_REASON_REQUIRED})


class MergeSerializer(ReasonOptionalSerializer):
    into_case_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("并入案件"))


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, label=_("内容"))


class ResubmitSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=120, label=_("标题"))
    content = serializers.CharField(required=False, max_length=20000, label=_("内容"))


class NoteSerializer(TextSerializer):
    pass


class AssignSerializer(ReasonOptionalSerializer):
    lead_unit_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("主办单位"))
    co_unit_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=20, label=_("会办单位")
    )
    responsible_deputy = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=16, label=_("责任代表公开编号"), help_text=_("代表的 public_id")
    )


class ReassignSerializer(ReasonSerializer):
    lead_unit_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("主办单位"))
    co_unit_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=20, label=_("会办单位")
    )


class ContactSerializer(serializers.Serializer):
    contact_date = serializers.DateField(label=_("联系日期"))
    way = serializers.ChoiceField(choices=ContactWay.choices, label=_("方式"))
    party = serializers.ChoiceField(choices=ContactParty.choices, label=_("联系对象"))
    summary = serializers.CharField(max_length=5000, label=_("情况"))


class ReplyInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, label=_("答复内容"))
    reply_class_code = serializers.CharField(max_length=4, label=_("答复类别"), help_text=_("如 A、B、C（见 /api/v1/reply-classes/）"))
    signed_file = serializers.FileField(required=False, allow_null=True, label=_("盖章答复件"))


class FeedbackInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, label=_("总体评价"))
    attitude_rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True, default="")
    result_rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class SuperviseSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[c for c in SupervisionLevel.choices if c[0]], label=_("督办级别"))
    kind = serializers.ChoiceField(choices=SupervisionKind.choices, label=_("督办方式"))
    date = serializers.DateField(label=_("日期"))
    summary = serializers.CharField(max_length=5000, label=_("情况"))


class ImplementedSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, label=_("落实情况"))


class EmptySerializer(serializers.Serializer):
    pass


class NoteOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


# --- auth ----------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, label=_("用户名"))
    password = serializers.CharField(max_length=128, label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.CharField()
    is_staff = serializers.BooleanField()
    region = RegionRefSerializer(allow_null=True)
    deputy = DeputyRefSerializer(allow_null=True)
    units = UnitRefSerializer(many=True)

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.crypto import mask_phone
from accounts.models import Role, User
from deputies.models import Deputy
from deputies.scoping import scope_deputies
from regions.admin_scoping import RegionScopedAdminMixin, SafeAutocompleteMixin, ScopedCountPaginator
from regions.scoping import scope_queryset, sees_everything

from .models import AssessmentResult, ChecklistItem, ReceptionDay, ReceptionSubscription, Station, StationAssessment, StationMembership


class StationRegionScopedAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """Scoped by the station's region; deputy and station choices scoped too."""

    region_field = "station__region"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not sees_everything(request.user):
            if db_field.related_model is Station:
                kwargs["queryset"] = scope_queryset(Station.objects.all(), request.user)
            elif db_field.related_model is Deputy:
                kwargs["queryset"] = scope_deputies(Deputy.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Deputy and not sees_everything(request.user):
            kwargs["queryset"] = scope_deputies(Deputy.objects.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StationMembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = StationMembership
    extra = 0
    autocomplete_fields = ("deputy",)
    fields = ("deputy", "joined_on", "left_on")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Deputy and not sees_everything(request.user):
            kwargs["queryset"] = scope_deputies(Deputy.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Station)
class StationAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "region", "head_display", "liaison_name", "reception_rule", "is_active")
    list_filter = ("kind", "is_active", "reception_rule", "region__level")
    search_fields = ("name", "=code", "address", "region__name")
    autocomplete_fields = ("region", "parent", "head_deputy")
    list_select_related = ("region", "head_deputy")
    inlines = (StationMembershipInline,)
    show_full_result_count = False
    paginator = ScopedCountPaginator
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "region", "parent", "description", "is_active")}),
        (_("地址与开放"), {"fields": ("address", ("latitude", "longitude"), "opening_hours", "public_phone")}),
        (_("接待日"), {"fields": ("reception_rule", "reception_day", "reception_announce_days")}),
        (
            _("站长、责任人和联络员"),
            {
                "fields": (
                    "head_deputy",
                    "head_name",
                    "responsible_person_1",
                    "responsible_person_2",
                    "liaison_officer",
                    "liaison_name",
                    "liaison_phone",
                )
            },
        ),
    )

    @admin.display(description=_("站长"))
    def head_display(self, obj):
        return obj.head_display

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not sees_everything(request.user):
            if db_field.name == "liaison_officer":
                kwargs["queryset"] = scope_queryset(User.objects.filter(role=Role.LIAISON), request.user, "region")
            elif db_field.name == "parent":
                kwargs["queryset"] = scope_queryset(Station.objects.all(), request.user)
            elif db_field.related_model is Deputy:
                kwargs["queryset"] = scope_deputies(Deputy.objects.all(), request.user)
        elif db_field.name == "liaison_officer":
            kwargs["queryset"] = User.objects.filter(role=Role.LIAISON)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(StationMembership)
class StationMembershipAdmin(StationRegionScopedAdmin):
    list_display = ("deputy", "station", "joined_on", "left_on")
    list_filter = ("station__kind",)
    search_fields = ("deputy__name", "station__name", "=station__code")
    autocomplete_fields = ("station", "deputy")
    list_select_related = ("deputy", "station")
    show_full_result_count = False
    paginator = ScopedCountPaginator


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "description", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")


class AssessmentResultInline(admin.TabularInline):
    model = AssessmentResult
    extra = 0
    fields = ("item", "passed", "note")

    def get_extra(self, request, obj=None, **kwargs):
        # A new assessment offers one row per active checklist item.
        return ChecklistItem.objects.filter(is_active=True).count() if obj is None else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is None:
            items = list(ChecklistItem.objects.filter(is_active=True).values_list("pk", flat=True))

            class PrefilledFormSet(formset):
                def __init__(self, *args, **kw):
                    kw.setdefault("initial", [{"item": pk} for pk in items])
                    super().__init__(*args, **kw)

            return PrefilledFormSet
        return formset


@admin.register(StationAssessment)
class StationAssessmentAdmin(StationRegionScopedAdmin):
    list_display = ("station", "date", "assessor", "passed_summary")
    list_filter = ("date",)
    date_hierarchy = "date"
    search_fields = ("station__name", "=station__code", "assessor")
    autocomplete_fields = ("station",)
    list_select_related = ("station",)
    inlines = (AssessmentResultInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("results")

    @admin.display(description=_("达标项"))
    def passed_summary(self, obj):
        results = obj.results.all()
        return f"{sum(1 for r in results if r.passed)}/{len(results)}"


@admin.register(AssessmentResult)
class AssessmentResultAdmin(StationRegionScopedAdmin):
    region_field = "assessment__station__region"
    list_display = ("assessment", "item", "passed", "note")
    list_filter = ("passed", "item")
    search_fields = ("assessment__station__name",)
    autocomplete_fields = ("assessment",)
    list_select_related = ("assessment__station", "item")


@admin.register(ReceptionDay)
class ReceptionDayAdmin(StationRegionScopedAdmin):
    list_display = ("date", "station", "start_time", "end_time", "topic", "residents_received")
    list_filter = ("date",)
    date_hierarchy = "date"
    search_fields = ("station__name", "=station__code", "topic")
    autocomplete_fields = ("station", "deputies")
    readonly_fields = ("recorded_by", "recorded_at")
    list_select_related = ("station",)
    show_full_result_count = False
    paginator = ScopedCountPaginator


@admin.register(ReceptionSubscription)
class ReceptionSubscriptionAdmin(StationRegionScopedAdmin):
    """Subscribers are often residents: their phone number is shown masked
    (PIPL); it is typed in once, when the subscription is added, and can be
    found again by searching the whole number."""

    list_display = ("station", "user", "email", "phone_display", "created_at")
    search_fields = ("station__name", "=email", "=phone")
    autocomplete_fields = ("station",)
    raw_id_fields = ("user",)
    list_select_related = ("station", "user")
    show_full_result_count = False
    paginator = ScopedCountPaginator

    @admin.display(description=_("手机号"))
    def phone_display(self, obj):
        return mask_phone(obj.phone)

    def get_fields(self, request, obj=None):
        fields = ["station", "user", "email", "phone", "created_at"]
        if obj is not None:
            fields[fields.index("phone")] = "phone_display"
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ("created_at", "phone_display") if obj is not None else ("created_at",)

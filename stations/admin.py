from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
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


class SubscriptionForm(forms.ModelForm):
    """Staff may add a subscriber who asked in person (the number is then
    counted as confirmed); the number is typed once and stored encrypted."""

    phone_number = forms.CharField(label=_("手机号"), max_length=20, required=False)

    class Meta:
        model = ReceptionSubscription
        fields = ["station", "user", "email"]

    def clean_phone_number(self):
        phone = crypto.normalize_phone(self.cleaned_data.get("phone_number") or "")
        if phone and not crypto.is_valid_mobile(phone):
            raise forms.ValidationError(_("手机号格式不正确，请填写 11 位手机号。"))
        return phone

    def save(self, commit=True):
        sub = super().save(commit=False)
        if self.cleaned_data.get("phone_number"):
            sub.set_phone(self.cleaned_data["phone_number"])
        if sub.confirmed_at is None:
            sub.confirmed_at = timezone.now()
        if commit:
            sub.save()
        return sub


@admin.register(ReceptionSubscription)
class ReceptionSubscriptionAdmin(StationRegionScopedAdmin):
    """Subscribers are often residents: their phone number is stored
    encrypted and shown masked (PIPL); search by the whole number finds it
    through its keyed digest."""

    form = SubscriptionForm
    list_display = ("station", "user", "email", "phone_masked", "confirmed_at", "created_at")
    search_fields = ("station__name", "=email")
    autocomplete_fields = ("station",)
    raw_id_fields = ("user",)
    list_select_related = ("station", "user")
    show_full_result_count = False
    paginator = ScopedCountPaginator

    def get_search_results(self, request, queryset, search_term):
        phone = crypto.normalize_phone(search_term)
        if crypto.is_valid_mobile(phone):
            return queryset.filter(phone_digest=crypto.phone_digest(phone)), False
        return super().get_search_results(request, queryset, search_term)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["station", "user", "email", "phone_number"]
        return ["station", "user", "email", "phone_masked", "confirmed_at", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ("phone_masked", "confirmed_at", "created_at") if obj is not None else ()

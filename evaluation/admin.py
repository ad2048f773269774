from django.contrib import admin

from deputies.models import Congress
from regions.admin_scoping import RegionScopedAdmin
from regions.scoping import scope_queryset, sees_everything

from . import services
from .models import ManualEntry, PointsRule, PointsTable


class PointsRuleInline(admin.TabularInline):
    model = PointsRule
    extra = 0
    fields = ("order", "name", "source", "duty_kind", "points", "yearly_cap", "required_count", "evidence_required")


@admin.register(PointsTable)
class PointsTableAdmin(RegionScopedAdmin):
    """A new table without rules entered gets the default rules (README "Duty evaluation")."""

    region_field = "congress__region"
    list_display = ("congress", "excellent_from", "competent_from", "updated_at")
    list_select_related = ("congress",)
    inlines = [PointsRuleInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "congress" and not sees_everything(request.user):
            kwargs["queryset"] = scope_queryset(Congress.objects.all(), request.user, "region")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_onetoonefield(self, db_field, request, **kwargs):
        return self.formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.points_rules_add_defaults(table=form.instance)


@admin.register(ManualEntry)
class ManualEntryAdmin(RegionScopedAdmin):
    """Read-only here: self-reports are reviewed at /evaluation/staff/reports/."""

    region_field = "rule__table__congress__region"
    list_display = ("deputy", "rule", "year", "date", "title", "status", "reviewed_at")
    list_filter = ("status", "year")
    list_select_related = ("deputy", "rule")
    search_fields = ("title", "deputy__name")
    raw_id_fields = ("deputy", "rule")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

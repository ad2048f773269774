from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from regions.admin_scoping import ObjectScopeAdminMixin, RegionScopedAdminMixin, SafeAutocompleteMixin, ScopedCountPaginator
from regions.models import Region, normalize_code
from regions.scoping import region_in_scope, scope_queryset, sees_everything, user_region_prefix
from stations.models import Station, StationMembership

from .models import Congress, Deputy, DeputyGroup, DutyActivity, Mandate, Tier
from .scoping import deputy_in_scope, scope_deputies


class DeputyScopedAdminMixin(ObjectScopeAdminMixin):
    """Scoping of deputies and rows that belong to a deputy (see deputies/scoping.py)."""

    #: path from the model to its Deputy; "" for Deputy itself.
    deputy_field = "deputy"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if sees_everything(request.user):
            return qs
        visible = scope_deputies(Deputy.objects.all(), request.user).values("pk")
        return qs.filter(**{f"{self.deputy_field}__in" if self.deputy_field else "pk__in": visible})

    def _deputy_of(self, obj):
        return obj if not self.deputy_field else getattr(obj, self.deputy_field, None)

    def _obj_in_scope(self, request, obj) -> bool:
        deputy = self._deputy_of(obj)
        return deputy is not None and deputy_in_scope(request.user, deputy)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not sees_everything(request.user):
            if db_field.related_model is Region:
                kwargs["queryset"] = scope_queryset(Region.objects.all(), request.user, "pk")
            elif db_field.related_model is Deputy:
                kwargs["queryset"] = scope_deputies(Deputy.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MandateInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ("congress",)
    fields = ("congress", "constituency", "start_date", "end_date")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("congress")


class MembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = StationMembership
    extra = 0
    autocomplete_fields = ("station",)
    fields = ("station", "joined_on", "left_on")
    verbose_name = _("所在站点")
    verbose_name_plural = _("所在站点（混合编组进站）")

    def get_queryset(self, request):
        # Staff see (and can change) only the memberships in their own subtree;
        # the deputy's seats elsewhere are left untouched by the formset.
        qs = super().get_queryset(request).select_related("station")
        return scope_queryset(qs, request.user, "station__region")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):

        if db_field.related_model is Station and not sees_everything(request.user):
            kwargs["queryset"] = scope_queryset(Station.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region_level", "order", "is_active")
    list_editable = ("is_active",)
    ordering = ("order",)


@admin.register(Congress)
class CongressAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """Staff see the congresses of their subtree, the congresses above it
    (a county's deputies hold provincial and national mandates too) and the
    national congress; they change only those of their subtree."""

    list_display = ("name", "tier", "region", "term", "start_date", "end_date")
    list_filter = ("tier", "term")
    search_fields = ("name", "region__name", "^region__code")
    autocomplete_fields = ("region",)
    list_select_related = ("tier", "region")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if sees_everything(request.user):
            return qs
        prefix = user_region_prefix(request.user)
        if prefix is None:
            return qs.none()
        ancestors = [normalize_code(prefix[:n]) for n in (2, 4, 6, 9) if n <= len(prefix)]
        return qs.filter(Q(region__isnull=True) | Q(region__code__startswith=prefix) | Q(region__code__in=ancestors))

    def _changeable(self, request, obj) -> bool:
        return obj is None or sees_everything(request.user) or (obj.region is not None and region_in_scope(request.user, obj.region))

    def has_change_permission(self, request, obj=None):
        return self._changeable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._changeable(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Region and not sees_everything(request.user):
            kwargs["queryset"] = scope_queryset(Region.objects.all(), request.user, "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not self._changeable(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Deputy)
class DeputyAdmin(DeputyScopedAdminMixin, admin.ModelAdmin):
    deputy_field = ""
    list_display = ("name", "tiers", "occupation", "home_region", "public_id", "is_active")
    list_filter = ("is_active", "gender", "mandates__congress__tier")
    search_fields = ("name", "=public_id", "occupation", "=phone")
    autocomplete_fields = ("home_region",)
    inlines = (MandateInline, MembershipInline)
    readonly_fields = ("public_id", "created_at")
    fieldsets = (
        (None, {"fields": ("name", "public_id", "gender", "ethnicity", "birth_year", "party", "occupation", "bio", "photo", "is_active")}),
        (_("不公开的联系方式与账号"), {"fields": ("phone", "email", "user", "home_region")}),
        (_("记录"), {"fields": ("created_at",)}),
    )
    show_full_result_count = False
    paginator = ScopedCountPaginator
    list_select_related = ("home_region",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mandates__congress__tier")

    @admin.display(description=_("代表层级"))
    def tiers(self, obj):
        return "、".join(sorted({m.congress.tier.name for m in obj.mandates.all()}))

    def get_autocomplete_fields(self, request):
        # Users are searchable only by superusers; staff pick from deputy accounts of their region.
        fields = super().get_autocomplete_fields(request)
        return (*fields, "user") if sees_everything(request.user) else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not sees_everything(request.user):
            kwargs["queryset"] = scope_queryset(User.objects.filter(role=Role.DEPUTY), request.user, "region")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not sees_everything(request.user) and "home_region" in form.base_fields:
            # A staff member's new deputy must land in their subtree, or they could not see it again.
            form.base_fields["home_region"].required = True
        return form

    def save_model(self, request, obj, form, change):
        if not sees_everything(request.user) and not (
            (obj.home_region_id and region_in_scope(request.user, obj.home_region)) or (obj.pk and deputy_in_scope(request.user, obj))
        ):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Mandate)
class MandateAdmin(DeputyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("deputy", "congress", "constituency", "start_date", "end_date")
    list_filter = ("congress__tier", "congress__term")
    search_fields = ("deputy__name", "congress__name", "constituency")
    autocomplete_fields = ("deputy", "congress")
    list_select_related = ("deputy", "congress")
    show_full_result_count = False
    paginator = ScopedCountPaginator
    # Newest first by primary key: the model's order (tier, through two
    # joins) means sorting all ~100,000 mandates of a province per page.
    ordering = ("-id",)


@admin.register(DeputyGroup)
class DeputyGroupAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "region", "congress", "leader")
    list_filter = ("kind",)
    search_fields = ("name", "region__name")
    autocomplete_fields = ("region", "congress", "leader", "members")
    list_select_related = ("region", "congress", "leader")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Deputy and not sees_everything(request.user):
            kwargs["queryset"] = scope_deputies(Deputy.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Deputy and not sees_everything(request.user):
            kwargs["queryset"] = scope_deputies(Deputy.objects.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(DutyActivity)
class DutyActivityAdmin(DeputyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "deputy", "kind", "title", "station")
    list_filter = ("kind", "date")
    date_hierarchy = "date"
    search_fields = ("title", "deputy__name")
    autocomplete_fields = ("deputy", "station")
    readonly_fields = ("created_by", "created_at")
    list_select_related = ("deputy", "station")
    show_full_result_count = False
    paginator = ScopedCountPaginator

    def save_model(self, request, obj, form, change):
        if not deputy_in_scope(request.user, obj.deputy):
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

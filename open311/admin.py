"""Staff issue and revoke Open311 API keys for the stations of their region.

The key is shown once, on the page that follows its creation; only its hash
is stored. Keys are revoked (an admin action), not edited or deleted, so the
history of who could submit stays.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from regions.admin_scoping import RegionScopedAdminMixin
from regions.scoping import scope_queryset, sees_everything
from stations.models import Station

from . import services
from .models import ApiKey

MSG_REVOKED = _("已吊销 %(n)d 个密钥，立即失效。")


def _is_region_staff(user) -> bool:
    """County staff and leaders manage their region's keys even without the
    model permission in their group (accounts.permissions lists the models)."""
    return bool(user.is_active and user.is_staff and user.region_id and user.role in (Role.STAFF, Role.LEADER))


@admin.register(ApiKey)
class ApiKeyAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    list_display = ["name", "station", "region", "prefix", "status", "created_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "station__name", "station__code"]
    list_select_related = ["station", "region"]
    autocomplete_fields = []
    actions = ["revoke_keys"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "station", "region", "note"]
        return ["name", "station", "region", "note", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A key's place is fixed at issue: issue a new key rather than move one.
        return ["station", "region", *self.readonly_fields]

    @admin.display(description=_("状态"))
    def status(self, obj):
        return _("有效") if obj.is_active else _("已吊销")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "station" and not sees_everything(request.user):
            kwargs["queryset"] = scope_queryset(Station.objects.filter(is_active=True), request.user, "region")
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "region" and formfield is not None:
            formfield.required = False
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:

            class IssueForm(form):
                def clean(self):
                    data = super().clean()
                    if not data.get("station") and not data.get("region"):
                        raise ValidationError(services.MSG_KEY_NEEDS_PLACE)
                    if data.get("station"):
                        data["region"] = data["station"].region
                    return data

            return IssueForm
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        if not self._obj_in_scope(request, obj):
            raise PermissionDenied
        issued = services.api_key_issue(
            name=form.cleaned_data["name"],
            station=form.cleaned_data.get("station"),
            region=form.cleaned_data.get("region"),
            user=request.user,
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk = issued.api_key.pk
        obj.refresh_from_db()
        request._open311_raw_key = issued.raw_key

    def response_add(self, request, obj, post_url_continue=None):
        raw_key = getattr(request, "_open311_raw_key", None)
        if raw_key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": obj,
            "raw_key": raw_key,
            "title": _("密钥已签发"),
        }
        response = TemplateResponse(request, "open311/admin_key_issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("吊销所选密钥"))
    def revoke_keys(self, request, queryset):
        count = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(api_key_id=api_key.pk, user=request.user)
            count += 1
        self.message_user(request, MSG_REVOKED % {"n": count}, messages.SUCCESS)

    # -- permissions: the model permission, or region staff/leaders --

    def has_module_permission(self, request):
        return super().has_module_permission(request) or _is_region_staff(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is not None and not self._obj_in_scope(request, obj):
            return False
        return admin.ModelAdmin.has_view_permission(self, request, obj) or _is_region_staff(request.user)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or _is_region_staff(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._obj_in_scope(request, obj):
            return False
        return admin.ModelAdmin.has_change_permission(self, request, obj) or _is_region_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        # Keys are revoked, not deleted (superusers may still delete).
        return bool(request.user.is_active and request.user.is_superuser)

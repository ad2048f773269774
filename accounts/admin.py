from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from regions.admin_scoping import RegionScopedAdminMixin, ScopedCountPaginator

from .models import User

admin.site.site_header = _("人大代表家站点管理后台")
admin.site.site_title = _("家站点管理")
admin.site.index_title = _("受理、交办、督办与站点管理")


@admin.register(User)
class UserAdmin(RegionScopedAdminMixin, DjangoUserAdmin):
    """Accounts. Superusers manage them; a staff account given the user
    permissions would see only the accounts of its own region subtree."""

    list_display = ("username", "display_name", "role", "region", "is_staff", "is_active", "last_login")
    list_filter = ("role", "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "display_name", "first_name", "last_name", "email", "=mobile")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    show_full_result_count = False
    paginator = ScopedCountPaginator
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "mobile", "email", "first_name", "last_name")}),
        (_("角色与管辖区域"), {"fields": ("role", "region")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "display_name", "role", "region", "password1", "password2")}),)

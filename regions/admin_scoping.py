"""Region scoping for Django admin.

Every admin class of a region-bound model uses ``RegionScopedAdminMixin``: the
changelist, the change page, the delete page and autocomplete all go through
``get_queryset``, so an object outside the user's subtree is a 404 there, and
foreign-key choices are limited the same way.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from congress_portal.pagination import EstimatedCountPaginator

from .models import Region
from .scoping import region_in_scope, scope_queryset, sees_everything

# Kept as a name for the admin modules; the shared paginator counts 0 for a
# queryset that cannot match anything (a staff account without a region).
ScopedCountPaginator = EstimatedCountPaginator


class _SafeAutocompleteWidget:
    """Django's autocomplete widgets look the submitted ids up again to show
    them when a form comes back with errors, passing them to the database
    unchecked: a tampered id ("abc", a NUL byte) was a 500 (Django 5.2
    ``AutocompleteMixin.optgroups``). Ids the target field cannot take are
    dropped; the form's own validation already reports them."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        usable = []
        for item in value:
            if item is None or "\x00" in str(item):
                continue
            try:
                target.to_python(item)
            except ValidationError:
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class SafeAutocompleteSelect(_SafeAutocompleteWidget, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeAutocompleteWidget, AutocompleteSelectMultiple):
    pass


def _make_autocomplete_safe(formfield):
    widget = getattr(formfield, "widget", None)
    inner = getattr(widget, "widget", widget)  # RelatedFieldWidgetWrapper wraps it
    if type(inner) is AutocompleteSelect:
        inner.__class__ = SafeAutocompleteSelect
    elif type(inner) is AutocompleteSelectMultiple:
        inner.__class__ = SafeAutocompleteSelectMultiple
    return formfield


class SafeAutocompleteMixin:
    """For every ModelAdmin and inline with ``autocomplete_fields``."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _make_autocomplete_safe(super().formfield_for_dbfield(db_field, request, **kwargs))


class ObjectScopeAdminMixin(SafeAutocompleteMixin):
    """Object-level checks shared by the scoped admins: an object for which
    ``_obj_in_scope`` is false can be neither viewed, changed nor deleted, and
    opening it is a 404 (as if it did not exist), not Django's redirect."""

    def _obj_in_scope(self, request, obj) -> bool:
        raise NotImplementedError

    def has_view_permission(self, request, obj=None):
        if obj is not None and not self._obj_in_scope(request, obj):
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._obj_in_scope(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._obj_in_scope(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the admin index for a missing object; an object
        # outside the user's subtree is not there for them: an honest 404.
        raise Http404


class RegionScopedAdminMixin(ObjectScopeAdminMixin):
    #: lookup path from the model to its Region, e.g. "region" or "station__region".
    region_field = "region"

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.region_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Region and not sees_everything(request.user):
            kwargs["queryset"] = scope_queryset(Region.objects.all(), request.user, "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _obj_in_scope(self, request, obj) -> bool:
        if sees_everything(request.user):
            return True
        target = obj
        for part in self.region_field.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return False
        if not isinstance(target, Region):
            return False
        return region_in_scope(request.user, target)

    def save_model(self, request, obj, form, change):
        # A staff user cannot move an object out of (or into) another subtree.
        if not self._obj_in_scope(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class RegionScopedAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    pass

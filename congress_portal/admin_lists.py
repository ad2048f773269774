"""Admin lists of big tables (cases, their history, the outbox, reminders):
no full ``COUNT(*)``, no facet counts, and list filters that do not read the
table to find their choices.

Django's default filter for a field without ``choices`` (``AllValuesFieldListFilter``)
runs ``SELECT DISTINCT field FROM table`` on every page view: on the 7-million-row
case history or the 750,000 reminders of a province that is seconds per page.
Where the values are known to the code, the filter lists them instead.
"""

from collections.abc import Callable, Iterable

from django.contrib import admin

from .pagination import EstimatedCountPaginator


class LargeTableAdminMixin:
    """For a table of hundreds of thousands of rows or more: counted by the
    planner's estimate when an exact count would read it all, no second
    unfiltered count, no facet counts (one COUNT per filter choice)."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator


def fixed_choices_filter(
    field_name: str, title, choices: Callable[[], Iterable[tuple[str, str]]], *, lookup: str = "exact"
) -> type[admin.SimpleListFilter]:
    """A list filter over ``field_name`` offering ``choices()`` ((value, label)
    pairs, computed per request so labels follow the language); ``lookup``
    is how a value matches (``startswith`` for a family of values)."""

    class FixedChoicesFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            return list(choices())

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            return queryset.filter(**{f"{field_name}__{lookup}": value})

    FixedChoicesFilter.title = title
    FixedChoicesFilter.__name__ = f"{field_name.title().replace('_', '')}FixedChoicesFilter"
    return FixedChoicesFilter

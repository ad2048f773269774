"""Pagination that stays fast on million-row tables.

Cases use cursor pagination on (-submitted_at, -id), served by the
``case_submitted_id`` index: page N costs the same as page 1 and nothing is
counted. Smaller directories (stations, deputies, units…) use limit/offset
with the planner's row estimate instead of an exact COUNT(*) on PostgreSQL.
"""

from rest_framework.pagination import CursorPagination, LimitOffsetPagination

from congress_portal.pagination import estimated_count


class EstimatedLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200

    def get_count(self, queryset):
        try:
            return estimated_count(queryset)
        except (AttributeError, TypeError):
            return len(queryset)


class CaseCursorPagination(CursorPagination):
    # Index case_submitted_id (-submitted_at, -id).
    ordering = ("-submitted_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

"""Counting that does not grow with the table.

Admin changelists and list pages call ``paginator.count``; on a million-row
table a filtered ``COUNT(*)`` reads every matching row. On PostgreSQL we ask
the planner's estimate first (EXPLAIN, no rows read) and count exactly only
when the estimate is small AND the planner says reading those rows is cheap:
a few thousand matches found through an index are counted; a filter that no
index serves (a text search, a rare value filtered out of a county's whole
history) would read a large part of the table to count a handful, so the
estimate is shown instead.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_COUNT_LIMIT = 10_000
# Planner cost units (≈ pages read): an index scan of a few thousand rows
# costs a few thousand; a scan of a million-row table costs ~100,000.
EXACT_COUNT_MAX_COST = 20_000


def estimated_count(queryset) -> int:
    db = queryset.db
    connection = connections[db]
    if connection.vendor != "postgresql":
        return queryset.count()
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # qs.none(), or a filter that can match nothing
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    estimate = int(top["Plan Rows"])
    if estimate < EXACT_COUNT_LIMIT and float(top["Total Cost"]) <= EXACT_COUNT_MAX_COST:
        return queryset.count()
    return estimate


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        return estimated_count(self.object_list)

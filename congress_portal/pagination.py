"""Counting that does not grow with the table.

Admin changelists and list pages call ``paginator.count``; on a million-row
table a filtered ``COUNT(*)`` reads every matching row. On PostgreSQL we ask
the planner's estimate first (EXPLAIN, no rows read) and count exactly only
when the estimate is small AND the planner says reading those rows is cheap:
a few thousand matches found through an index are counted; a filter that no
index serves (a text search, a rare value filtered out of a county's whole
history) would read a large part of the table to count a handful, so the
estimate is shown instead.

Both steps run inside the database in ONE statement (the ``portal_count``
function, accounts/migrations/0002): a page makes the same number of queries
whichever way the decision goes, at a thousand rows and at ten million.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_COUNT_LIMIT = 10_000
# Planner cost units (≈ pages read): an index scan of a few thousand rows
# costs a few thousand; a scan of a million-row table costs ~100,000.
EXACT_COUNT_MAX_COST = 20_000


@dataclass(frozen=True)
class Count:
    n: int
    exact: bool


def count_rows(queryset) -> Count:
    """The number of rows of ``queryset``: exact when that is cheap, else the
    planner's estimate (``exact=False``). One query."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return Count(queryset.count(), True)
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # qs.none(), or a filter that can match nothing
        return Count(0, True)
    with connection.cursor() as cursor:
        # The parameters are bound on the client (psycopg2 quoting, exactly
        # as for every other query), so the function receives one complete
        # statement to EXPLAIN and maybe run.
        query = connection.ops.compose_sql(sql, params)
        cursor.execute("SELECT n, exact FROM portal_count(%s, %s, %s)", [query, EXACT_COUNT_LIMIT, EXACT_COUNT_MAX_COST])
        n, exact = cursor.fetchone()
    return Count(int(n), bool(exact))


def estimated_count(queryset) -> int:
    return count_rows(queryset).n


class EstimatedCountPaginator(Paginator):
    """A paginator whose ``count`` may be the planner's estimate;
    ``count_is_exact`` says which (templates print "约" before an estimate)."""

    @cached_property
    def _counted(self) -> Count:
        return count_rows(self.object_list)

    @cached_property
    def count(self):
        return self._counted.n

    @property
    def count_is_exact(self) -> bool:
        return self._counted.exact

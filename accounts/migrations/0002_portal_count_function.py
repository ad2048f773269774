"""A PostgreSQL function for list counts that do not grow with the table
(``congress_portal.pagination.estimated_count``).

It asks the planner for the query's row estimate and cost (EXPLAIN, no rows
read) and counts exactly only when both are small, all in ONE statement, so a
list page makes the same number of queries whether its filter matches ten
rows or a million. It lives here, in the first of the portal's apps, because
every app's admin lists use it.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION portal_count(query text, max_rows bigint, max_cost double precision)
RETURNS TABLE (n bigint, exact boolean)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    plan json;
    estimate bigint;
    total_cost double precision;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    estimate := ceil((plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision)::bigint;
    total_cost := (plan -> 0 -> 'Plan' ->> 'Total Cost')::double precision;
    IF estimate < max_rows AND total_cost <= max_cost THEN
        EXECUTE 'SELECT count(*) FROM (' || query || ') AS portal_counted' INTO n;
        exact := true;
    ELSE
        n := estimate;
        exact := false;
    END IF;
    RETURN NEXT;
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS portal_count(text, bigint, double precision);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

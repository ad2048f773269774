"""PostgreSQL-only indexes (no-ops on SQLite, which has neither pg_trgm nor
NULLS LAST in CREATE INDEX).

- Trigram GIN indexes on UPPER(title) and UPPER(content): the admin search
  for a term of three or more characters (Django's ``icontains`` is
  ``UPPER(col::text) LIKE UPPER('%term%')``, the indexed expression) reads
  the matching rows instead of the whole table. Terms of one or two
  characters give no trigram; the admin searches those without UPPER so
  that the planner never picks these indexes for them (see CaseAdmin).
- case_deadline_desc: the admin's "当前时限" column sorted descending with
  NULLs last (proposals.admin.NullsLast), newest id first.

Built CONCURRENTLY (the migration is not atomic) so that a deploy on a
million-case table does not block intake while the indexes build.
"""

from django.db import migrations

INDEXES = {
    "case_title_trgm": "ON proposals_case USING gin (UPPER(title::text) gin_trgm_ops)",
    "case_content_trgm": "ON proposals_case USING gin (UPPER(content::text) gin_trgm_ops)",
    "case_deadline_desc": "ON proposals_case (deadline DESC NULLS LAST, id DESC)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, definition in INDEXES.items():
            cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("proposals", "0003_list_indexes")]

    operations = [migrations.RunPython(create, drop)]

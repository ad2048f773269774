"""Fast row writers for the scale generator.

On PostgreSQL rows go in with ``COPY ... FROM STDIN`` (text format), a chunk
at a time from an in-memory buffer: no model instances, no per-row INSERT.
On other databases (SQLite in the test suite) the same rows go through
``bulk_create``, so the generator's logic is exercised everywhere.

The generator assigns primary keys itself (it must link a million cases to
their events before anything reaches the database); ``reset_sequences``
moves PostgreSQL's sequences past them afterwards.

Columns the generator does not supply are filled from the model: the
field's constant default, ``None`` when nullable, "now" for ``auto_now`` /
``auto_now_add``. A column added later by another app with a default keeps
working; one without a default stops the run with a clear error.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is dt.datetime or kind is dt.date or kind is Decimal or kind is float:
        return str(value)
    if kind is dict or kind is list:
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class TableWriter:
    """Collects rows (tuples in ``columns`` order, by attname) and writes them
    in chunks. Use as a context manager or call ``close()`` to flush."""

    def __init__(self, model: type[models.Model], columns: list[str], chunk_rows: int = 50_000, stats: dict | None = None):
        self.model = model
        self.columns = list(columns)
        self.chunk_rows = chunk_rows
        self.rows: list[tuple] = []
        self.written = 0
        self.stats = stats
        self.pg = is_postgresql()
        now = timezone.now()
        known = set(self.columns)
        self.extra_columns: list[str] = []
        self.extra_values: list = []
        for field in model._meta.concrete_fields:
            if field.attname in known or field.primary_key and field.attname in known:
                continue
            if field.primary_key:
                raise ValueError(f"{model.__name__}: the generator must supply the primary key")
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.default is not NOT_PROVIDED:
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and field.empty_strings_allowed:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{field.attname} has no default: the scale generator must set it")
            self.extra_columns.append(field.attname)
            self.extra_values.append(value)
        self._extra_text = "".join("\t" + _text(v) for v in self.extra_values)
        db_columns = [model._meta.get_field(c).column if c != "id" else model._meta.pk.column for c in self.columns]
        db_columns += [model._meta.get_field(c).column for c in self.extra_columns]
        self._copy_sql = f"COPY {model._meta.db_table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in db_columns)}) FROM STDIN"

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.chunk_rows:
            self.flush()

    def render(self) -> tuple[str, io.StringIO] | None:
        """The pending rows as one COPY statement and its data (PostgreSQL),
        leaving the writer empty. The caller runs it (``run_copies``)."""
        if not self.rows:
            return None
        extra = self._extra_text
        buf = io.StringIO()
        write = buf.write
        for row in self.rows:
            write("\t".join([_text(v) for v in row]))
            write(extra)
            write("\n")
        buf.seek(0)
        self._count(len(self.rows))
        self.rows = []
        return self._copy_sql, buf

    def _count(self, n: int) -> None:
        self.written += n
        if self.stats is not None:
            self.stats[self.model._meta.db_table] = self.stats.get(self.model._meta.db_table, 0) + n

    def flush(self) -> None:
        if not self.rows:
            return
        if self.pg:
            run_copies([self.render()])
            return
        else:
            names = self.columns + self.extra_columns
            objs = [self.model(**dict(zip(names, row + tuple(self.extra_values), strict=True))) for row in self.rows]
            self.model.objects.bulk_create(objs, batch_size=500)
        self._count(len(self.rows))
        self.rows = []

    def close(self) -> None:
        self.flush()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        return False


# Foreign-key checks during the load. PostgreSQL checks each foreign key of
# each row with a query of its own (at commit, Django's constraints being
# deferred): that doubles the time of a COPY. Like ``pg_restore
# --disable-triggers``, the generator may switch them off for its own rows
# (session_replication_role, superuser only) and then verifies every foreign
# key of the tables it wrote in one anti-join each (``verify_foreign_keys``).
FK_CHECKS = {"enabled": True}


def disable_fk_checks() -> bool:
    """Switch off per-row FK triggers for the generator's COPYs if allowed."""
    if not is_postgresql():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            return False
    FK_CHECKS["enabled"] = False
    return True


def enable_fk_checks() -> None:
    FK_CHECKS["enabled"] = True


def run_copies(copies) -> None:
    """Run rendered COPY statements in order, in one transaction."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if not FK_CHECKS["enabled"]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        for item in copies:
            if item is not None:
                cursor.cursor.copy_expert(item[0], item[1])


class CopyPipeline:
    """Overlaps generation and loading: the caller renders a chunk's COPY data
    (Python work) while a background thread feeds the previous chunk to
    PostgreSQL (server work, the GIL released while it waits). One chunk in
    flight at most, so memory stays bounded. The thread has its own database
    connection (Django connections are per thread)."""

    def __init__(self):
        import queue
        import threading

        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="scale-copy", daemon=True)
        self.thread.start()

    def _work(self):
        from django.db import connection as thread_connection

        try:
            while True:
                copies = self.queue.get()
                if copies is None:
                    return
                if self.error is None:
                    try:
                        run_copies(copies)
                    except BaseException as exc:  # reported to the caller by submit()/close()
                        self.error = exc
        finally:
            thread_connection.close()

    def submit(self, copies) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(copies)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of ``model``'s table."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(models_: list[type[models.Model]]) -> None:
    """Move the id sequences past the ids the generator assigned."""
    if not is_postgresql():
        return  # SQLite's AUTOINCREMENT follows max(rowid) by itself
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze(models_: list[type[models.Model]]) -> None:
    """VACUUM (ANALYZE) the tables written: statistics for the planner, and
    the visibility map that lets index-only scans skip the heap (after bulk
    COPY it is empty until autovacuum gets round to the table, so pages would
    be measured slower than on a database in service). Outside a
    transaction, as VACUUM requires (the command runs in autocommit)."""
    if not is_postgresql():
        return
    with connection.cursor() as cursor:
        for model in models_:
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
            else:
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def verify_foreign_keys(models_: list[type[models.Model]]) -> list[str]:
    """Rows whose foreign key points nowhere, per table and column (empty
    when all is well): one anti-join per foreign key of the tables written."""
    problems = []
    with connection.cursor() as cursor:
        for model in models_:
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.db_constraint:
                    continue
                target = field.target_field.model._meta.db_table
                table = model._meta.db_table
                column = field.column
                target_column = field.target_field.column
                # Table and column names come from the models, not from input.
                sql = (
                    f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
                    f'(SELECT 1 FROM {target} r WHERE r."{target_column}" = t."{column}")'
                )
                cursor.execute(sql)
                missing = cursor.fetchone()[0]
                if missing:
                    problems.append(f"{table}.{column}: {missing} rows point to no {target} row")
    return problems

"""Writes of the exports: ask for an export (a job), and run it (in the
Celery worker) into an XLSX file through the portal's one spreadsheet writer."""

from __future__ import annotations

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from congress_portal.spreadsheets import Sheet, write_xlsx
from proposals.access import is_case_staff

from . import tasks
from .models import ExportJob, ExportKind, ExportStatus
from .selectors import CASE_COLUMNS, ExportFilterError, export_source

logger = logging.getLogger(__name__)

MSG_NOT_ALLOWED = "您没有导出这个列表的权限。"
MSG_REASON_REQUIRED = "导出完整联系方式须填写事由（将记录在案）。"
MSG_FAILED = "导出失败，请稍后重试；如仍失败，请联系管理员。"
MSG_TOO_MANY_RUNNING = "您已有 %(n)s 个导出正在进行，请等它们完成后再导出。"
MAX_RUNNING_PER_USER = 3
# Progress is written every PROGRESS_EVERY rows (one UPDATE), not per row.
PROGRESS_EVERY = 1000
SHEET_NAMES = {
    ExportKind.ADMIN_CASES: "案件",
    ExportKind.UNIT_CASES: "承办案件",
    ExportKind.DEPUTY_CASES: "代表案件",
}


class ExportError(Exception):
    pass


def may_export(user, kind: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if kind == ExportKind.ADMIN_CASES:
        return is_case_staff(user)
    if kind == ExportKind.UNIT_CASES:
        return user.handling_units.filter(is_active=True).exists()
    if kind == ExportKind.DEPUTY_CASES:
        return getattr(user, "deputy", None) is not None
    return False


def export_request(*, user, kind: str, query: str = "", reveal: bool = False, reason: str = "") -> ExportJob:
    """A new export job for ``user``'s list ``kind`` with the page's query
    string; the worker starts once this transaction commits. Full contact
    details only for case staff (who may call back anyone in their region),
    with a reason: the job is then the record of that reveal."""
    if kind not in ExportKind.values or not may_export(user, kind):
        raise ExportError(MSG_NOT_ALLOWED)
    reason = (reason or "").strip()[:200]
    if reveal:
        if kind != ExportKind.ADMIN_CASES:
            raise ExportError(MSG_NOT_ALLOWED)
        if not reason:
            raise ExportError(MSG_REASON_REQUIRED)
    query = "&".join(part for part in (query or "").split("&") if part and not part.startswith(("p=", "page=")))
    with transaction.atomic():
        running = ExportJob.objects.select_for_update().filter(user=user, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING])
        count = len(list(running.values_list("pk", flat=True)))
        if count >= MAX_RUNNING_PER_USER:
            raise ExportError(MSG_TOO_MANY_RUNNING % {"n": count})
        job = ExportJob.objects.create(user=user, kind=kind, query=query[:4000], reveals_personal_data=reveal, reason=reason)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    tasks.run_export.delay(job_id)


def _progress(job_id: int):
    def on_row(written: int) -> None:
        if written % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=written)

    return on_row


def export_run(*, job_id: int) -> ExportJob | None:
    """Claim a pending job and write its file. Run twice (a retry, a second
    delivery) it does nothing the second time: only a pending job is claimed."""
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, status=ExportStatus.PENDING).first()
        if job is None:
            return None
        job.status, job.started_at = ExportStatus.RUNNING, now
        job.save(update_fields=["status", "started_at"])
    try:
        source = export_source(job)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=source.total)
        sheet = Sheet(name=SHEET_NAMES[job.kind], columns=CASE_COLUMNS, rows=source.rows, on_row=_progress(job.pk))
        with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
            written = write_xlsx(tmp, [sheet])
            tmp.seek(0)
            stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
            job.file.save(f"{job.kind}-{stamp}-{job.pk}.xlsx", File(tmp), save=False)
    except ExportFilterError as exc:
        return _fail(job, str(exc))
    except Exception:
        logger.exception("export %s failed", job.pk)
        _fail(job, MSG_FAILED)
        raise
    job.rows_done, job.rows_total = written, written
    job.status, job.finished_at = ExportStatus.DONE, timezone.now()
    job.save(update_fields=["file", "rows_done", "rows_total", "status", "finished_at"])
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.status, job.error, job.finished_at = ExportStatus.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job

"""Celery tasks of the legislation app: thin, by id, bounded."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=2, soft_time_limit=600, time_limit=660, acks_late=True)
def render_report(self, report_id: int):
    """Render a 意见汇总报告's PDF and XLSX (WeasyPrint: a draft with a few
    thousand comments takes tens of seconds, too long for a web request)."""
    try:
        services.report_render(report_id=report_id)
    except SoftTimeLimitExceeded:
        services.report_render_failed(report_id=report_id, error="time limit")
        raise
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("report %s could not be rendered", report_id)
            services.report_render_failed(report_id=report_id, error=repr(exc))
            raise
        raise self.retry(exc=exc, countdown=30) from exc

"""Celery task of the exports: loads the job by id and calls the service."""

from celery import shared_task

# The module, not its names: services enqueues this task, this task runs the service.
from . import services


# One hour: a province's 1,000,000 cases take minutes; the limit only ends a stuck job.
@shared_task(bind=True, max_retries=0, soft_time_limit=3600, time_limit=3660, acks_late=True)
def run_export(self, job_id: int):
    job = services.export_run(job_id=job_id)
    return job.pk if job else None

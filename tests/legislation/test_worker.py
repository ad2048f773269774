"""The report is rendered by a real Celery worker after the request commits."""

import os

import pytest
from django.urls import reverse
from pypdf import PdfReader

from legislation.models import Channel, Report, ReportStatus
from tests.legislation.conftest import article, comment, make_draft
from tests.notifications.conftest import _wait_for, celery_worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(celery_worker, settings):  # noqa: F811
    queue, tmp = celery_worker
    settings.LEGISLATION_REPORT_QUEUE = queue
    return queue, tmp


def test_worker_renders_the_report_after_commit(client, world, worker):
    _queue, tmp = worker
    draft = make_draft(world)
    comment(draft, "充电设施费用由谁承担要写清楚。", "第十三条", channel=Channel.KIOSK, station=world["a"])
    client.force_login(world["officer_a"])
    client.post(
        reverse("legislation:summary", args=[draft.pk]), {"provision": str(article(draft, "第十三条").pk), "text": "关注费用分担。"}
    )
    client.post(reverse("legislation:report_compile", args=[draft.pk]))
    report = Report.objects.get()
    _wait_for(lambda: Report.objects.get(pk=report.pk).status != ReportStatus.PENDING, timeout=90, log_path=tmp / "worker.log")
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    # The worker wrote under its own media root (PORTAL_VAR_DIR of the worker).
    path = tmp / "var" / "media" / report.pdf.name
    assert os.path.exists(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "").replace(" ", "")
    assert "第十三条" in text and "关注费用分担。" in text

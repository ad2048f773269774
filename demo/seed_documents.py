"""Printed documents and import templates for the demo: checks that an
assigned case of 杏花岭区 prints its 交办单 and names the pages to open, and
puts the deputy roster template (with its example row) in the media folder.
Idempotent: writes the same file, creates no rows."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import User
from documents.render import assignment_sheet_pdf
from documents.selectors import document_cases
from imports.templates import deputy_template
from proposals.models import Case

TEMPLATE_PATH = "imports/templates/代表名册模板.xlsx"


def run(stdout=None) -> str:
    staff = User.objects.filter(username="staff").first() or User.objects.filter(is_superuser=True).first()
    if staff is not None:
        if default_storage.exists(TEMPLATE_PATH):
            default_storage.delete(TEMPLATE_PATH)
        default_storage.save(TEMPLATE_PATH, ContentFile(deputy_template(staff)))
    assigned = Case.objects.filter(assigned_at__isnull=False, region__code__startswith="140107")
    case = document_cases(assigned).order_by("-assigned_at").first()
    if case is None:
        return "no assigned case to print"
    pdf = assignment_sheet_pdf([case])
    return f"交办单 {reverse('documents:assignment_sheet', args=[case.pk])} ({len(pdf)} bytes), template {TEMPLATE_PATH}"

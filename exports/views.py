"""Export pages (the FixMyStreet pattern): ask → a job page with a progress
bar that polls its status → a download link when the file is ready."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from congress_portal.spreadsheets import XLSX_CONTENT_TYPE

from . import access, selectors, services
from .forms import ExportForm
from .models import ExportKind, ExportStatus

BACK_URLS = {
    ExportKind.ADMIN_CASES: "admin:proposals_case_changelist",
    ExportKind.UNIT_CASES: "unit:home",
    ExportKind.DEPUTY_CASES: "deputy_workspace:home",
}


def _back(kind: str, query: str) -> str:
    url = reverse(BACK_URLS[kind])
    return f"{url}?{query}" if query else url


@never_cache
@login_required
def new(request, kind):
    if kind not in ExportKind.values or not services.may_export(request.user, kind):
        raise Http404
    can_reveal = kind == ExportKind.ADMIN_CASES
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.export_request(
                    user=request.user,
                    kind=kind,
                    query=data["query"],
                    reveal=can_reveal and data["reveal"],
                    reason=data["reason"],
                )
            except services.ExportError as exc:
                form.add_error(None, _(str(exc)))
            else:
                return redirect("exports:job", pk=job.pk)
    else:
        form = ExportForm(initial={"query": request.GET.urlencode()})
    query = form["query"].value() or ""
    context = {"form": form, "kind": kind, "kind_label": ExportKind(kind).label, "can_reveal": can_reveal, "back": _back(kind, query)}
    return render(request, "exports/new.html", context)


@never_cache
@login_required
def job(request, pk):
    job = access.access_export_job(request.user, pk)
    return render(request, "exports/job.html", {"job": job, "back": _back(job.kind, job.query)})


@never_cache
@login_required
def job_status(request, pk):
    job = access.access_export_job(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "error": _(job.error) if job.error else "",
            "download_url": reverse("exports:download", args=[job.pk]) if job.status == ExportStatus.DONE else "",
        }
    )


@never_cache
@login_required
def download(request, pk):
    job = access.access_export_job(request.user, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    name = f"{job.get_kind_display()}-{job.created_at:%Y%m%d-%H%M}.xlsx"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


@never_cache
@login_required
def job_list(request):
    jobs = list(selectors.jobs_for(request.user)[:50])
    return render(request, "exports/list.html", {"jobs": jobs})

"""Benchmark of Excel in, Excel out and the printed documents (issue 16).

    DATABASE_URL=postgres://…/bench_1m python -m bench.paperwork --deputies 5000 --batch 200

Against a seeded database (bench_1k / bench_1m, or the demo): (1) one 交办单
PDF, (2) a batch of ``--batch`` 交办单 as one PDF, (3) an export of every
case as province-wide staff through the real job service, in a child
process whose peak RSS is read from getrusage (the worker's code path:
``exports.services.export_run``), (4) an import of ``--deputies`` deputies
with a mandate and a station membership each: dry run, then the import
(rolled back afterwards, so the database is unchanged). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_portal.settings.local")
    import django

    django.setup()


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM): getrusage's ru_maxrss
    would carry the parent's peak across fork + exec."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def export_child(user_id: int) -> None:
    """Run in a fresh process: one export job, then report time and peak RSS."""
    _setup()
    from django.urls import reverse

    from accounts.models import User
    from exports import services
    from exports.models import ExportJob, ExportKind

    reverse("home")  # the URLconf (every view module) loaded, as in a running worker
    user = User.objects.get(pk=user_id)
    baseline_mb = _peak_mb()
    job = ExportJob.objects.create(user=user, kind=ExportKind.ADMIN_CASES, query="queue=all")
    started = time.perf_counter()
    job = services.export_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    peak_mb = _peak_mb()
    job.file.delete(save=False)
    job.delete()
    print(
        json.dumps(
            {
                "export_rows": job.rows_done,
                "export_seconds": round(seconds, 2),
                "export_peak_rss_mb": round(peak_mb, 1),
                "export_baseline_rss_mb": round(baseline_mb, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.paperwork")
    parser.add_argument("--deputies", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--export-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child)
        return
    _setup()
    import tablib
    from django.db import transaction

    from accounts.models import User
    from documents.render import assignment_sheet_pdf
    from documents.selectors import document_cases
    from imports.resources import DEPUTY_EXAMPLE, DeputyResource
    from proposals.models import Case
    from regions.models import Region
    from stations.models import Station

    out: dict = {}
    assigned = document_cases(Case.objects.filter(assigned_at__isnull=False)).order_by("-assigned_at")
    one = assigned.first()
    assignment_sheet_pdf([one])  # fonts loaded once, as in a running worker
    started = time.perf_counter()
    assignment_sheet_pdf([one])
    out["jiaobandan_one_seconds"] = round(time.perf_counter() - started, 3)
    batch = list(assigned[: args.batch])
    started = time.perf_counter()
    assignment_sheet_pdf(batch)
    out["jiaobandan_batch"] = len(batch)
    out["jiaobandan_batch_seconds"] = round(time.perf_counter() - started, 2)

    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    child = subprocess.run(
        [sys.executable, "-m", "bench.paperwork", "--export-child", str(admin.pk)], capture_output=True, text=True, check=True
    )
    out.update(json.loads(child.stdout.strip().splitlines()[-1]))

    station = Station.objects.filter(is_active=True).select_related("region").order_by("pk").first()
    county = Region.objects.get(code=station.region.code[:6].ljust(12, "0"))
    headers = list(DEPUTY_EXAMPLE)
    rows = []
    for i in range(args.deputies):
        values = DEPUTY_EXAMPLE | {
            "姓名": f"测试代表{i:05d}",
            "联系电话": f"150{i:08d}",
            "区划代码": county.code[:6],
            "进站站点编码": station.code,
            "代表小组": "",
        }
        rows.append([values[h] for h in headers])
    data = tablib.Dataset(*rows, headers=headers)
    started = time.perf_counter()
    result = DeputyResource(user=admin).import_data(data, dry_run=True, user=admin)
    out["import_dry_run_seconds"] = round(time.perf_counter() - started, 1)
    assert not result.has_errors() and not result.has_validation_errors()
    started = time.perf_counter()
    with transaction.atomic():
        result = DeputyResource(user=admin).import_data(data, dry_run=False, user=admin)
        out["import_seconds"] = round(time.perf_counter() - started, 1)
        out["import_total_seconds"] = round(out["import_dry_run_seconds"] + out["import_seconds"], 1)
        out["import_rows"] = result.totals.get("new", 0)
        transaction.set_rollback(True)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""Write bench/RESULTS.md from the JSON figures in bench/out/."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

TARGET_QUERIES = 12
TARGET_P95_MS = 150


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        pg = "?"
    import django

    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {mem}",
        f"- {platform.platform()}; Python {platform.python_version()}; Django {django.get_version()}; {pg}",
        f"- load average when the report was written: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(the machine is shared with other work: figures are pessimistic)",
    ]


def _pages_table(pages: dict) -> list[str]:
    lines = [
        "| page | status | p50 ms | p95 ms | server p50 ms | queries/request |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, page in pages.items():
        status = ", ".join(f"{k}×{v}" for k, v in page["status"].items())
        if page["queries_min"] is None:
            queries = "–"
        elif page["queries_min"] == page["queries_max"]:
            queries = str(page["queries_min"])
        else:
            queries = f"{page['queries_min']}–{page['queries_max']}"
        lines.append(f"| {name} | {status} | {page['p50_ms']} | {page['p95_ms']} | {page['server_p50_ms']} | {queries} |")
    return lines


def write_results(out_dir: Path, path: Path) -> Path:
    runs = {}
    for file in sorted(out_dir.glob("bench_*.json")):
        if file.name.endswith(".seed.json"):
            continue
        runs[file.stem] = json.loads(file.read_text())
    seeds = {f.name.removesuffix(".seed.json"): json.loads(f.read_text()) for f in sorted(out_dir.glob("bench_*.seed.json"))}
    lines = [
        "# Province-scale benchmark",
        "",
        f"Written by `bench/run` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}. Regenerate: `bench/run` "
        "(see `bench/__main__.py`; `--reseed` to rebuild the databases, `--report-only` to rewrite this file).",
        "",
        "## Machine",
        *machine(),
        "",
        "Server: gunicorn with the deployed `gunicorn.conf.py` (on 2 cores: 3 processes × 2 threads, gthread, access "
        "log on), settings `bench.settings` (production settings, DEBUG off, "
        "Redis cache, plus a middleware that counts SQL queries server-side: `X-Query-Count`). Client: Python `requests` "
        "on the same machine. Pages: 3 warm-up requests, then 100 sequential requests; latency measured by the client; "
        "the pages of every size are measured back to back before any load test. "
        "Kiosk load: `wrk` (if installed; `bench/run --kiosk-only` re-measures it alone) on the same machine, so the "
        "load generator's CPU counts against the same 2 cores.",
        "",
        f"Targets (issue 8): every page ≤ {TARGET_QUERIES} queries, the same at 1k and 1M cases; p95 < {TARGET_P95_MS} ms at 1M "
        "and within 2× of 1k; kiosk ≥ 200 accepted submissions/s, none lost; sweep < 100 ms when nothing is due; "
        "10,000 due reminders claimed and marked in < 30 s.",
        "",
    ]
    if seeds:
        lines += ["## Data generation (`manage.py seed_scale`)", "", "| database | cases | wall time |", "|---|---:|---:|"]
        for db, info in seeds.items():
            lines.append(f"| {db} | {info['cases']:,} | {info['seconds'] / 60:.1f} min |")
        lines.append("")
        for db, info in seeds.items():
            lines += [f"<details><summary>{db} seed output</summary>", "", "```", info["output"].strip(), "```", "</details>", ""]
    for db, run in runs.items():
        lines += [f"## {db}", ""]
        counts = run.get("counts", {})
        targets = run.get("targets", {})
        lines.append(
            f"{counts.get('cases', 0):,} cases. Staff user `{targets.get('staff')}` (county {targets.get('county')}, "
            f"{counts.get('county_cases', 0):,} cases); deputy `{targets.get('deputy_user')}` ({counts.get('deputy_cases', 0):,} "
            f"cases); unit member `{targets.get('unit_user')}` ({counts.get('unit_cases', 0):,} active assignments, "
            f"{counts.get('unit_open_cases', 0):,} of them open)."
        )
        if run.get("pages_load_before"):
            lines.append(
                f"Pages measured {run.get('pages_measured_at', '')}; load average (1/5/15 min) before: "
                f"{run.get('pages_load_before')}, after: {run.get('pages_load_after')}."
            )
        lines.append("")
        lines += _pages_table(run.get("pages", {}))
        lines.append("")
        kiosk = run.get("kiosk")
        if kiosk and kiosk.get("client") == "wrk":
            lines += [
                "**Kiosk** (`/kiosk/<code>/`, load from `wrk` with a Lua script: each of "
                f"{kiosk['threads']} connections loops GET the form (fresh submission key, CSRF token) then POST it, "
                f"for {kiosk['seconds']} s over 200 stations, each station's form loaded twice beforehand; "
                f"{kiosk.get('server', 'gunicorn')}):",
                f"{kiosk['accepted']:,} accepted, **{kiosk['per_second']} submissions/s**; request latency (GET and POST mixed) "
                f"p50 {kiosk['request_p50_ms']} ms, p95 {kiosk['request_p95_ms']} ms, p99 {kiosk['request_p99_ms']} ms; "
                f"found in the database afterwards: {kiosk['found_in_db']:,} (lost: {kiosk['lost']}, duplicates: "
                f"{kiosk['duplicates']}); errors: {kiosk['errors'] or 'none'}. Load average before/after: "
                f"{kiosk.get('load_before')} / {kiosk.get('load_after')}.",
                "",
            ]
        elif kiosk:
            lines += [
                "**Kiosk** (`/kiosk/<code>/`: GET the form for a fresh submission key and CSRF token, then POST; "
                f"{kiosk['threads']} client threads for {kiosk['seconds']} s over 200 stations):",
                f"{kiosk['accepted']} accepted, **{kiosk['per_second']} submissions/s**, POST p50 {kiosk['post_p50_ms']} ms, "
                f"p95 {kiosk['post_p95_ms']} ms (GET+POST p95 {kiosk['cycle_p95_ms']} ms); found in the database afterwards: "
                f"{kiosk['found_in_db']} (lost: {kiosk['lost']}); errors: {kiosk['errors'] or 'none'}.",
                "",
            ]
        sweep = run.get("sweep")
        if sweep:
            if not sweep.get("available"):
                lines += [f"**Reminder sweep**: not available ({sweep.get('reason')}).", ""]
            else:
                lines += [
                    "**Reminder sweep** (`notifications.services.sweep.sweep_run(deliver=False)`, in process):",
                    f"- nothing due: p50 {sweep['idle_ms_p50']} ms, max {sweep['idle_ms_max']} ms (7 runs, after a first "
                    f"sweep of {sweep['first_sweep_s']} s: `{sweep['first_sweep']}`)",
                    (
                        f"- {sweep['due_created']:,} reminders due: all claimed and marked in **{sweep['due_processed_s']} s** "
                        f"over {sweep['due_sweeps']} sweeps (sent {sweep['due_sent']:,}, cancelled {sweep['due_cancelled']:,}, "
                        f"left {sweep['due_left']:,})"
                    )
                    if sweep["due_created"]
                    else "- due reminders: this database has too few open cases with a running deadline (measured at 1M)",
                    "",
                ]
                parts = (("kiosk", kiosk), ("sweep", sweep))
                when = [f"{name} measured {part['measured_at']}" for name, part in parts if part and part.get("measured_at")]
                if when:
                    lines.insert(-1, f"- ({'; '.join(when)})")
    lines += _targets(runs.get("bench_1k"), runs.get("bench_1m"))
    path.write_text("\n".join(lines) + "\n")
    return path


def _ok(flag: bool | None) -> str:
    return "–" if flag is None else ("✅" if flag else "❌")


def _targets(small: dict | None, big: dict | None) -> list[str]:
    """Each target of issue 8 checked against the figures above."""
    if not big:
        return []
    lines = [
        "## Targets",
        "",
        "| page | ≤ 12 queries (1M) | same queries at 1k and 1M | p95 < 150 ms (1M) | p95 ≤ 2× 1k |",
        "|---|:-:|:-:|:-:|:-:|",
    ]
    small_pages = (small or {}).get("pages", {})
    for name, page in big.get("pages", {}).items():
        other = small_pages.get(name)
        same = None if other is None else (other["queries_min"], other["queries_max"]) == (page["queries_min"], page["queries_max"])
        within = None if other is None else page["p95_ms"] <= 2 * other["p95_ms"]
        lines.append(
            f"| {name} | {_ok(page['queries_max'] is not None and page['queries_max'] <= TARGET_QUERIES)} | {_ok(same)} | "
            f"{_ok(page['p95_ms'] < TARGET_P95_MS)} | {_ok(within)} |"
        )
    kiosk = big.get("kiosk")
    sweep = big.get("sweep") or {}
    lines.append("")
    if kiosk:
        lines.append(
            f"- kiosk ≥ 200 accepted/s: {_ok(kiosk['per_second'] >= 200)} ({kiosk['per_second']}/s); none lost: {_ok(kiosk['lost'] == 0)}"
        )
    if sweep.get("available"):
        lines.append(f"- sweep < 100 ms when nothing is due: {_ok(sweep['idle_ms_p50'] < 100)} ({sweep['idle_ms_p50']} ms)")
        lines.append(f"- 10,000 due reminders in < 30 s: {_ok(sweep['due_processed_s'] < 30)} ({sweep['due_processed_s']} s)")
    lines.append("")
    return lines

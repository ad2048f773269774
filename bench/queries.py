"""Print the SQL a page runs, with timings, to find what to fix:

    .venv/bin/python -m bench.queries --db bench_1m /admin/proposals/case/ --as staff
    .venv/bin/python -m bench.queries --db bench_1m /kiosk/440103001-00/ --post-kiosk

``--as``: staff (the busiest county's staff), deputy, unit, or anonymous.
Uses Django's test client in process (no gunicorn) with bench.settings.
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from .measure import _setup


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("path")
    parser.add_argument("--as", dest="who", default="anonymous", choices=["staff", "deputy", "unit", "anonymous"])
    parser.add_argument("--post-kiosk", action="store_true", help="GET the kiosk form, then POST a submission")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries")
    args = parser.parse_args(argv)
    _setup(args.db)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from .measure import pick_targets

    client = Client(HTTP_HOST="127.0.0.1")
    if args.who != "anonymous":
        targets = pick_targets()
        user = {"staff": targets["staff"], "deputy": targets["deputy_user"], "unit": targets["unit_user"]}[args.who]
        client.force_login(user)
    data = None
    if args.post_kiosk:
        page = client.get(args.path)
        html = page.content.decode()
        data = {
            "submission_key": re.search(r'name="submission_key" value="([0-9a-f]+)"', html).group(1),
            "category": re.findall(r'name="category" value="(\d+)"', html)[0],
            "content": "小区门口路灯坏了很久，晚上出行不安全。",
            "phone": "13912345678",
            "resident_name": "张三",
            "consent": "on",
        }
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.post(args.path, data) if data else client.get(args.path)
        elapsed = (time.perf_counter() - started) * 1000
    print(f"{response.status_code} in {elapsed:.0f} ms, {len(ctx.captured_queries)} queries")
    for i, q in enumerate(ctx.captured_queries, 1):
        print(f"--- {i} ({float(q['time']) * 1000:.1f} ms)\n{q['sql'][:1500]}")
    if args.explain:
        slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        with connection.cursor() as cur:
            for q in slowest:
                if q["sql"].lstrip().upper().startswith("SELECT"):
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    print("=== EXPLAIN", q["sql"][:200])
                    print("\n".join(r[0] for r in cur.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

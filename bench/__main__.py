"""The province-scale benchmark.

    bench/run                      # both sizes, seeding a database that is not seeded yet
    bench/run --sizes 1k --reseed  # re-create bench_1k first
    bench/run --report-only        # rewrite bench/RESULTS.md from bench/out/*.json
    bench/run --pages-only         # re-measure the pages only (kiosk and sweep change the data)
    bench/run --kiosk-only         # re-measure the kiosk load only (wrk if installed: apt-get install wrk)

For each size (1k: 1,000 cases; 1m: 1,000,000 cases; both with the whole
Guangdong organisation: 1,757 townships, 12,600 stations, 100,000 deputies)
it (1) creates the PostgreSQL database ``bench_<size>``, migrates it and runs
``seed_scale`` (timed) unless it is already seeded, (2) runs
``bench.measure`` on it (gunicorn + pages, kiosk load, reminder sweep) and
(3) writes bench/RESULTS.md with the machine's description.

Environment: PostgreSQL on 127.0.0.1:5432 as user postgres (BENCH_PG to
change), Redis at REDIS_URL (default redis://127.0.0.1:6379/7).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .report import write_results

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIZES = {"1k": 1_000, "100k": 100_000, "1m": 1_000_000}
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _env(db: str) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"{PG}/{db}"
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    env.setdefault("PORTAL_VAR_DIR", str(ROOT / "var" / "bench"))
    return env


def _psql(sql: str, db: str = "postgres") -> str:
    import psycopg2

    conn = psycopg2.connect(f"{PG}/{db}")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0] if cur.description else ""
    finally:
        conn.close()


def is_seeded(db: str) -> bool:
    try:
        return bool(_psql("SELECT count(*) FROM accounts_user WHERE username LIKE 'scale-%'", db))
    except Exception:  # noqa: BLE001 - no database, no table: not seeded
        return False


def seed(db: str, cases: int, divisions: str) -> dict:
    _psql(f"DROP DATABASE IF EXISTS {db}")
    _psql(f"CREATE DATABASE {db}")
    env = _env(db)
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    log = OUT / f"{db}.seed.log"
    started = time.monotonic()
    with log.open("w") as fh:  # follow the progress with: tail -f bench/out/<db>.seed.log
        subprocess.run(
            [py, "manage.py", "seed_scale", "--divisions", divisions, "--cases", str(cases)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    elapsed = time.monotonic() - started
    output = log.read_text()
    print(output)
    return {"db": db, "cases": cases, "seconds": round(elapsed, 1), "output": output[-4000:], "load_after": os.getloadavg()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run")
    parser.add_argument("--sizes", default="1k,1m", help="comma-separated: 1k, 100k, 1m")
    parser.add_argument("--reseed", action="store_true", help="re-create and re-seed the databases")
    parser.add_argument("--divisions", default=str(ROOT.parent / "shared" / "data" / "divisions"))
    parser.add_argument("--requests", type=int, default=100, help="measured requests per page (after 3 warm-up)")
    parser.add_argument("--kiosk-threads", type=int, default=8)
    parser.add_argument("--kiosk-seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--pages-only", action="store_true", help="measure the pages; keep the kiosk and sweep figures of the last run")
    parser.add_argument("--kiosk-only", action="store_true", help="measure the kiosk load; keep the page and sweep figures of the last run")
    parser.add_argument(
        "--sweep-only", action="store_true", help="measure the reminder sweep; keep the page and kiosk figures of the last run"
    )
    parser.add_argument(
        "--kiosk-client", choices=["auto", "wrk", "python"], default="auto", help="kiosk load generator (auto: wrk if installed)"
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
        for size in sizes:
            db = f"bench_{size}"
            if args.reseed or not is_seeded(db):
                print(f"seeding {db} ({SIZES[size]} cases)…", flush=True)
                info = seed(db, SIZES[size], args.divisions)
                (OUT / f"{db}.seed.json").write_text(json.dumps(info, ensure_ascii=False, indent=2))
        # One part at a time over every size: the pages of 1k and 1M are
        # measured back to back on a machine in the same state, before any
        # load test heats it up (and before the sweep changes the data).
        parts = (
            ["pages"] * (not (args.kiosk_only or args.sweep_only))
            + ["kiosk"] * (not (args.pages_only or args.sweep_only))
            + ["sweep"] * (not (args.pages_only or args.kiosk_only))
        )
        skip = {"pages": "--skip-pages", "kiosk": "--skip-kiosk", "sweep": "--skip-sweep"}
        for part in parts:
            for size in sizes:
                db = f"bench_{size}"
                print(f"measuring {db}: {part}…", flush=True)
                subprocess.run(
                    [
                        sys.executable, "-m", "bench.measure", "--db", db, "--out", str(OUT / f"{db}.json"), "--port", str(args.port),
                        "--requests", str(args.requests), "--kiosk-threads", str(args.kiosk_threads),
                        "--kiosk-seconds", str(args.kiosk_seconds),
                        "--kiosk-client", args.kiosk_client,
                        *[flag for other, flag in skip.items() if other != part],
                    ],
                    cwd=ROOT,
                    env=_env(db),
                    check=True,
                )  # fmt: skip
    path = write_results(OUT, ROOT / "bench" / "RESULTS.md")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

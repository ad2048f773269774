"""Kiosk submissions while Redis is healthy, hung (SIGSTOP: connections
accepted, nothing answered) and killed — throughput and p99 of the POST —
and whether every accepted submission was kept and its events dispatched
once Redis came back.

    .venv/bin/python -m bench.redis_fault [--db bench_1k] [--seconds 20] [--threads 4]

It starts its own redis-server on port 6392 (never the machine's shared
one) and gunicorn with the deployed configuration pointing at it, drives the
kiosk with ``bench.measure.kiosk_load`` for each phase, and writes
bench/out/redis_fault.json (bench/RESULTS.md shows it).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PORT = 6392


def _start_redis() -> subprocess.Popen:
    proc = subprocess.Popen(
        ["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_1k")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)

    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{PORT}/0"
    from .measure import Server, _setup, kiosk_load, remove_load_test_cases, warm_kiosk

    _setup(args.db)
    from notifications.models import EventDispatch
    from stations.models import Station

    codes = list(Station.objects.filter(is_active=True).order_by("pk").values_list("code", flat=True)[:50])
    OUT.mkdir(parents=True, exist_ok=True)
    redis = _start_redis()
    server = Server(8093, 0, 0, OUT / "redis_fault_gunicorn.log")
    results: dict = {"db": args.db, "threads": args.threads, "seconds": args.seconds, "phases": {}}
    try:
        server.wait()
        warm_kiosk(server.url, codes)
        results["phases"]["healthy"] = kiosk_load(server.url, codes, threads=args.threads, seconds=args.seconds)
        os.kill(redis.pid, signal.SIGSTOP)
        results["phases"]["hung (SIGSTOP)"] = kiosk_load(server.url, codes, threads=args.threads, seconds=args.seconds)
        os.kill(redis.pid, signal.SIGCONT)
        redis.terminate()
        redis.wait(timeout=10)
        results["phases"]["killed"] = kiosk_load(server.url, codes, threads=args.threads, seconds=args.seconds)
        # Redis returns: the events committed during the outage are dispatched
        # (the breaker's recovery rings the doorbell; the sweep is the fallback).
        redis = _start_redis()
        time.sleep(6)  # past the breaker's reset_after, then a request closes it
        kiosk_load(server.url, codes, threads=1, seconds=2)
        pending = EventDispatch.objects.filter(dispatched_at__isnull=True).count()
        results["pending_events_after_recovery_without_worker"] = pending
        log = (OUT / "redis_fault_gunicorn.log").read_text(encoding="utf-8", errors="replace")
        results["log"] = {
            "outage_warnings": log.count("unreachable"),
            "recovery_summaries": log.count("is back after"),
            "tracebacks": log.count("Traceback"),
        }
    finally:
        server.stop()
        try:
            os.kill(redis.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
        redis.terminate()
        removed = remove_load_test_cases()
        results["load_test_cases_removed"] = removed
    (OUT / "redis_fault.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    shown = ("per_second", "post_p50_ms", "post_p99_ms", "accepted", "lost", "errors")
    for name, phase in results["phases"].items():
        print(f"{name:16} {json.dumps({k: phase.get(k) for k in shown}, ensure_ascii=False)}")
    print(json.dumps(results["log"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure one seeded database: ``python -m bench.measure --db bench_1m --out FILE``.

Starts gunicorn on the database, then measures the pages (latency and
queries per request from the server's X-Query-Count header), the kiosk
under concurrent load (every accepted submission looked up in the database
afterwards), and the reminder sweep. Writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(db: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --- server -------------------------------------------------------------------------
def _gunicorn_conf():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Server:
    def __init__(self, port: int, workers: int, threads: int, log: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        # The deployed configuration (gunicorn.conf.py: processes, threads,
        # access log), on a local port.
        cmd = [
            sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "congress_portal.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            *(["--workers", str(workers)] if workers else []), *(["--threads", str(threads)] if threads else []),
        ]  # fmt: skip
        env = dict(os.environ)
        conf = _gunicorn_conf()
        self.workers, self.threads = workers or conf.workers, threads or conf.threads
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)  # noqa: SIM115

    def wait(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                if requests.get(self.url + "/healthz/", timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- who and what to ask for -------------------------------------------------------
def session_for(user) -> str:
    """A logged-in session for ``user`` (as the login view would make it)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _station_and_runner(station_id):
    """The station and a user who runs it: its liaison officer, or else the
    staff of its county (who may run every station of their region)."""
    from accounts.models import User
    from stations.models import Station

    station = Station.objects.select_related("region", "liaison_officer").get(pk=station_id)
    if station.liaison_officer is not None:
        return station, station.liaison_officer
    county_prefix = station.region.code[:6]
    return station, User.objects.filter(username=f"scale-staff-{county_prefix}").first()


def pick_targets() -> dict:
    """The busiest county, deputy and unit: the heaviest pages of their kind."""
    from django.db import connection

    from accounts.models import User
    from legislation.models import Draft
    from proposals.models import Case
    from regions.models import Region
    from units.models import HandlingUnit

    with connection.cursor() as cur:
        cur.execute("SELECT region_id FROM proposals_case GROUP BY region_id ORDER BY count(*) DESC LIMIT 1")
        township = Region.objects.get(pk=cur.fetchone()[0])
        cur.execute(
            "SELECT responsible_deputy_id FROM proposals_case WHERE responsible_deputy_id IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
        deputy_id = cur.fetchone()[0]
        # The unit workspace opens on the cases in hand: the unit with the
        # most of them (then the longest history) has the heaviest page.
        cur.execute(
            "SELECT unit_id FROM proposals_caseassignment WHERE is_active GROUP BY 1 "
            "ORDER BY count(*) FILTER (WHERE case_open) DESC, count(*) DESC LIMIT 1"
        )
        unit_id = cur.fetchone()[0]
        # The liaison officer's workspace: the station with the most cases.
        cur.execute("SELECT station_id FROM proposals_case WHERE station_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        station_id = cur.fetchone()[0]
    county = Region.objects.get(pk=township.parent_id)
    staff = User.objects.get(username=f"scale-staff-{county.prefix}")
    county_cases = Case.objects.in_region(county)
    detail = county_cases.filter(state="closed").order_by("-submitted_at").first() or county_cases.first()
    search = county_cases.order_by("-submitted_at")[5]
    tracked = Case.objects.exclude(phone_last4="").filter(region=township).order_by("-submitted_at").first()
    deputy_user = User.objects.get(deputy__pk=deputy_id)
    unit_user = HandlingUnit.objects.get(pk=unit_id).members.order_by("pk").first()
    return {
        "county": county,
        "staff": staff,
        "detail": detail,
        "search": search,
        "tracked": tracked,
        "deputy_user": deputy_user,
        "unit_user": unit_user,
        "draft": Draft.objects.filter(published=True).order_by("-pk").first(),  # seed_demo's, if any
        "station": _station_and_runner(station_id),
        "counts": {
            "cases": Case.objects.count(),
            "county_cases": county_cases.count(),
            "deputy_cases": Case.objects.filter(responsible_deputy_id=deputy_id).count(),
            "unit_cases": Case.objects.filter(assignments__unit_id=unit_id, assignments__is_active=True).count(),
            "unit_open_cases": Case.objects.filter(
                assignments__unit_id=unit_id, assignments__is_active=True, assignments__case_open=True
            ).count(),
        },
    }


# --- page measurements ---------------------------------------------------------------
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def measure_page(session, url: str, *, requests_n: int, warmup: int = 3, method="GET", data_fn=None) -> dict:
    latencies, queries, statuses, server_ms = [], [], {}, []
    for i in range(warmup + requests_n):
        if method == "POST":
            page = session.get(url, timeout=60)
            token = CSRF_RE.search(page.text)
            data = dict(data_fn())
            if token:
                data["csrfmiddlewaretoken"] = token.group(1)
            started = time.perf_counter()
            resp = session.post(url, data=data, timeout=60, allow_redirects=False)
        else:
            started = time.perf_counter()
            resp = session.get(url, timeout=60, allow_redirects=False)
        elapsed = (time.perf_counter() - started) * 1000
        if i < warmup:
            continue
        statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
        latencies.append(elapsed)
        if "X-Query-Count" in resp.headers:
            queries.append(int(resp.headers["X-Query-Count"]))
            server_ms.append(float(resp.headers["X-Server-Ms"]))
    return {
        "url": url,
        "method": method,
        "n": len(latencies),
        "status": statuses,
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "server_p50_ms": round(percentile(server_ms, 0.5), 1) if server_ms else None,
        "queries_min": min(queries) if queries else None,
        "queries_max": max(queries) if queries else None,
    }


def measure_pages(base: str, targets: dict, requests_n: int) -> dict:
    import requests

    def client(user=None):
        s = requests.Session()
        if user is not None:
            s.cookies.set("sessionid", session_for(user), domain="127.0.0.1")
        return s

    staff = client(targets["staff"])
    county = targets["county"]
    pages = {}
    pages["admin triage list (first page)"] = measure_page(staff, f"{base}/admin/proposals/case/", requests_n=requests_n)
    pages["admin triage list, filtered by county"] = measure_page(
        staff, f"{base}/admin/proposals/case/?queue=open&region={county.code}", requests_n=requests_n
    )
    pages["admin triage list, search by tracking code"] = measure_page(
        staff, f"{base}/admin/proposals/case/?q={targets['search'].tracking_code}", requests_n=requests_n
    )
    pages["admin case page"] = measure_page(staff, f"{base}/admin/proposals/case/{targets['detail'].pk}/change/", requests_n=requests_n)
    pages["deputy: my cases (/deputy/)"] = measure_page(client(targets["deputy_user"]), f"{base}/deputy/", requests_n=requests_n)
    pages["unit workspace (/unit/)"] = measure_page(client(targets["unit_user"]), f"{base}/unit/", requests_n=requests_n)
    pages["deputy: duty score"] = measure_page(client(targets["deputy_user"]), f"{base}/evaluation/me/", requests_n=requests_n)
    pages["staff: duty ranking (/evaluation/staff/)"] = measure_page(staff, f"{base}/evaluation/staff/", requests_n=requests_n)
    tracked = targets["tracked"]
    if tracked is not None:
        pages["/track/ lookup (code + last 4 digits)"] = measure_page(
            client(),
            f"{base}/track/",
            requests_n=requests_n,
            method="POST",
            data_fn=lambda: {"code": tracked.tracking_code_display, "digits": tracked.phone_last4},
        )
    pages["public station directory (/stations/)"] = measure_page(client(), f"{base}/stations/", requests_n=requests_n)
    station, runner = targets["station"]
    if runner is not None:
        officer = client(runner)
        for label, path in (
            ("station workspace: the station's cases (/station/<code>/)", ""),
            ("station workspace: reception days", "receptions/"),
            ("station workspace: activity posts", "posts/"),
        ):
            pages[label] = measure_page(officer, f"{base}/station/{station.code}/{path}", requests_n=requests_n)
    pages["public station page (/stations/<code>/)"] = measure_page(client(), f"{base}/stations/{station.code}/", requests_n=requests_n)
    if targets.get("draft") is not None:
        pages["draft law open for comment (/legislation/<pk>/)"] = measure_page(
            client(), f"{base}/legislation/{targets['draft'].pk}/", requests_n=requests_n
        )
    return pages


# --- kiosk load -------------------------------------------------------------------------
KEY_RE = re.compile(r'name="submission_key" value="([0-9a-f]+)"')
CATEGORY_RE = re.compile(r'name="category" value="(\d+)"')


KIOSK_MARKER = "压测"


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def remove_load_test_cases() -> int:
    """Delete the cases the kiosk load test submitted (their text carries
    ``KIOSK_MARKER``), after they were counted: the 1k database stays at 1k
    cases from one run to the next, and the pages are measured on the data
    the seed made. Events, dispatch rows and messages go with them (cascade)."""
    from proposals.models import Case

    # Load-test POSTs come from no registered kiosk screen: recorded "online".
    doomed = Case.objects.filter(content__contains=KIOSK_MARKER, channel__in=["kiosk", "online"])
    return doomed.delete()[1].get("proposals.Case", 0)


def warm_kiosk(base: str, station_codes: list[str], threads: int = 4) -> None:
    """Load every station's form twice (untimed) before the load test, as
    the pages get warm-up requests: the web processes have imported their
    code and rendered the blank pages a kiosk in service has long had."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def get(code):
        requests.get(f"{base}/kiosk/{code}/", timeout=30)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(get, station_codes * 2))


def kiosk_load(base: str, station_codes: list[str], *, threads: int, seconds: float) -> dict:
    import requests

    marker = f"{KIOSK_MARKER}{uuid.uuid4().hex[:8]}"
    lock = threading.Lock()
    accepted_keys: list[str] = []
    post_ms: list[float] = []
    cycle_ms: list[float] = []
    errors: dict[str, int] = {}
    stop_at = time.monotonic() + seconds

    def worker(n: int):
        rng = random.Random(n)
        s = requests.Session()
        while time.monotonic() < stop_at:
            code = rng.choice(station_codes)
            url = f"{base}/kiosk/{code}/"
            t0 = time.perf_counter()
            try:
                page = s.get(url, timeout=30)
                token, key, cats = CSRF_RE.search(page.text), KEY_RE.search(page.text), CATEGORY_RE.findall(page.text)
                if page.status_code != 200 or not token or not key or not cats:
                    with lock:
                        errors[f"form {page.status_code}"] = errors.get(f"form {page.status_code}", 0) + 1
                    time.sleep(0.05)
                    continue
                data = {
                    "csrfmiddlewaretoken": token.group(1),
                    "submission_key": key.group(1),
                    "category": rng.choice(cats),
                    "content": f"小区门口路灯坏了很久，晚上出行不安全，希望尽快修好。{marker}",
                    "address": "中山路12号",
                    "resident_name": "张三",
                    "phone": f"139{rng.randint(0, 99999999):08d}",
                    "consent": "on",
                }
                t1 = time.perf_counter()
                resp = s.post(url, data=data, timeout=30, allow_redirects=False)
                t2 = time.perf_counter()
            except requests.RequestException as exc:
                with lock:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            ok = resp.status_code == 302 and "/submitted/" in resp.headers.get("Location", "")
            with lock:
                if ok:
                    accepted_keys.append(key.group(1))
                    post_ms.append((t2 - t1) * 1000)
                    cycle_ms.append((t2 - t0) * 1000)
                else:
                    errors[f"post {resp.status_code}"] = errors.get(f"post {resp.status_code}", 0) + 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started

    from proposals.models import Case

    found = 0
    for i in range(0, len(accepted_keys), 1000):
        found += Case.objects.filter(submission_key__in=accepted_keys[i : i + 1000], content__endswith=marker).count()
    return {
        "threads": threads,
        "seconds": round(elapsed, 1),
        "accepted": len(accepted_keys),
        "per_second": round(len(accepted_keys) / elapsed, 1),
        "post_p50_ms": round(percentile(post_ms, 0.5), 1),
        "post_p95_ms": round(percentile(post_ms, 0.95), 1),
        "post_p99_ms": round(percentile(post_ms, 0.99), 1),
        "cycle_p95_ms": round(percentile(cycle_ms, 0.95), 1),
        "found_in_db": found,
        "lost": len(accepted_keys) - found,
        "errors": errors,
    }


# --- reminder sweep ----------------------------------------------------------------------
# A kind no earlier sweep has used for these deadlines ("5 working days
# before"), so the unique (case, kind, deadline) rows of the seeded history
# do not swallow the benchmark's reminders.
BENCH_REMINDER_KIND = "before_5"


def sweep_figures(due: int = 10_000) -> dict:
    from django.db import connection
    from django.utils import timezone

    try:
        from notifications.models import EventDispatch, Reminder, ReminderStatus
        from notifications.services.reminders import RUNNING_STATES
        from notifications.services.sweep import sweep_run
    except ImportError as exc:
        return {"available": False, "reason": str(exc)}
    from proposals.models import Case

    out: dict = {"available": True}
    # Settle: the first sweep of the day scans deadlines and may create reminders.
    started = time.perf_counter()
    first = sweep_run(deliver=False)
    out["first_sweep_s"] = round(time.perf_counter() - started, 3)
    out["first_sweep"] = first.summary()
    # Settle until nothing is due: reminders, and the case events of the kiosk
    # run (no worker runs during the benchmark, so the sweep dispatches them).
    # "Nothing due" must mean nothing due, not 500 events per sweep.
    settle = 0
    while settle < 1000 and (
        Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=timezone.now()).exists()
        or EventDispatch.objects.filter(dispatched_at__isnull=True).exists()
    ):
        sweep_run(deliver=False)
        settle += 1
    out["settle_sweeps"] = settle
    idle = []
    for _ in range(7):
        started = time.perf_counter()
        sweep_run(deliver=False)
        idle.append((time.perf_counter() - started) * 1000)
    out["idle_ms_p50"] = round(percentile(idle, 0.5), 1)
    out["idle_ms_max"] = round(max(idle), 1)

    # 10,000 due: pending reminders for open cases whose deadline runs. The
    # ones an earlier run made (and their messages) go first, so every run
    # measures the same work on the same data.
    Reminder.objects.filter(kind=BENCH_REMINDER_KIND).delete()
    now = timezone.now()
    candidates = list(
        Case.objects.filter(state__in=RUNNING_STATES, deadline__isnull=False)
        .order_by("-id")
        .values_list("id", "deadline", "deadline_kind")[: due * 2]
    )
    rows = [
        Reminder(case_id=cid, kind=BENCH_REMINDER_KIND, deadline=deadline, deadline_kind=kind, due_at=now, created_at=now)
        for cid, deadline, kind in candidates
    ]
    Reminder.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    pending = Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=timezone.now())
    extra = pending.count() - due
    if extra > 0:  # keep exactly `due` pending
        ids = list(pending.order_by("-id").values_list("id", flat=True)[:extra])
        Reminder.objects.filter(id__in=ids).delete()
    with connection.cursor() as cur:
        cur.execute("ANALYZE notifications_reminder")
    out["due_created"] = pending.count()
    sweeps = 0
    started = time.perf_counter()
    while pending.exists() and sweeps < 1000:
        sweep_run(deliver=False)
        sweeps += 1
    out["due_processed_s"] = round(time.perf_counter() - started, 2)
    out["due_sweeps"] = sweeps
    out["due_left"] = pending.count()
    out["due_sent"] = Reminder.objects.filter(status=ReminderStatus.SENT, processed_at__gte=now).count()
    out["due_cancelled"] = Reminder.objects.filter(status=ReminderStatus.CANCELLED, processed_at__gte=now).count()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, default=None, help="threads per process (default: gunicorn.conf.py)")
    parser.add_argument("--kiosk-threads", type=int, default=8)
    parser.add_argument("--kiosk-seconds", type=float, default=20)
    parser.add_argument("--skip-sweep", action="store_true", help="keep the sweep figures of the previous run")
    parser.add_argument("--skip-kiosk", action="store_true", help="keep the kiosk figures of the previous run")
    parser.add_argument("--skip-pages", action="store_true", help="keep the page figures of the previous run")
    parser.add_argument("--kiosk-client", choices=["auto", "wrk", "python"], default="auto", help="load generator (auto: wrk if installed)")
    args = parser.parse_args(argv)
    _setup(args.db)

    from stations.models import Station

    result: dict = {"db": args.db, "load_before": [round(x, 2) for x in os.getloadavg()]}
    targets = pick_targets()
    result["counts"] = targets["counts"]
    result["targets"] = {
        "county": f"{targets['county'].code} {targets['county'].name}",
        "staff": targets["staff"].username,
        "deputy_user": targets["deputy_user"].username,
        "unit_user": targets["unit_user"].username if targets["unit_user"] else None,
    }
    log = Path(args.out).with_suffix(".gunicorn.log")
    server = Server(args.port, args.workers, args.threads, log)
    try:
        server.wait()
        if not args.skip_pages:
            result["pages_load_before"] = [round(x, 2) for x in os.getloadavg()]
            result["pages"] = measure_pages(server.url, targets, args.requests)
            result["pages_load_after"] = [round(x, 2) for x in os.getloadavg()]
            result["pages_measured_at"] = _now()
        if not args.skip_kiosk:
            from .kiosk_wrk import available, kiosk_load_wrk

            codes = list(Station.objects.filter(is_active=True).exclude(kind="online").order_by("?").values_list("code", flat=True)[:200])
            use_wrk = args.kiosk_client == "wrk" or (args.kiosk_client == "auto" and available())
            load = kiosk_load_wrk if use_wrk else kiosk_load
            warm_kiosk(server.url, codes)
            kiosk_started = [round(x, 2) for x in os.getloadavg()]
            result["kiosk"] = load(server.url, codes, threads=args.kiosk_threads, seconds=args.kiosk_seconds)
            result["kiosk"]["removed_afterwards"] = remove_load_test_cases()
            result["kiosk"]["warm_up"] = "each station's form loaded twice before the timed run (as the pages get 3 warm-up requests)"
            result["kiosk"]["load_before"] = kiosk_started
            result["kiosk"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
            result["kiosk"]["server"] = f"gunicorn {server.workers} workers x {server.threads} threads (gthread, gunicorn.conf.py)"
            result["kiosk"]["measured_at"] = _now()
    finally:
        server.stop()
    if not args.skip_sweep:
        result["sweep"] = {**sweep_figures(), "measured_at": _now()}
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    previous = json.loads(Path(args.out).read_text()) if Path(args.out).exists() else {}
    # Each part keeps its own figures and time: `bench/run` measures one part
    # at a time over every size, and the --*-only runs redo one part.
    if "pages" not in result and "pages" in previous:
        for key in ("pages", "pages_load_before", "pages_load_after", "pages_measured_at"):
            if key in previous:
                result[key] = previous[key]
    for part in ("kiosk", "sweep"):
        if part not in result and part in previous:
            result[part] = previous[part]
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

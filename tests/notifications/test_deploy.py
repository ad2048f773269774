"""What can be checked of the Docker deployment without Docker."""

import importlib
import re
from pathlib import Path

import yaml
from celery.schedules import crontab

from congress_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_declares_the_stack_with_healthchecks():
    services = compose()["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    # Web, worker and beat start after the one-off migration succeeded.
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"][:3] == ["python", "manage.py", "migrate"]


def test_compose_commands_reference_real_modules_and_production_settings():
    services = compose()["services"]
    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    assert web[web.index("-c") + 1] == "gunicorn.conf.py"
    module, _sep, attr = web[-1].partition(":")
    assert module == "congress_portal.wsgi" and attr == "application"
    assert importlib.util.find_spec(module) is not None
    for name in ("migrate", "web", "worker", "beat"):
        env = services[name]["environment"]
        settings_module = env["DJANGO_SETTINGS_MODULE"]
        assert settings_module == "congress_portal.settings.production"
        assert importlib.util.find_spec(settings_module) is not None
        # Secrets have no default in the file.
        assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]+\}", env["DJANGO_SECRET_KEY"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "congress_portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "congress_portal", "beat"]
    scheduler = services["beat"]["command"][services["beat"]["command"].index("--scheduler") + 1]
    module, _sep, cls = scheduler.partition(":")
    assert hasattr(importlib.import_module(module), cls)


def test_beat_runs_as_a_single_replica():
    beat = compose()["services"]["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert "scale" not in beat


def test_dockerfile_installs_requirements_and_collects_static():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert "COPY requirements.txt" in text and "pip install -r requirements.txt" in text
    assert "collectstatic --noinput" in text
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_beat_schedule_runs_the_sweep_every_two_minutes_and_the_weekly_jobs():
    schedule = celery_app.conf.beat_schedule
    sweep = schedule["notifications-sweep"]
    assert sweep["task"] == "notifications.tasks.sweep" and sweep["schedule"] == 120.0
    digest = schedule["deputy-weekly-digest"]["schedule"]
    assert isinstance(digest, crontab)
    assert digest.day_of_week == {1} and digest.hour == {8} and digest.minute == {30}
    announce = schedule["reception-announcements"]["schedule"]
    assert announce.hour == {8} and announce.minute == {0}
    assert celery_app.conf.timezone == "Asia/Shanghai"
    from importlib import import_module

    # Every entry names a task that exists (a typo would never run).
    for entry in schedule.values():
        module, _dot, name = entry["task"].rpartition(".")
        assert hasattr(import_module(module), name), entry["task"]
    provisional = schedule["provisional-deadlines"]
    assert provisional["task"] == "proposals.tasks.recompute_provisional_deadlines" and provisional["schedule"].hour == {3}


def test_procfile_runs_the_same_worker_and_beat():
    procfile = (ROOT / "Procfile.dev").read_text()
    assert "celery -A congress_portal worker" in procfile
    assert "celery -A congress_portal beat" in procfile


def test_tasks_have_bounded_retries_and_time_limits():
    import notifications.tasks as tasks

    for name in ("sweep", "dispatch_pending", "dispatch_event", "deliver_outbox", "send_deputy_digests", "send_reception_announcements"):
        task = getattr(tasks, name)
        assert task.max_retries is not None and task.max_retries <= 5, name
        assert task.soft_time_limit and task.time_limit and task.soft_time_limit < task.time_limit, name


def test_gunicorn_config_is_the_one_the_image_and_the_benchmark_use(monkeypatch):
    """One gunicorn.conf.py for docker-compose, the image and bench/measure.py."""
    import runpy

    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 2
    assert conf["workers"] >= 2 and conf["preload_app"] is True
    assert conf["accesslog"] == "-"  # on by default
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == 5 and conf["accesslog"] is None
    assert '"-c", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    assert '"-c", str(ROOT / "gunicorn.conf.py")' in (ROOT / "bench" / "measure.py").read_text()

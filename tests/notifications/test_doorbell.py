"""After commit, one doorbell task for many events (notifications.hooks).

A burst of submissions publishes one ``dispatch_pending`` task, that task
dispatches every event committed before it reads, and the first commit after
it starts publishes the next one. A broker that is down leaves the bell
silent, so the next commit tries again; the sweep remains the safety net.
"""

import pytest
from django.core.cache import cache

from congress_portal.celery import app as celery_app
from notifications import hooks, tasks
from notifications.models import EventDispatch, Notification
from proposals.models import CaseEvent
from tests.factories import make_case

from .conftest import _wait_for
from .test_integration import DB

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    """Publishing recorded instead of sent (no worker: the rows stay pending
    until the test runs the task itself)."""
    calls = []

    def record(task, *args):
        calls.append(task.name)
        return True

    monkeypatch.setattr(tasks, "enqueue", record)
    cache.delete(hooks.DOORBELL_KEY)
    yield calls
    cache.delete(hooks.DOORBELL_KEY)


def _submit(world, n, django_capture_on_commit_callbacks, title="路灯不亮"):
    cases = []
    for i in range(n):
        with django_capture_on_commit_callbacks(execute=True):
            cases.append(make_case(station=world.station, title=f"{title}{i}"))
    return cases


def _pending(cases):
    return EventDispatch.objects.filter(event__case__in=cases, dispatched_at__isnull=True).count()


def test_a_burst_of_submissions_publishes_one_task_that_dispatches_them_all(world, published, django_capture_on_commit_callbacks):
    cases = _submit(world, 5, django_capture_on_commit_callbacks)
    assert published == [tasks.dispatch_pending.name]
    assert _pending(cases) == 5
    # The worker runs the task: every event committed before it read is dispatched.
    assert tasks.dispatch_pending.apply().get() == 5
    assert _pending(cases) == 0
    assert Notification.objects.filter(user=world.staff, title__contains="路灯不亮").count() == 5
    # The bell was silenced when the task started: the next commit publishes again.
    later = _submit(world, 2, django_capture_on_commit_callbacks, title="井盖缺失")
    assert published == [tasks.dispatch_pending.name] * 2
    tasks.dispatch_pending.apply()
    assert _pending(later) == 0
    # Running it again finds nothing and sends nothing twice.
    assert tasks.dispatch_pending.apply().get() == 0
    assert Notification.objects.filter(user=world.staff, title__contains="井盖缺失").count() == 2


def test_a_commit_while_the_task_runs_is_not_left_behind(world, published, django_capture_on_commit_callbacks, monkeypatch):
    """The task silences the bell before it reads: a commit that lands after
    the silencing rings again, whether or not the running task saw it."""
    first = _submit(world, 1, django_capture_on_commit_callbacks)
    silence = hooks.silence_doorbell
    late = []

    def silence_then_commit():
        silence()
        late.extend(_submit(world, 1, django_capture_on_commit_callbacks, title="晚到的"))

    monkeypatch.setattr(hooks, "silence_doorbell", silence_then_commit)
    tasks.dispatch_pending.apply()
    assert _pending(first + late) == 0
    assert published == [tasks.dispatch_pending.name] * 2  # the late commit rang again


def test_broker_down_leaves_the_bell_silent_and_the_sweep_catches_up(world, monkeypatch, django_capture_on_commit_callbacks):
    from notifications.services.sweep import sweep_run

    tries = []

    def broker_down(task, *args):
        tries.append(task.name)
        return False

    monkeypatch.setattr(tasks, "enqueue", broker_down)
    cache.delete(hooks.DOORBELL_KEY)
    cases = _submit(world, 3, django_capture_on_commit_callbacks)
    assert len(tries) == 3  # every commit tried: none was left waiting behind a dead ring
    assert cache.get(hooks.DOORBELL_KEY) is None
    assert _pending(cases) == 3
    sweep_run()
    assert _pending(cases) == 0


def test_cache_down_still_publishes(world, monkeypatch, django_capture_on_commit_callbacks):
    published = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: published.append(task.name) or True)

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(hooks.cache, "add", broken)
    monkeypatch.setattr(hooks.cache, "delete", broken)
    _submit(world, 2, django_capture_on_commit_callbacks)
    assert published == [tasks.dispatch_pending.name] * 2
    tasks.dispatch_pending.apply()  # silencing a dead cache is only logged


@DB
@pytest.mark.redis
@pytest.mark.worker
def test_real_worker_dispatches_a_burst_without_the_sweep(world, celery_worker, monkeypatch):
    queue, tmp = celery_worker
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)  # where the doorbell publishes
    cache.delete(hooks.DOORBELL_KEY)
    cases = [make_case(station=world.station, title=f"楼道漏水{i}") for i in range(6)]
    events = CaseEvent.objects.filter(case__in=cases, action="submit")
    assert events.count() == 6

    def all_delivered():
        return (
            not EventDispatch.objects.filter(event__in=events, dispatched_at__isnull=True).exists()
            and Notification.objects.filter(user=world.staff, title__contains="楼道漏水").count() == 6
        )

    _wait_for(all_delivered, timeout=60, log_path=tmp / "worker.log")

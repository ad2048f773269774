import os
import shutil

import pytest
from django.core.cache import cache


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose service or browser is missing, except in CI, where
    a missing service is a failure (DEVELOPERS.md)."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def _clear_portal_cache() -> None:
    """Delete the portal's cache keys only. With Redis, ``cache.clear()`` would
    FLUSHDB and could take Celery's queues (same Redis) with it."""
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def ensure_reference_data() -> None:
    """Re-create the rows the data migrations create (tiers, the 六有
    checklist, categories, reply classes, the deadline policy, role groups).

    Transactional tests (live_server, threads, a real worker) end with a
    flush that empties every table, data migrations' rows included, so a
    later test would find no categories. Running the migrations' own
    functions keeps one source for that data.
    """
    from importlib import import_module

    from django.apps import apps

    from accounts.permissions import ensure_role_groups

    for module in (
        "deputies.migrations.0003_default_tiers",
        "stations.migrations.0002_default_checklist",
        "proposals.migrations.0002_defaults",
    ):
        import_module(module).create(apps, None)
    ensure_role_groups()


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        ensure_reference_data()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware activates the request's language in the thread and
    nothing resets it: start every test in the default language (zh-hans)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters, cached overrides and a Redis outage noticed by the
    circuit breaker must not leak between tests."""
    from congress_portal.breaker import redis as redis_breaker

    redis_breaker.reset()
    _clear_portal_cache()
    yield
    redis_breaker.reset()
    _clear_portal_cache()


@pytest.fixture
def regions(db):
    from tests.factories import shenyang_tree, taiyuan_tree

    return {"taiyuan": taiyuan_tree(), "shenyang": shenyang_tree()}


CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium():
    """A real headless Chromium (Debian's) driven by Playwright."""
    require(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls the tests make between page actions are synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")) -> list:
    """Run axe-core (shipped by axe-playwright-python) on the page for WCAG 2.2 A/AA."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": list(tags)}})
    return results.response["violations"]

"""The choice lists of the resident forms (categories, a station's deputies)
and the blank form pages built from them, kept briefly in each process's
memory.

A kiosk form is loaded and posted many times a minute with the same lists;
reading them from the database and rendering them through form widgets was
most of the cost of a submission. They change rarely (staff edit categories
or a station's deputies in the admin): a change saved in this process clears
the lists at once (signals, see ``apps.py``); other processes see it within
``INTAKE_CHOICES_CACHE_SECONDS`` (60 s by default; 0 turns the cache off).
The same holds for the station behind a kiosk address (its name, whether it
is active): a station switched off in the admin stops taking submissions in
every process within that time.

Rendered pages are also kept in the shared cache (Redis in production) for
``SHARED_PAGE_SECONDS``, under a version that every saved change replaces,
so a page rendered by one process is not rendered again by the others: a
province has ~12,600 stations, and without it every web process would render
each station's page itself.
"""

import hashlib
import logging
import threading
import time
import uuid

from django.core.cache import cache as shared_cache
from django.utils import timezone

from . import conf

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_store: dict = {}
_MAX_ENTRIES = 20_000  # a province has ~12,600 stations


def _cached(key, load):
    ttl = conf.get("CHOICES_CACHE_SECONDS")
    if ttl <= 0:
        return load()
    now = time.monotonic()
    hit = _store.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    with _lock:
        if len(_store) >= _MAX_ENTRIES:
            _store.clear()
        _store[key] = (now + ttl, value)
    return value


SHARED_VERSION_KEY = "intake:choices:version"
# A change written without model saves (bulk SQL, another program) sends no
# signal: the shared pages show it after this long at most.
SHARED_PAGE_SECONDS = 600


def clear(**_kwargs) -> None:
    """Forget every list (connected to saves and deletes of what they show),
    here and, by a new version, in the shared cache."""
    with _lock:
        _store.clear()
    try:
        shared_cache.set(SHARED_VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - the shared pages expire by themselves
        logger.warning("shared cache unavailable; kiosk pages not invalidated there", exc_info=True)


def categories() -> tuple[tuple[int, str], ...]:
    """(pk, name) of the active categories, in display order."""
    from .selectors import active_categories

    return _cached(("categories",), lambda: tuple(active_categories().values_list("pk", "name")))


def station_deputies(station) -> tuple[tuple[int, str], ...]:
    """(pk, name) of the station's current deputies, by name."""
    from .selectors import station_deputies as query

    today = timezone.localdate()
    return _cached(("deputies", station.pk, today), lambda: tuple(query(station).values_list("pk", "name")))


def _shared_version() -> str:
    version = shared_cache.get(SHARED_VERSION_KEY)
    if version is None:
        shared_cache.add(SHARED_VERSION_KEY, uuid.uuid4().hex, None)
        version = shared_cache.get(SHARED_VERSION_KEY)
    return version or ""


def _shared_page(key, render) -> str:
    try:
        # The day is part of the key: a station's deputies change at midnight
        # when a term or a membership ends.
        digest = hashlib.sha256(repr((_shared_version(), timezone.localdate(), key)).encode()).hexdigest()[:40]
        shared_key = f"intake:page:{digest}"
        html = shared_cache.get(shared_key)
    except Exception:  # noqa: BLE001 - no shared cache: render here
        logger.debug("shared cache unavailable; rendering the kiosk page", exc_info=True)
        return render()
    if html is None:
        html = render()
        try:
            shared_cache.set(shared_key, html, SHARED_PAGE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.debug("shared cache unavailable; kiosk page not kept", exc_info=True)
    return html


def page(key, render):
    """A blank form page's HTML (with holes for the per-request CSRF token
    and submission key: see ``intake.views``), kept like the lists it shows:
    in this process's memory, and behind it in the shared cache."""
    if conf.get("CHOICES_CACHE_SECONDS") <= 0:
        return render()
    return _cached(("page", *key), lambda: _shared_page(key, render))


def station(code: str):
    """The station behind a kiosk address (``selectors.station_by_code``);
    unknown codes are not kept (a scanner's guesses would only fill memory)."""
    from .selectors import station_by_code

    key = ("station", code)
    hit = _store.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    found = station_by_code(code)
    return _cached(key, lambda: found) if found is not None else None

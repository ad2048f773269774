"""A circuit breaker for Redis (cache, rate limits, doorbell, broker publish).

While Redis is unreachable or hung, every use on a request path would wait
for its socket timeout; behind the breaker only the first one does. After a
failure the breaker is *open* for ``reset_after`` seconds: operations fail at
once (``BreakerOpen``) without touching the network, and their callers take
their documented fallback (rate limits fail open, the doorbell is left to the
sweep, blank kiosk pages are rendered here). Then one operation is let
through; its success closes the breaker.

Logging: one warning per outage per process when it starts, one summary when
it ends (how long, how many operations failed or were skipped), instead of a
traceback per operation. Callbacks registered with ``on_recover`` run when
the breaker closes (the notifications app rings its doorbell, so the backlog
of events committed during the outage is dispatched at once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

#: What "the service did not answer" looks like; any other error (a missing
#: key for INCR, a task failing in eager mode) is an answer, not an outage.
CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, KombuOperationalError, OSError)

logger = logging.getLogger("congress_portal.breaker")


class BreakerOpen(Exception):
    """The service is known to be down: the operation was not attempted."""


class CircuitBreaker:
    def __init__(self, name: str, *, reset_after: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self.reset_after = reset_after
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._outage_started: float | None = None
        self._failed = 0
        self._skipped = 0
        self._recover_callbacks: list[Callable[[], None]] = []

    @property
    def is_open(self) -> bool:
        return self._clock() < self._open_until

    def allow(self) -> bool:
        if self._outage_started is None:  # the common case: no lock
            return True
        with self._lock:
            if self._clock() < self._open_until:
                self._skipped += 1
                return False
            return True

    def check(self) -> None:
        if not self.allow():
            raise BreakerOpen(self.name)

    def failure(self, exc: BaseException | None = None) -> None:
        with self._lock:
            first = self._outage_started is None
            if first:
                self._outage_started = self._clock()
            self._failed += 1
            self._open_until = self._clock() + self.reset_after
        if first:
            logger.warning(
                "%s unreachable (%s: %s); failing fast, trying again every %.0f s",
                self.name,
                type(exc).__name__ if exc else "error",
                exc,
                self.reset_after,
            )

    def success(self) -> None:
        if self._outage_started is None:
            return
        with self._lock:
            if self._outage_started is None:
                return
            duration = self._clock() - self._outage_started
            failed, skipped = self._failed, self._skipped
            self._outage_started, self._open_until, self._failed, self._skipped = None, 0.0, 0, 0
            callbacks = list(self._recover_callbacks)
        logger.warning("%s is back after %.1f s (%d operations failed, %d skipped meanwhile)", self.name, duration, failed, skipped)
        for callback in callbacks:
            try:
                callback()
            except Exception:  # noqa: BLE001 - a callback must not break the request that closed the breaker
                logger.warning("%s recovery callback %r failed", self.name, callback, exc_info=True)

    def on_recover(self, callback: Callable[[], None]) -> None:
        if callback not in self._recover_callbacks:
            self._recover_callbacks.append(callback)

    def call(self, fn: Callable, *args, **kwargs):
        """Run ``fn`` through the breaker: ``BreakerOpen`` at once while open,
        and the failure recorded (then re-raised) when it raises."""
        self.check()
        try:
            result = fn(*args, **kwargs)
        except CONNECTION_ERRORS as exc:
            self.failure(exc)
            raise
        self.success()
        return result

    def reset(self) -> None:
        """Forget any outage (tests)."""
        with self._lock:
            self._outage_started, self._open_until, self._failed, self._skipped = None, 0.0, 0, 0


#: The one Redis of the portal: cache, rate limits and the Celery broker.
redis = CircuitBreaker("Redis")

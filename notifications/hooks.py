"""Called by the workflow core after a case event is committed
(``proposals.services.workflow.announce``).

The event already has its ``EventDispatch`` row (written in the event's own
transaction), so all a commit needs to do is wake a worker: it rings a
doorbell. The first ring publishes one ``dispatch_pending`` task; rings while
that task is still waiting to start only find the bell already rung (one
``SET NX`` on the cache, no broker message), and the task, once it starts,
silences the bell before it reads the pending rows. So an event committed
before the task reads is seen by it, and one committed after rings again. At
a few hundred submissions a second this is a handful of broker messages a
second instead of one per submission, and nothing waits for the sweep.

Publishing never fails the caller: the submission or transition is already
saved, and if Redis is down the pending ``EventDispatch`` rows are found by
the next sweep.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

DOORBELL_KEY = "notifications:doorbell"
# How long a ring stays heard if its task never starts (a lost message, a
# worker down): after this the next commit publishes again.
DOORBELL_SECONDS = 10


def ring_doorbell() -> bool:
    """Make sure a ``dispatch_pending`` task is on its way. True if this call
    published it (False: one was already on its way, or the broker is down)."""
    try:
        first = cache.add(DOORBELL_KEY, 1, timeout=DOORBELL_SECONDS)
    except Exception:  # noqa: BLE001 - the cache is down: publish anyway (the breaker has logged it)
        logger.debug("doorbell cache unavailable; publishing directly", exc_info=True)
        first = True
    if not first:
        return False
    from .tasks import dispatch_pending, enqueue

    if enqueue(dispatch_pending):
        return True
    silence_doorbell()  # not published: let the next commit try again
    return False


def silence_doorbell() -> None:
    """Called by ``dispatch_pending`` before it reads the pending rows."""
    try:
        cache.delete(DOORBELL_KEY)
    except Exception:  # noqa: BLE001 - the key expires by itself
        logger.debug("doorbell cache unavailable", exc_info=True)


def case_event_committed(event_id: int) -> None:
    try:
        ring_doorbell()
    except Exception:  # never break the request that committed the event
        logger.exception("notification hook failed for event %s", event_id)

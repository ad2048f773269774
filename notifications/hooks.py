"""Called by the workflow core after a case event is committed
(``proposals.services.workflow.announce``).

Only the id crosses. Publishing never fails the caller: the submission or
transition is already saved, and if Redis is down the event's
``EventDispatch`` row (written in the event's transaction) is found by the
next sweep.
"""

import logging

logger = logging.getLogger(__name__)


def case_event_committed(event_id: int) -> None:
    try:
        from .tasks import dispatch_event, enqueue

        enqueue(dispatch_event, event_id)
    except Exception:  # never break the request that committed the event
        logger.exception("notification hook failed for event %s", event_id)

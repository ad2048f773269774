"""Called by the workflow core after a case event is committed.

The notifications app turns case events into messages. Until it does, this
records nothing: the events themselves stay in proposals.CaseEvent.
"""


def case_event_committed(event_id: int) -> None:
    return None

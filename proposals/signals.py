"""Signals the case core sends to the apps above it.

The case core never imports the apps that serve a role (notifications,
statistics, programmes): it declares what happened here, and each of them
connects in its own ``AppConfig.ready()`` (style.md "Layers and new apps").
"""

from django.dispatch import Signal

# Sent after the transaction that wrote a ``CaseEvent`` has committed, once per
# event, with ``event_id`` (an int; never the instance). Receivers must not
# raise: the change is already saved (``send_robust`` logs what they raise).
case_event_committed = Signal()

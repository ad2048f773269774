from django.dispatch import Signal

from . import workdays

# Sent after the working-day calendar changed (an override saved or deleted),
# so apps that computed dates on it (the case core's provisional deadlines)
# can compute them again. No arguments.
calendar_changed = Signal()


def clear_workday_cache(sender, **kwargs):
    workdays.clear_cache()
    calendar_changed.send(sender=sender)

"""Test doubles of external services (mail server), never of our own code."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowLocmemEmailBackend(EmailBackend):
    """A mail server that takes a moment per message, so concurrent sweeps overlap."""

    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)

"""Local development (``make run``): base settings with DEBUG on."""

from .base import *  # noqa: F401,F403

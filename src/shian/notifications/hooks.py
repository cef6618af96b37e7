"""Kept for callers in the notifications app and apps above it: the hook itself is `shian.core.notify`."""

from shian.core.notify import notify_event  # noqa: F401

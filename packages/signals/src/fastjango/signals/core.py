"""Signals of the request cycle and of settings (Django's ``django.core.signals`` and ``setting_changed``)."""

from __future__ import annotations

from fastjango.signals.dispatcher import Signal

__all__ = ["got_request_exception", "request_finished", "request_started", "setting_changed"]

#: sender=RequestSignalsMiddleware; scope. Before any other middleware sees the request.
request_started = Signal("request_started")
#: sender=RequestSignalsMiddleware; scope. After the response was sent (or the request failed).
request_finished = Signal("request_finished")
#: sender=None; request, exception. An exception no handler turned into a response.
got_request_exception = Signal("got_request_exception")
#: sender=the Settings class; settings, setting, value, enter. A test overrode a setting or restored it.
setting_changed = Signal("setting_changed", concurrent=False)

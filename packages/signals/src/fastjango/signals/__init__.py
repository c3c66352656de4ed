"""Django-style signals for fastjango: ``Signal``, ``@receiver`` and the built-in signals.

.. code-block:: python

    from fastjango.signals import post_save, receiver

    @receiver(post_save, sender=Post, on_commit=True)
    async def notify_followers(sender, instance, created, **kwargs):
        ...

The built-in signals are sent by the ``signals`` plugin (``INSTALLED_PLUGINS``);
see docs/signals.md.
"""

from __future__ import annotations

from fastjango.signals.__about__ import __version__
from fastjango.signals.core import got_request_exception, request_finished, request_started, setting_changed
from fastjango.signals.dispatcher import Receiver, Signal, receiver
from fastjango.signals.middleware import RequestSignalsMiddleware
from fastjango.signals.models import (
    class_prepared,
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_migrate,
    pre_save,
)

__all__ = [
    "Receiver",
    "RequestSignalsMiddleware",
    "Signal",
    "__version__",
    "class_prepared",
    "got_request_exception",
    "m2m_changed",
    "post_delete",
    "post_migrate",
    "post_save",
    "pre_delete",
    "pre_migrate",
    "pre_save",
    "receiver",
    "request_finished",
    "request_started",
    "setting_changed",
]

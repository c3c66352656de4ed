"""The model signals (Django's ``django.db.models.signals``), sent by the plugin from the ORM's hooks.

They are sent only when the ``signals`` plugin is active. Bulk writes
(``bulk_create``, ``bulk_update``, ``QuerySet.update``) send no per-row signal,
as in Django; ``QuerySet.delete`` sends one per object. ``concurrent=False``:
the receivers of one save share its database connection, so they run one at a time.
"""

from __future__ import annotations

from fastjango.signals.dispatcher import Signal

__all__ = [
    "class_prepared",
    "m2m_changed",
    "post_delete",
    "post_migrate",
    "post_save",
    "pre_delete",
    "pre_migrate",
    "pre_save",
]

#: sender=model; a model class was created (``class_prepared.send(sender=model)``), once per class.
class_prepared = Signal("class_prepared", concurrent=False)
#: sender=model; instance, created, raw, using, update_fields. Changes made to ``instance`` are saved.
pre_save = Signal("pre_save", concurrent=False)
#: sender=model; instance, created, raw, using, update_fields.
post_save = Signal("post_save", concurrent=False)
#: sender=model; instance, using. Also for each object a cascade deletes.
pre_delete = Signal("pre_delete", concurrent=False)
#: sender=model; instance, using. ``instance.pk`` is still set.
post_delete = Signal("post_delete", concurrent=False)
#: sender=the through model; instance, action, reverse, model, pk_set, using.
m2m_changed = Signal("m2m_changed", concurrent=False)
#: sender=an AppConfig, once per installed app; app_config, project, using.
pre_migrate = Signal("pre_migrate", concurrent=False)
#: sender=an AppConfig, once per installed app; app_config, project, using, plan.
post_migrate = Signal("post_migrate", concurrent=False)

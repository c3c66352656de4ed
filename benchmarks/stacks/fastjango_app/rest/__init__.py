"""The ``fastjango-rest`` stack: the items served by a fastjango-rest viewset, as its docs teach.

Same project, models and default middleware as the ``fastjango`` stack; only the
URL conf differs: ``/items/`` and ``/items/<pk>/`` come from a ``ModelViewSet``
registered on a ``SimpleRouter``, with a ``ModelSerializer`` and a limit/offset
paginator that answers with the bare page (as the Django + DRF stack does).
"""

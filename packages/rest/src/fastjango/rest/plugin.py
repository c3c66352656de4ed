"""The ``rest`` plugin: the entry point fastjango-rest registers in ``fastjango.plugins``.

It implements no hook yet: serializers are plain classes that need no
wiring. Views, viewsets, routers, pagination, permissions, throttling and the
OpenAPI integration will implement core's hooks here when they arrive.
"""

"""The ASGI entry point, as a project's ``asgi.py`` exposes it."""

from fastjango.core import get_asgi_application

application = get_asgi_application()

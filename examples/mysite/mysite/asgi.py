"""ASGI entry point of the mysite project.

``application`` is what ASGI servers serve: ``python manage.py serve`` in
production, or any server directly, e.g. ``uvicorn mysite.asgi:application``.
"""

import os

from fastjango.core import get_asgi_application

os.environ.setdefault("FASTJANGO_SETTINGS_MODULE", "mysite.settings")

application = get_asgi_application()

"""The default-middleware project with fastjango-rest installed and the viewset's URL conf.

``REST_FRAMEWORK`` mirrors the Django + DRF stack: no authentication classes
(no scenario authenticates), anyone allowed, no throttling.
"""

from stacks.fastjango_app.settings import *  # noqa: F403

ROOT_URLCONF = "stacks.fastjango_app.rest.urls"
INSTALLED_PLUGINS = ["orm", "rest"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["fastjango.rest.permissions.AllowAny"],
}

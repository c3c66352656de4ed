"""Project settings, as a fastjango user writes them: production values, default middleware."""

DEBUG = False
SECRET_KEY = "benchmark-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "stacks.fastjango_app.urls"

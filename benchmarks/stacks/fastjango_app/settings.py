"""Project settings, as a fastjango user writes them: production values, default middleware."""

import os

DEBUG = False
SECRET_KEY = "benchmark-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "stacks.fastjango_app.urls"

INSTALLED_PLUGINS = ["orm"]
INSTALLED_APPS = ["stacks.fastjango_app.items"]

# The suite's PostgreSQL database; a fixed pool of 10 connections, like every other stack.
DATABASES = {
    "default": {
        "ENGINE": "postgresql",
        "NAME": os.environ.get("BENCH_PGDATABASE", "fastjango_bench"),
        "USER": os.environ.get("BENCH_PGUSER", "postgres"),
        "PASSWORD": os.environ.get("BENCH_PGPASSWORD", ""),
        "HOST": os.environ.get("BENCH_PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("BENCH_PGPORT", "5432"),
        # The ORM-only comparison sets BENCH_POOL_SIZE to its number of concurrent callers.
        "POOL": {"SIZE": int(os.environ.get("BENCH_POOL_SIZE", "10")), "MAX_OVERFLOW": 0},
    }
}

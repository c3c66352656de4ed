"""The mysite project: settings, URL conf and ASGI entry point."""

"""Admin registrations of the blog app.

The admin plugin (``pip install "fastjango[admin]"``, then add "admin" to
INSTALLED_PLUGINS) builds a back office from the models registered with it.
Register this app's models here once it is installed.
"""

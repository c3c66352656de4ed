"""Commands of the blog app.

Each module here that defines ``command`` (a ``click.Command``) becomes
``python manage.py <module name>``; modules starting with ``_`` are skipped.
"""

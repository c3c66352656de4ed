"""Stack 3: Django + Django REST Framework, served by gunicorn (gthread) as in production.

gunicorn runs with ``--chdir`` here, so the project imports as ``benchsite`` and
the app as ``items``, the layout ``django-admin startproject`` gives.
"""

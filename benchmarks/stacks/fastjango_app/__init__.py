"""Stack 4: fastjango, written the way its docs teach: settings, a URL conf, a view.

Two settings modules serve the same URL conf: ``settings`` (the default
middleware stack) and ``settings_bare`` (``MIDDLEWARE = []``). The database
scenarios arrive with fastjango-orm: add their views to ``urls.py`` and the
harness measures them (until then their cells read "n/a").
"""

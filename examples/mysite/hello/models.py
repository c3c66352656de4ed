"""Models of the hello app.

fastjango-core has no ORM of its own: models come from the ORM plugin
(``pip install "fastjango[orm]"``, then add "orm" to INSTALLED_PLUGINS). As in
Django, this module is imported when the app loads, so models declared here
register themselves; see the ORM plugin's documentation for how to write them.
"""

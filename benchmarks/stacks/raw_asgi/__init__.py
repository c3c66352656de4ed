"""Stack 1: a raw ASGI callable (see ``app.py``)."""

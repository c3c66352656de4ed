"""Management of the hello app: its manage.py commands live in ``commands``."""

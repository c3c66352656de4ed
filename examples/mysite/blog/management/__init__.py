"""Management of the blog app: its manage.py commands live in ``commands``."""

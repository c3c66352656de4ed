"""Database migrations of the blog app; the ORM plugin writes them here."""

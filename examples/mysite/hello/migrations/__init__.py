"""Database migrations of the hello app; the ORM plugin writes them here."""

"""Stack 5: Litestar with its SQLAlchemy plugin and DTOs, as Litestar's docs teach."""

"""Stack 2: FastAPI with the SQLAlchemy 2 async ORM, written the way FastAPI's docs teach."""

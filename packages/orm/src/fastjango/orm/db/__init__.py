"""Databases: settings to engines, where statements run, routers."""

from fastjango.orm.db.connections import Database, Databases, get_databases

__all__ = ["Database", "Databases", "get_databases"]

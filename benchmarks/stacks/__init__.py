"""One small app per stack, each serving the same scenarios on the same URLs.

Every stack reads the database from the ``BENCH_PG*`` environment variables the
harness sets (see ``harness/db.py``), so all of them hit the same tables.
"""

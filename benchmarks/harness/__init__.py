"""The benchmark harness: database, servers, load generator, measurements and the report.

``run.py`` is the entry point; each module here does one step of a run.
"""

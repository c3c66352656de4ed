"""The ORM's additions to the test kit: test databases, per-test isolation, query counting.

Fixtures (from the ``fastjango_orm`` pytest plugin): ``db`` (each test runs in
a transaction rolled back at its end, sync or async), ``transactional_db``
(real commits; tables emptied after) and ``assert_num_queries``. ``backends``
lists the databases a plugin's tests run on, for ``pytest_generate_tests``.
"""

from fastjango.orm.testing.backends import TEST_BACKENDS, require_backend, selected_backends
from fastjango.orm.testing.databases import flush_tables, setup_test_databases
from fastjango.orm.testing.queries import CapturedQueries, assert_num_queries, capture_queries

__all__ = [
    "TEST_BACKENDS",
    "CapturedQueries",
    "assert_num_queries",
    "capture_queries",
    "flush_tables",
    "require_backend",
    "selected_backends",
    "setup_test_databases",
]

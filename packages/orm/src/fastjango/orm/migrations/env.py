"""Alembic's environment script for fastjango's migrations: the settings come from the caller.

Alembic's commands run this file. fastjango's migration runner puts what it
needs (connection or dialect, callbacks) in ``config.attributes``; see
:func:`fastjango.orm.migrations.runner.configure_environment`.
"""

from alembic import context

from fastjango.orm.migrations.runner import configure_environment

# alembic.context is a module that proxies the running EnvironmentContext.
configure_environment(context)  # type: ignore[arg-type]

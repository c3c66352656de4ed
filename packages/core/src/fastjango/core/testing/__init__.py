"""fastjango's test kit: helpers here, fixtures in the pytest plugin (``pytest_plugin``).

The plugin is registered with pytest through the ``pytest11`` entry point, so
installing fastjango-core makes the fixtures ``settings``, ``app``,
``client`` and ``async_client`` available to every test suite. Point them at
your project with ``fastjango_settings = "mysite.settings"`` in the pytest
configuration (or ``FASTJANGO_SETTINGS_MODULE``), or override the
``fastjango_project`` fixture.
"""

from __future__ import annotations

from fastjango.core.testing._overrides import SettingsOverride, override_settings
from fastjango.core.testing._services import ServiceAddress, require_service

__all__ = ["ServiceAddress", "SettingsOverride", "override_settings", "require_service"]

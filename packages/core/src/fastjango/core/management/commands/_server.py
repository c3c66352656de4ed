"""What runserver and serve share: which ASGI app to start and how to name the address."""

from __future__ import annotations

import os

import click

from fastjango.core.project import Project

DEFAULT_FACTORY = "fastjango.core.application:get_asgi_application"


def app_target(project: Project) -> tuple[str, bool]:
    """The import string uvicorn starts, and whether it is a factory."""
    configured = project.settings.ASGI_APPLICATION
    if configured:
        if ":" not in configured:
            raise click.BadParameter(
                f"ASGI_APPLICATION = {configured!r} must be 'module:attribute', e.g. 'mysite.asgi:application'."
            )
        return configured, False
    return DEFAULT_FACTORY, True


def parse_addrport(value: str, default_host: str, default_port: int) -> tuple[str, int]:
    """Django's ``[host:]port`` argument: ``8001``, ``0.0.0.0:8000``, ``[::1]:8000``."""
    host, port_text = default_host, value
    if ":" in value:
        host, _, port_text = value.rpartition(":")
        host = host.strip("[]") or default_host
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise click.BadParameter(
            f"{value!r} is not a port number or host:port (e.g. 8000 or 0.0.0.0:8000).", param_hint="ADDRPORT"
        )
    return host, int(port_text)


def project_dir() -> str:
    return os.getcwd()

"""Plugins: activation by INSTALLED_PLUGINS, what each hook contributes, and the errors users meet."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from fastjango.core import ImproperlyConfigured, PluginNotFound, Project
from fastjango.core.middleware import resolve_middleware_order
from fastjango.core.testing import override_settings

MakeProject = Callable[..., Project]

AUDIT_PLUGIN = """
from __future__ import annotations

import click
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from fastjango.core import MiddlewareSpec, hookimpl, include, path
from fastjango.core.conf import settings

EVENTS: list[str] = []


class AuditSettings(BaseModel):
    AUDIT_LABEL: str = "audited"


class AuditError(Exception):
    pass


class AuditHeaderMiddleware:
    def __init__(self, app, label="audited"):
        self.app = app
        self.label = label.encode()

    async def __call__(self, scope, receive, send):
        async def send_with_label(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-audit", self.label)]
            await send(message)

        await self.app(scope, receive, send_with_label)


async def status():
    return {"label": settings.AUDIT_LABEL}


async def explode():
    raise AuditError("boom")


async def on_audit_error(request, exc):
    return JSONResponse({"audit_error": str(exc)}, status_code=409)


@hookimpl
def fastjango_settings_schema():
    return AuditSettings


@hookimpl
def fastjango_urlpatterns(settings):
    patterns = [path("status/", status, name="status"), path("explode/", explode)]
    return [path("audit/", include(patterns, namespace="audit"))]


@hookimpl
def fastjango_middleware(settings):
    return [MiddlewareSpec(AuditHeaderMiddleware, kwargs={"label": settings.AUDIT_LABEL},
                           after="fastjango.core.middleware.SecurityMiddleware")]


@hookimpl
def fastjango_exception_handlers(settings):
    return {AuditError: on_audit_error}


@click.command(name="audit-report")
def audit_report():
    click.echo("audit report: " + settings.AUDIT_LABEL)


@hookimpl
def fastjango_commands():
    return [audit_report]


@hookimpl
def fastjango_app_created(app):
    EVENTS.append("created")


@hookimpl
async def fastjango_startup(project):
    EVENTS.append("startup audit")


@hookimpl
def fastjango_shutdown():
    EVENTS.append("shutdown audit")


@hookimpl
def fastjango_setting_changed(name, value, enter):
    EVENTS.append(f"changed {name}={value} enter={enter}")
"""

SECOND_PLUGIN = """
from fastjango.core import hookimpl

from {pkg}.audit import EVENTS

fastjango_requires = ("{pkg}.audit",)


@hookimpl
async def fastjango_startup():
    EVENTS.append("startup second")


@hookimpl
async def fastjango_shutdown():
    EVENTS.append("shutdown second")
"""


@pytest.fixture
def audit(package: Callable[..., str]) -> str:
    return package(audit=AUDIT_PLUGIN)


def _write_second(package: Callable[..., str], name: str) -> None:
    package(second=SECOND_PLUGIN.format(pkg=name))


def test_a_plugin_contributes_setting_route_middleware_handler_and_command(
    audit: str, make_project: MakeProject
) -> None:
    project = make_project(INSTALLED_PLUGINS=[f"{audit}.audit"], ALLOWED_HOSTS=["testserver"])
    assert project.settings.AUDIT_LABEL == "audited"
    assert project.settings.declared_by("AUDIT_LABEL") == f"{audit}.audit"
    with TestClient(project.app) as client:
        response = client.get("/audit/status/")
        assert response.json() == {"label": "audited"}
        assert response.headers["x-audit"] == "audited"
        assert response.headers["x-frame-options"] == "DENY"  # core's middleware still runs
        failed = client.get("/audit/explode/")
        assert (failed.status_code, failed.json()) == (409, {"audit_error": "boom"})
    with project.activated():
        from fastjango.core import reverse

        assert reverse("audit:status") == "/audit/status/"
    with project.activated():
        result = CliRunner().invoke(project.commands()["audit-report"], [])
    assert result.output == "audit report: audited\n"


def test_removing_the_plugin_removes_everything_it_added(audit: str, make_project: MakeProject) -> None:
    project = make_project(INSTALLED_PLUGINS=[], ALLOWED_HOSTS=["testserver"])
    assert "AUDIT_LABEL" not in project.settings
    assert "audit-report" not in project.commands()
    with TestClient(project.app) as client:
        response = client.get("/audit/status/")
        assert response.status_code == 404
        assert "x-audit" not in response.headers


def test_plugin_settings_are_validated_and_overridable(audit: str, make_project: MakeProject) -> None:
    project = make_project(INSTALLED_PLUGINS=[f"{audit}.audit"], environ={"FASTJANGO_AUDIT_LABEL": "from-env"})
    assert project.settings.AUDIT_LABEL == "from-env"
    with pytest.raises(ImproperlyConfigured, match=r"AUDIT_LABEL = \[1\] \(from configure\(\)\)"):
        make_project(INSTALLED_PLUGINS=[f"{audit}.audit"], AUDIT_LABEL=[1])


def test_plugin_middleware_is_placed_after_its_anchor(audit: str, make_project: MakeProject) -> None:
    project = make_project(INSTALLED_PLUGINS=[f"{audit}.audit"])
    stack = [entry.name for entry in resolve_middleware_order(project.settings.MIDDLEWARE, _specs(project))]
    security = stack.index("fastjango.core.middleware.SecurityMiddleware")
    assert stack[security + 1] == f"{audit}.audit.AuditHeaderMiddleware"
    assert stack[-1] == "fastjango.core.middleware.CORSMiddleware"


def test_project_listing_a_plugin_middleware_decides_its_position(audit: str, make_project: MakeProject) -> None:
    middleware = [f"{audit}.audit.AuditHeaderMiddleware", "fastjango.core.middleware.SecurityMiddleware"]
    project = make_project(INSTALLED_PLUGINS=[f"{audit}.audit"], MIDDLEWARE=middleware, AUDIT_LABEL="x")
    order = resolve_middleware_order(project.settings.MIDDLEWARE, _specs(project))
    assert [entry.name for entry in order] == middleware
    assert order[0].spec is not None and dict(order[0].spec.kwargs) == {"label": "x"}


def _specs(project: Project) -> list[object]:
    return [spec for found in project.pm.hook.fastjango_middleware(settings=project.settings) for spec in found]


def test_startup_in_plugin_order_and_shutdown_in_reverse(
    audit: str, package: Callable[..., str], make_project: MakeProject
) -> None:
    _write_second(package, audit)
    events = __import__(f"{audit}.audit", fromlist=["EVENTS"]).EVENTS
    events.clear()
    project = make_project(INSTALLED_PLUGINS=[f"{audit}.audit", f"{audit}.second"], ALLOWED_HOSTS=["testserver"])
    with TestClient(project.app):
        assert events == ["created", "startup audit", "startup second"]
    assert events[-2:] == ["shutdown second", "shutdown audit"]


def test_required_plugin_missing_names_what_to_add(
    audit: str, package: Callable[..., str], make_project: MakeProject
) -> None:
    _write_second(package, audit)
    with pytest.raises(PluginNotFound, match=rf"requires the '{audit}.audit' plugin"):
        make_project(INSTALLED_PLUGINS=[f"{audit}.second"])


def test_first_party_plugin_not_installed_gives_the_pip_line(make_project: MakeProject) -> None:
    with pytest.raises(PluginNotFound) as caught:
        make_project(INSTALLED_PLUGINS=["admin"])
    assert 'pip install "fastjango[admin]"' in str(caught.value)
    assert "'admin' listed in INSTALLED_PLUGINS is not installed" in str(caught.value)


def test_unknown_third_party_plugin_names_the_entry_point_group(make_project: MakeProject) -> None:
    with pytest.raises(PluginNotFound, match="entry point 'acme_audit' in the group 'fastjango.plugins'"):
        make_project(INSTALLED_PLUGINS=["acme_audit"])


def test_installed_plugins_must_be_a_list_without_duplicates(audit: str, make_project: MakeProject) -> None:
    with pytest.raises(ImproperlyConfigured, match="must be a list of plugin names"):
        make_project(INSTALLED_PLUGINS="orm")
    with pytest.raises(ImproperlyConfigured, match="lists .* twice"):
        make_project(INSTALLED_PLUGINS=[f"{audit}.audit", f"{audit}.audit"])


def test_misspelled_hook_fails_loudly(package: Callable[..., str], make_project: MakeProject) -> None:
    name = package(
        typo="from fastjango.core import hookimpl\n\n@hookimpl\ndef fastjango_urlpattern(settings):\n    return []\n"
    )
    with pytest.raises(ImproperlyConfigured, match="fastjango_urlpattern"):
        make_project(INSTALLED_PLUGINS=[f"{name}.typo"])


def test_two_projects_with_different_plugins_share_a_process(audit: str, make_project: MakeProject) -> None:
    with_audit = make_project(INSTALLED_PLUGINS=[f"{audit}.audit"], ALLOWED_HOSTS=["testserver"])
    without = make_project(ALLOWED_HOSTS=["testserver"])
    with TestClient(with_audit.app) as one, TestClient(without.app) as two:
        assert one.get("/audit/status/").status_code == 200
        assert two.get("/audit/status/").status_code == 404


def test_installed_entry_point_is_found_by_name_with_its_version(
    audit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_project: MakeProject
) -> None:
    """A real distribution's metadata on sys.path, as pip leaves it, advertises the plugin."""
    site = tmp_path / "site"
    dist_info = site / "acme_audit-2.3.4.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-audit\nVersion: 2.3.4\n")
    (dist_info / "entry_points.txt").write_text(f"[fastjango.plugins]\nacme = {audit}.audit\n")
    monkeypatch.syspath_prepend(str(site))
    project = make_project(INSTALLED_PLUGINS=["acme"])
    info = next(plugin for plugin in project.plugins if plugin.name == "acme")
    assert (info.distribution, info.version) == ("acme-audit", "2.3.4")
    assert "fastjango_urlpatterns" in info.hooks
    assert project.settings.AUDIT_LABEL == "audited"


def test_a_plugin_can_add_hook_specifications_for_others(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    name = package(
        specs=textwrap.dedent(
            """
            import pluggy
            hookspec = pluggy.HookspecMarker("fastjango")

            @hookspec
            def fastjango_audit_event(event):
                '''An audited event happened.'''
            """
        ),
        provider=textwrap.dedent(
            """
            from fastjango.core import hookimpl

            @hookimpl
            def fastjango_addhooks(pluginmanager):
                from . import specs
                pluginmanager.add_hookspecs(specs)
            """
        ),
        listener=textwrap.dedent(
            """
            from fastjango.core import hookimpl
            SEEN = []

            @hookimpl
            def fastjango_audit_event(event):
                SEEN.append(event)
                return event.upper()
            """
        ),
    )
    project = make_project(INSTALLED_PLUGINS=[f"{name}.provider", f"{name}.listener"])
    assert project.pm.hook.fastjango_audit_event(event="login") == ["LOGIN"]


def test_setting_changes_in_tests_reach_plugins(audit: str, make_project: MakeProject) -> None:
    from fastjango.core.project import set_default_project

    events = __import__(f"{audit}.audit", fromlist=["EVENTS"]).EVENTS
    events.clear()
    project = make_project(INSTALLED_PLUGINS=[f"{audit}.audit"])
    set_default_project(project)
    with override_settings(AUDIT_LABEL="temporary"):
        assert project.settings.AUDIT_LABEL == "temporary"
    assert project.settings.AUDIT_LABEL == "audited"
    assert events == ["changed AUDIT_LABEL=temporary enter=True", "changed AUDIT_LABEL=audited enter=False"]


def test_tracing_logs_hook_calls(
    audit: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], make_project: MakeProject
) -> None:
    monkeypatch.setenv("FASTJANGO_TRACE_PLUGINS", "1")
    make_project(INSTALLED_PLUGINS=[f"{audit}.audit"]).build_app()
    err = capsys.readouterr().err
    assert "[fastjango.plugins] call fastjango_validate_settings(settings)" in err
    assert f"call fastjango_urlpatterns(settings) -> {audit}.audit" in err

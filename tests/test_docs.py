"""The docs stay true to the code: every hook, setting and command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

from fastjango.core import hookspecs
from fastjango.core.conf.global_settings import CoreSettings
from fastjango.core.default_plugins.commands import fastjango_commands

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def hook_names() -> list[str]:
    return sorted(
        name for name in dir(hookspecs) if name.startswith("fastjango_") and callable(getattr(hookspecs, name))
    )


def test_every_hook_has_a_section_and_an_example_in_the_reference() -> None:
    text = (DOCS / "hooks.md").read_text()
    sections = dict(re.findall(r"^### (fastjango_\w+)\n(.*?)(?=^#{2,3} |\Z)", text, flags=re.M | re.S))
    assert hook_names(), "no hooks found"
    for name in hook_names():
        assert name in sections, f"docs/hooks.md has no section for {name}"
        assert "```python" in sections[name], f"the section on {name} has no example"
    assert set(sections) == set(hook_names()), "docs/hooks.md documents hooks that do not exist"


def test_every_hook_has_a_docstring() -> None:
    for name in hook_names():
        assert (getattr(hookspecs, name).__doc__ or "").strip(), f"{name} has no docstring"


def test_every_core_setting_is_in_the_settings_reference() -> None:
    text = (DOCS / "settings.md").read_text()
    for name in CoreSettings.model_fields:
        assert f"| `{name}` |" in text, f"docs/settings.md does not document {name}"


def test_every_core_command_is_in_the_commands_page() -> None:
    text = (DOCS / "commands.md").read_text()
    commands: list[click.Command] = list(fastjango_commands())
    names = [command.name for command in commands] + ["startproject", "startapp", "startplugin"]
    for name in names:
        assert f"| `{name}" in text, f"docs/commands.md does not document {name}"


def test_links_between_docs_resolve() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_every_auth_setting_is_in_the_auth_docs() -> None:
    from fastjango.auth.plugin import fastjango_settings_schema

    text = "\n".join(page.read_text() for page in [DOCS / "auth.md", *sorted((DOCS / "auth").glob("*.md"))])
    missing = [name for name in fastjango_settings_schema().model_fields if f"`{name}`" not in text]
    assert missing == [], f"settings of fastjango-auth missing from docs/auth.md and docs/auth/: {missing}"


def test_the_auth_hooks_are_in_the_auth_guide() -> None:
    from fastjango.auth import hookspecs as auth_hookspecs

    text = (DOCS / "auth.md").read_text()
    names = [name for name in dir(auth_hookspecs) if name.startswith("fastjango_auth_")]
    assert names and all(f"`{name}(" in text for name in names)

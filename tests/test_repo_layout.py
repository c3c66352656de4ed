"""The monorepo's shape: what every package must have, and the configuration that must not drift.

These read files only; tests/test_packaging.py builds and installs the distributions.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO_ROOT = Path(__file__).resolve().parent.parent
CI_SCRIPT = REPO_ROOT / ".ci" / "run"

# Every plugin distribution fastjango plans; the meta-distribution has an extra for each.
PLUGINS = ("orm", "rest", "auth", "admin", "cache", "signals", "i18n", "files", "forms")


def _load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


PACKAGE_DIRS = sorted(p for p in (REPO_ROOT / "packages").iterdir() if p.is_dir() and not p.name.startswith("."))
PACKAGE_NAMES = [p.name for p in PACKAGE_DIRS]
ROOT = _load_toml(REPO_ROOT / "pyproject.toml")
HATCH = _load_toml(REPO_ROOT / "hatch.toml")


def _distribution(short: str) -> str:
    return f"fastjango-{short}"


def _fastjango_deps(requirements: list[str]) -> set[str]:
    """The packages/* names among requirements: "fastjango-core>=0.1" -> "core"."""
    names = {Requirement(r).name.lower().replace("_", "-") for r in requirements}
    return {n.removeprefix("fastjango-") for n in names if n.startswith("fastjango-")}


def _declared(short: str) -> set[str]:
    """fastjango packages ``short`` declares: its dependencies plus its `test` extra (installed in `isolated`)."""
    project = _load_toml(REPO_ROOT / "packages" / short / "pyproject.toml")["project"]
    test_extra = project.get("optional-dependencies", {}).get("test", [])
    return _fastjango_deps([*project.get("dependencies", []), *test_extra]) - {short}


def _closure(short: str) -> set[str]:
    """Every fastjango package ``short`` needs installed, directly or through another one."""
    seen: set[str] = set()
    todo = [short]
    while todo:
        for dep in _declared(todo.pop()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen - {short}


def _isolated_members(short: str) -> set[str]:
    """The packages/* folders hatch.toml's `isolated` env installs for matrix value ``short``.

    Mirrors Hatch's rules for the parts hatch.toml uses: the env's own members with
    ``{matrix:package}`` filled in, plus ``overrides.matrix.package.workspace.members``
    entries (a path, or ``{value = path, if = [...]}``).
    """
    env = HATCH["envs"]["isolated"]
    paths: list[str] = []
    for member in env["workspace"]["members"]:
        path = member if isinstance(member, str) else member["path"]
        paths.append(path.replace("{matrix:package}", short))
    overrides = env.get("overrides", {}).get("matrix", {}).get("package", {}).get("workspace", {})
    for entry in overrides.get("members", []):
        if isinstance(entry, str):
            paths.append(entry)
        elif short in entry.get("if", [short]):
            paths.append(entry["value"])
    members: set[str] = set()
    for path in paths:
        parent, _, name = os.path.normpath(path).replace(os.sep, "/").rpartition("/")
        assert parent == "packages", f"isolated member {path!r} is not a packages/<name> folder"
        members.add(name)
    return members


# ---------------------------------------------------------------------------
# Every package


@pytest.mark.parametrize("short", PACKAGE_NAMES)
def test_package_has_the_standard_layout(short: str) -> None:
    pkg = REPO_ROOT / "packages" / short
    for need in ("pyproject.toml", "README.md", "CHANGELOG.md"):
        assert (pkg / need).is_file(), f"packages/{short}/{need} is missing"
    assert list((pkg / "tests").glob("**/test_*.py")), f"packages/{short}/tests/ has no test_*.py"
    assert (pkg / "src" / "fastjango" / short / "py.typed").is_file(), f"packages/{short} has no py.typed"
    assert (pkg / "src" / "fastjango" / short / "__init__.py").is_file()


@pytest.mark.parametrize("short", PACKAGE_NAMES)
def test_package_does_not_own_the_fastjango_namespace(short: str) -> None:
    # PEP 420: fastjango/ is shared by every package, so none may have a fastjango/__init__.py.
    assert not (REPO_ROOT / "packages" / short / "src" / "fastjango" / "__init__.py").exists()


@pytest.mark.parametrize("short", PACKAGE_NAMES)
def test_package_metadata_and_single_source_version(short: str) -> None:
    config = _load_toml(REPO_ROOT / "packages" / short / "pyproject.toml")
    assert config["project"]["name"] == _distribution(short)
    assert "version" in config["project"].get("dynamic", []), "the version must come from __about__.py"
    about = f"src/fastjango/{short}/__about__.py"
    assert config["tool"]["hatch"]["version"]["path"] == about
    text = (REPO_ROOT / "packages" / short / about).read_text()
    found = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    assert found, f"packages/{short}/{about} has no __version__"
    Version(found.group(1))


@pytest.mark.parametrize("short", PACKAGE_NAMES)
def test_package_imports_only_fastjango_packages_it_declares(short: str) -> None:
    # The static half of the `isolated` env: an import of an undeclared fastjango package fails here first.
    allowed = {short, *_declared(short)}
    pattern = re.compile(r"^\s*(?:from|import)\s+fastjango\.(\w+)", re.MULTILINE)
    src = REPO_ROOT / "packages" / short / "src"
    for file in sorted(src.rglob("*.py")):
        for used in pattern.findall(file.read_text()):
            assert used in allowed, f"{file.relative_to(REPO_ROOT)} imports fastjango.{used}, not declared"


def test_core_does_not_import_plugins() -> None:
    # The dependency arrow points from plugins to core, never back.
    pattern = re.compile(rf"^\s*(?:from|import)\s+fastjango\.({'|'.join(PLUGINS)})\b", re.MULTILINE)
    src = REPO_ROOT / "packages" / "core" / "src"
    offenders = [str(f.relative_to(REPO_ROOT)) for f in src.rglob("*.py") if pattern.search(f.read_text())]
    assert offenders == []


def test_every_package_is_core_or_a_known_plugin() -> None:
    assert "core" in PACKAGE_NAMES
    unknown = set(PACKAGE_NAMES) - {"core", *PLUGINS}
    assert not unknown, f"add {sorted(unknown)} to PLUGINS here and as extras of the root pyproject.toml"


# ---------------------------------------------------------------------------
# The meta-distribution (root pyproject.toml)


def test_meta_distribution_has_an_extra_per_plugin_and_all() -> None:
    core_dependency = Requirement(next(r for r in ROOT["project"]["dependencies"] if r.startswith("fastjango-core")))
    extras: dict[str, list[str]] = ROOT["project"]["optional-dependencies"]
    for plugin in PLUGINS:
        (requirement,) = map(Requirement, extras[plugin])
        assert requirement.name == _distribution(plugin)
        assert requirement.specifier == core_dependency.specifier, f"extra {plugin!r} is not on core's series"
    assert sorted(Requirement(r).name for r in extras["all"]) == sorted(map(_distribution, PLUGINS))
    assert set(extras) == {*PLUGINS, "all"}


def test_meta_distribution_tracks_the_packages_in_the_repository() -> None:
    # Each range must admit the version in the repository, and the meta version follows core's minor series.
    requirements = [Requirement(r) for r in ROOT["project"]["dependencies"]]
    requirements += [Requirement(r) for r in ROOT["project"]["optional-dependencies"]["all"]]
    by_name = {r.name: r for r in requirements}
    for short in PACKAGE_NAMES:
        text = (REPO_ROOT / "packages" / short / "src" / "fastjango" / short / "__about__.py").read_text()
        found = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
        assert found
        version = Version(found.group(1))
        assert by_name[_distribution(short)].specifier.contains(version, prereleases=True), (
            f"the root pyproject.toml's range for {_distribution(short)} excludes packages/{short} ({version})"
        )
        if short == "core":
            assert Version(ROOT["project"]["version"]).release[:2] == version.release[:2]


def test_meta_distribution_ships_no_code() -> None:
    assert ROOT["tool"]["hatch"]["build"]["targets"]["wheel"] == {"bypass-selection": True}
    assert not (REPO_ROOT / "src").exists()
    assert not (REPO_ROOT / "fastjango").exists()


# ---------------------------------------------------------------------------
# hatch.toml and the tool configuration


def test_no_environment_installs_the_meta_distribution() -> None:
    # Installing the root project would resolve fastjango-core (and unpublished plugins) from the index.
    envs: dict[str, dict[str, Any]] = HATCH["envs"]
    assert envs["default"]["skip-install"] is True
    assert all(env.get("skip-install", True) is True for env in envs.values())
    assert all(env.get("template", "default") == "default" for env in envs.values())


def test_dev_env_holds_every_package_with_its_test_extra() -> None:
    members = HATCH["envs"]["dev"]["workspace"]["members"]
    for short in PACKAGE_NAMES:
        matching = [m for m in members if fnmatch.fnmatch(f"packages/{short}", m["path"])]
        assert matching, f"packages/{short} is not a member of the dev env"
        assert "test" in matching[0].get("features", [])


def test_isolated_env_has_one_matrix_entry_per_package() -> None:
    (matrix,) = HATCH["envs"]["isolated"]["matrix"]
    assert matrix == {"package": PACKAGE_NAMES}


@pytest.mark.parametrize("short", PACKAGE_NAMES)
def test_isolated_env_installs_exactly_what_the_package_declares(short: str) -> None:
    assert _isolated_members(short) == {short, *_closure(short)}, (
        f"hatch.toml's isolated env for {short!r} must install packages/{short} and exactly the fastjango"
        f" packages it needs: {sorted(_closure(short))}; edit [envs.isolated.overrides]"
    )


def test_isolated_env_takes_every_fastjango_distribution_from_the_workspace() -> None:
    sources: dict[str, Any] = HATCH["envs"]["isolated"]["sources"]
    expected = {_distribution(name) for name in {"core", *PLUGINS, *PACKAGE_NAMES}}
    assert set(sources) == expected
    assert all(source == {"workspace": True} for source in sources.values())


def test_mypy_path_lists_every_package_source_root() -> None:
    # mypy names modules relative to these, which is how it sees one fastjango namespace across packages.
    assert ROOT["tool"]["mypy"]["mypy_path"] == [f"packages/{short}/src" for short in PACKAGE_NAMES]


# ---------------------------------------------------------------------------
# README Quick start and CI


def _quick_start_lines() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```sh\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert block, "README.md's Quick start has no ```sh block"
    return block.group(1).splitlines()


def _ci_quick_start_command() -> str:
    found = re.search(r"^readonly quick_start_test='([^']*)'$", CI_SCRIPT.read_text(), re.MULTILINE)
    assert found, ".ci/run must define readonly quick_start_test='...'"
    return found.group(1)


def test_readme_quick_start_is_two_lines() -> None:
    lines = _quick_start_lines()
    assert len(lines) == 2, lines
    assert all(line.strip() == line and line for line in lines)


def test_ci_runs_the_readme_second_quick_start_line_verbatim() -> None:
    assert _ci_quick_start_command() == _quick_start_lines()[1]
    text = CI_SCRIPT.read_text()
    assert re.search(r'^\s*run_tests "\$quick_start_test"$', text, re.MULTILINE), ".ci/run does not run it"
    assert os.access(CI_SCRIPT, os.X_OK), ".ci/run is not executable"


def test_quick_start_hatch_scripts_exist() -> None:
    envs: dict[str, dict[str, Any]] = HATCH["envs"]
    for line in _quick_start_lines():
        for command in line.split("&&"):
            words = shlex.split(command)
            if words[:2] == ["hatch", "run"]:
                env, _, script = words[2].partition(":")
                assert script in envs[env]["scripts"], f"README runs {words[2]}, which hatch.toml does not define"

"""The distributions as a user gets them: built, then installed (not editable) into a fresh venv.

Each ``packages/*`` distribution and the root ``fastjango`` meta-distribution is built with
``uv build`` (sdist first, then the wheel from that sdist, as an installer building from
source would), and the wheels are installed into a new virtual environment with
``--find-links`` so the ``fastjango-*`` distributions come from those wheels and third-party
ones from the package index. Everything happens in a temporary folder deleted at the end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.packaging

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 300
_VERSION_LINE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)


@dataclass(frozen=True)
class Package:
    """One ``packages/<short>`` distribution, as its source tree describes it."""

    short: str  # "core"
    name: str  # "fastjango-core"
    version: str  # read from the file [tool.hatch.version] path names

    @property
    def module(self) -> str:
        return f"fastjango.{self.short}"

    @property
    def wheel_prefix(self) -> str:
        return self.name.replace("-", "_") + "-"


def _load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _read_package(folder: Path) -> Package:
    config = _load_toml(folder / "pyproject.toml")
    version_file = folder / config["tool"]["hatch"]["version"]["path"]
    found = _VERSION_LINE.search(version_file.read_text())
    assert found, f"{version_file} has no __version__ = '...' line"
    return Package(short=folder.name, name=config["project"]["name"], version=found.group(1))


PACKAGES = [_read_package(p) for p in sorted((REPO_ROOT / "packages").iterdir()) if (p / "pyproject.toml").is_file()]
META = _load_toml(REPO_ROOT / "pyproject.toml")["project"]


def _uv() -> str:
    # `hatch run` exposes the uv it installs with; hatch itself depends on uv, so it is on PATH otherwise.
    uv = os.environ.get("HATCH_UV") or shutil.which("uv")
    if not uv:
        pytest.fail("uv is needed to build and install the wheels: run the tests with `hatch run dev:test`")
    return uv


def _clean_env() -> dict[str, str]:
    """This process's environment minus whatever would leak the development install into the venv."""
    leaky = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    return {k: v for k, v in os.environ.items() if k not in leaky and not k.startswith("FASTJANGO_")}


def _run(args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """Run a command to completion; on failure, fail the test with its full output."""
    completed = subprocess.run(
        args,
        cwd=cwd,
        env=env if env is not None else _clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} exited {completed.returncode}\n"
            f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
        )
    return completed.stdout


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("packaging")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def wheels(workdir: Path) -> dict[str, Path]:
    """Distribution name -> built wheel, for every package and the meta-distribution."""
    out = workdir / "dist"
    for folder in [*(REPO_ROOT / "packages" / p.short for p in PACKAGES), REPO_ROOT]:
        _run([_uv(), "build", "--quiet", "--python", sys.executable, "--out-dir", str(out), str(folder)], cwd=workdir)
    built: dict[str, Path] = {}
    for name in [*(p.name for p in PACKAGES), META["name"]]:
        prefix = name.replace("-", "_") + "-"
        matches = [w for w in out.glob("*.whl") if w.name.startswith(prefix) and w.name[len(prefix)].isdigit()]
        assert len(matches) == 1, f"expected one wheel for {name} in {out}, found {[w.name for w in matches]}"
        built[name] = matches[0]
    return built


def _new_venv(path: Path) -> list[str]:
    """Create a venv at ``path``; returns the command that installs into it."""
    _run([_uv(), "venv", "--quiet", "--python", sys.executable, str(path)], cwd=path.parent)
    return [_uv(), "pip", "install", "--quiet", "--python", str(_python(path))]


@pytest.fixture(scope="module")
def meta_venv(workdir: Path, wheels: dict[str, Path]) -> Path:
    """A fresh venv where only the meta-distribution's wheel was asked for."""
    path = workdir / "meta-venv"
    install = _new_venv(path)
    _run([*install, "--find-links", str(wheels[META["name"]].parent), str(wheels[META["name"]])], cwd=workdir)
    return path


@pytest.fixture(scope="module")
def venv(workdir: Path, wheels: dict[str, Path]) -> Path:
    """A fresh venv with every package's wheel and its `test` extra (pytest, for the pytest11 plugins)."""
    path = workdir / "venv"
    install = _new_venv(path)
    requirements = [f"{p.name}[test] @ {wheels[p.name].as_uri()}" for p in PACKAGES]
    _run([*install, "--find-links", str(wheels[META["name"]].parent), *requirements], cwd=workdir)
    return path


def _python(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / "python"


def _in_venv(venv: Path, code: str, cwd: Path) -> Any:
    """Run ``code`` isolated (-I: no cwd, no PYTHON* variables, no user site) in the venv; it prints JSON."""
    return json.loads(_run([str(_python(venv)), "-I", "-c", code], cwd=cwd))


def _wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def test_no_wheel_owns_the_fastjango_namespace(wheels: dict[str, Path]) -> None:
    # PEP 420: one fastjango/__init__.py in any wheel would hide every other package's fastjango.<name>.
    for name, wheel in wheels.items():
        assert "fastjango/__init__.py" not in _wheel_names(wheel), f"{wheel.name} ({name}) ships fastjango/__init__.py"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.short)
def test_package_wheel_ships_its_code_and_py_typed(package: Package, wheels: dict[str, Path]) -> None:
    wheel = wheels[package.name]
    names = _wheel_names(wheel)
    assert wheel.name.startswith(f"{package.wheel_prefix}{package.version}-"), wheel.name
    assert f"fastjango/{package.short}/py.typed" in names
    assert f"fastjango/{package.short}/__init__.py" in names
    stray = [n for n in names if not n.startswith((f"fastjango/{package.short}/", f"{package.wheel_prefix}"))]
    assert stray == [], f"{wheel.name} ships files outside fastjango/{package.short}/"
    # Built from the sdist, so this also proves the sdist carries every source file (templates, data).
    src = REPO_ROOT / "packages" / package.short / "src"
    source_files = {
        f.relative_to(src).as_posix()
        for f in (src / "fastjango" / package.short).rglob("*")
        if f.is_file() and "__pycache__" not in f.parts and f.suffix not in {".pyc", ".pyo"}
    }
    missing = sorted(source_files - set(names))
    assert missing == [], f"{wheel.name} lacks source files: {missing}"


def test_meta_wheel_is_metadata_only(wheels: dict[str, Path]) -> None:
    wheel = wheels[META["name"]]
    assert all(".dist-info/" in n for n in _wheel_names(wheel)), _wheel_names(wheel)
    assert wheel.name.startswith(f"fastjango-{META['version']}-")


def test_meta_distribution_pulls_in_core_from_the_built_wheel(meta_venv: Path, wheels: dict[str, Path]) -> None:
    core = next(p for p in PACKAGES if p.short == "core")
    report = _in_venv(
        meta_venv,
        "import json, importlib.metadata as m\n"
        "d = m.distribution('fastjango-core')\n"
        "direct = d.read_text('direct_url.json')\n"
        "files = {str(f): f.locate().read_bytes().hex() for f in d.files or [] if str(f).startswith('fastjango/')}\n"
        "print(json.dumps({'meta': m.version('fastjango'), 'core': d.version, 'direct_url': direct, 'files': files}))",
        cwd=meta_venv.parent,
    )
    assert report["meta"] == META["version"]
    assert report["core"] == core.version
    # Not editable, and byte for byte the wheel we built (not some other fastjango-core from an index).
    assert report["direct_url"] is None or '"editable": true' not in report["direct_url"]
    with zipfile.ZipFile(wheels[core.name]) as zf:
        expected = {n: zf.read(n).hex() for n in zf.namelist() if n.startswith("fastjango/")}
    assert report["files"] == expected


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.short)
def test_installed_package_imports_with_its_version(package: Package, venv: Path) -> None:
    report = _in_venv(
        venv,
        "import json, sys, importlib, importlib.metadata as m, fastjango\n"
        f"mod = importlib.import_module({package.module!r})\n"
        "print(json.dumps({'version': mod.__version__, 'dist_version': m.version("
        f"{package.name!r}), 'file': mod.__file__, 'namespace_file': getattr(fastjango, '__file__', None),"
        " 'prefix': sys.prefix}))",
        cwd=venv.parent,
    )
    assert report["version"] == report["dist_version"] == package.version
    assert Path(report["file"]).is_relative_to(report["prefix"]), "imported from outside the venv"
    assert report["namespace_file"] is None, "fastjango is a regular package, not a PEP 420 namespace"


def test_core_console_script_and_pytest_plugin_are_installed(venv: Path) -> None:
    core = next(p for p in PACKAGES if p.short == "core")
    admin = venv / ("Scripts" if os.name == "nt" else "bin") / "fastjango-admin"
    assert admin.is_file()
    assert core.version in _run([str(admin), "--version"], cwd=venv.parent)

    report = _in_venv(
        venv,
        "import json, importlib.metadata as m\n"
        "eps = {f'{ep.group}:{ep.name}': ep for ep in m.distribution('fastjango-core').entry_points}\n"
        "plugin = eps.get('pytest11:fastjango')\n"
        "loaded = plugin.load().__name__ if plugin else None\n"
        "print(json.dumps({'eps': {k: ep.value for k, ep in eps.items()}, 'loaded': loaded}))",
        cwd=venv.parent,
    )
    assert report["eps"]["console_scripts:fastjango-admin"] == "fastjango.core.management:main"
    assert report["eps"]["pytest11:fastjango"] == "fastjango.core.testing.pytest_plugin"
    assert report["loaded"] == "fastjango.core.testing.pytest_plugin"
    # pytest itself finds it through the entry point (`--version` twice lists third-party plugins).
    listed = _run([str(_python(venv)), "-I", "-m", "pytest", "--version", "--version"], cwd=venv.parent)
    assert f"fastjango-core-{core.version}" in listed, listed

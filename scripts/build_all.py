"""Build the sdist and wheel of every fastjango distribution into one folder.

Every ``packages/*`` folder with a ``pyproject.toml`` is built with ``hatch build``, then the
metadata-only ``fastjango`` meta-distribution at the repository root. Run it as
``hatch run dev:build-all`` (or ``python scripts/build_all.py``); ``--out DIR`` changes the
destination, ``--clean`` empties it first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "dist"


def distribution_folders(root: Path = REPO_ROOT) -> list[Path]:
    """Folders that hold a distribution: each ``packages/<name>`` in name order, then the root."""
    packages = sorted(p for p in (root / "packages").iterdir() if (p / "pyproject.toml").is_file())
    return [*packages, root]


def hatch_executable() -> str:
    """The ``hatch`` command; a missing one is a setup problem with a one-line fix."""
    found = shutil.which("hatch")
    if found is None:
        raise SystemExit('build_all: `hatch` is not on PATH; install it with: python -m pip install "hatch>=1.16"')
    return found


def build(folder: Path, out: Path) -> None:
    """Build ``folder``'s sdist and wheel into ``out`` (hatch only builds from the project's own folder)."""
    command = [hatch_executable(), "build", "--target", "sdist", "--target", "wheel", str(out)]
    # Under `hatch run dev:build-all` this is set to `dev`, which the package's own project lacks.
    env = {key: value for key, value in os.environ.items() if key != "HATCH_ENV_ACTIVE"}
    print(f"build_all: {folder.relative_to(REPO_ROOT).as_posix() or '.'}: hatch {' '.join(command[1:])}", flush=True)
    subprocess.run(command, cwd=folder, env=env, check=True)  # noqa: S603 - fixed argv, no shell


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="destination folder (default: %(default)s)")
    parser.add_argument("--clean", action="store_true", help="delete the destination folder's contents first")
    args = parser.parse_args(argv)

    out: Path = args.out.resolve()
    if args.clean and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)

    try:
        for folder in distribution_folders():
            build(folder, out)
    except subprocess.CalledProcessError as exc:
        print(f"build_all: failed (exit {exc.returncode}): {' '.join(map(str, exc.cmd))}", file=sys.stderr)
        return exc.returncode or 1

    built = sorted(p.name for p in out.iterdir() if p.suffix in {".whl", ".gz"})
    print(f"build_all: {len(built)} files in {out}:", *built, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

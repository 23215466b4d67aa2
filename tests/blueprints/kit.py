"""Shared helpers for the blueprint tests (`from kit import ...`): render with Copier's public API, scan the output the
way its users will (with the `.scaffold.yaml` it ships), and find the external validators.

A validator that is missing locally skips its test with the reason; under CI (`CI` set) it is a
failure instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from copier import run_copy

from conftest import REPO, scan

UNRENDERED = ("{=", "=}", "{%", "%}", "{=#", "#=}")
TOOLS = REPO / ".tools"
# Where tests/install-tools.sh puts what is not on PATH by default.
EXTRA_PATHS = (TOOLS / "bin", TOOLS / "prometheus" / "usr" / "bin", TOOLS / "checkov" / "bin",
               Path(sys.executable).parent)


def copy_template(root: Path) -> Path:
    """A copy of the repository's template files in `root` (not a git checkout: the working
    tree's state does not matter, and Copier copies it as it is). The `blueprint_template`
    fixture in tests/conftest.py holds one per session."""
    shutil.copy(REPO / "copier.yml", root / "copier.yml")
    shutil.copytree(REPO / "blueprints", root / "blueprints",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return root


def render(source: Path, destination: Path, **data) -> Path:
    """Render with `--defaults` plus `data`, as `copier copy` does."""
    run_copy(str(source), destination, data=data, defaults=True, quiet=True, unsafe=False)
    return destination


def files(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path, sorted."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def unrendered(root: Path) -> list[str]:
    """`file: marker` for each Jinja marker left in an output."""
    return [f"{name}: {marker}" for name, content in files(root).items()
            for marker in UNRENDERED if marker.encode() in content]


def check_output(root: Path, disabled: tuple[str, ...] = ("checkov",)):
    """The report on a generated project, with the configuration it ships (as its users run
    `scaffold check`). Checkov is off by default: it runs once over all outputs elsewhere."""
    return scan(root, isolated=False, disabled=disabled)


def finding_lines(report) -> list[str]:
    return [f"{f.path}:{f.line} {f.code} {f.message}" for f in report.findings if f.active]


def tool(name: str) -> str:
    """The path of an external validator, or a skip (locally) / failure (CI) naming it."""
    path = os.pathsep.join([*(str(p) for p in EXTRA_PATHS), os.environ.get("PATH", "")])
    found = shutil.which(name, path=path)
    if found:
        return found
    missing(f"{name} is not installed: run `bash tests/install-tools.sh`")


def missing(message: str) -> NoReturn:
    """A validator is not installed: a skip locally, a failure under CI (CI installs every
    validator, so it can never pass by skipping)."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def walk(root: Path, *suffixes: str) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name.endswith(suffixes):
            yield path

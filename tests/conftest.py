"""Shared helpers: scan a tree written from a dict, and run the real console script."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scaffold import api

REPO = Path(__file__).resolve().parent.parent
SCAFFOLD = Path(sys.executable).parent / "scaffold"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def scan(root: Path, paths=None, config: Path | None = None, isolated: bool = True,
         disabled: tuple[str, ...] = (), **kwargs):
    """The Report for `paths` (default: root) with the config given, or none."""
    paths = [Path(p) for p in (paths or [root])]
    context = api.load_context(paths, config_file=config, isolated=isolated and config is None,
                               disabled=disabled)
    return api.check(context, paths, **kwargs)


def scan_without_checkov(*args, disabled: tuple[str, ...] = (), **kwargs):
    """`scan`, without checkov's 3-second start: for tests about native checks."""
    return scan(*args, disabled=(*disabled, "checkov"), **kwargs)


def codes(report, active: bool = True) -> list[str]:
    return sorted(f.code for f in report.findings if f.active or not active)


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed `scaffold` console script, as a user or CI runs it."""
    environment = {**os.environ, "CI": "true", **(env or {})}
    return subprocess.run([str(SCAFFOLD), *args], cwd=cwd, capture_output=True, text=True,
                          env=environment, timeout=120)


@pytest.fixture
def tree(tmp_path: Path):
    """`tree({"Dockerfile": "..."})` writes the files under a fresh directory and returns it."""
    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path, files)
    return make


def active_at(report, code: str) -> list[tuple[str | None, int | None]]:
    """(path, line) of the active findings of `code`, sorted."""
    return sorted((f.path, f.line) for f in report.findings if f.code == code and f.active)


@pytest.fixture
def processes(monkeypatch) -> list[list[str]]:
    """Every command line the wrapped tools run, recorded on the way to the real process."""
    from scaffold_plugins.shell import tools

    calls: list[list[str]] = []
    real = tools._call

    def record(argv, *args, **kwargs):
        calls.append(argv)
        return real(argv, *args, **kwargs)

    monkeypatch.setattr(tools, "_call", record)
    return calls


@pytest.fixture(scope="session")
def blueprint_template(tmp_path_factory) -> Path:
    """The blueprints and root copier.yml, copied once per session (tests/blueprints/kit.py)."""
    from kit import copy_template
    return copy_template(tmp_path_factory.mktemp("template"))

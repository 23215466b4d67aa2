"""The blueprints ship in the wheel whole: `scaffold new` from an installed scaffold renders
the same files as from a checkout (setuptools' package-data globs skip dot-folders such as
`.github/` unless told, and a missing template file fails silently: it is just not generated).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.blueprints


def _source_tree(folder: Path) -> Path:
    """The sources alone: an editable install's egg-info would feed setuptools the file list
    of an earlier build, hiding what the globs miss."""
    folder.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, folder / name)
    for name in ("scaffold", "plugins", "policies", "blueprints"):
        shutil.copytree(REPO / name, folder / name, ignore=ignore)
    return folder


def test_the_wheel_holds_every_blueprint_file(tmp_path: Path) -> None:
    source = _source_tree(tmp_path / "source")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                             "--wheel-dir", str(tmp_path), str(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    shipped = {name.removeprefix("scaffold_blueprints/")
               for name in zipfile.ZipFile(wheel).namelist()
               if name.startswith("scaffold_blueprints/")}
    blueprints = {path.relative_to(REPO / "blueprints").as_posix()
                  for path in (REPO / "blueprints").rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts}
    assert sorted(blueprints - shipped) == []

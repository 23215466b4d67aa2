"""`scaffold new`: generate a project from a blueprint with Copier's public API.

The same questions and answers as `copier copy`, with none of the user's Copier settings (their
`trust` list and defaults must not change what scaffold generates) and never `unsafe`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaffold.errors import UsageError

DEFAULT_BLUEPRINT = "service"


def blueprints_root() -> Path:
    """The folder holding the blueprints: the checkout's `blueprints/`, found as the package
    `scaffold_blueprints` (an editable or development install)."""
    spec = importlib.util.find_spec("scaffold_blueprints")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("this scaffold has no blueprints installed: install scaffold from a "
                         "checkout (`pip install -e '.[blueprints]'`), or run `copier copy` on "
                         "the repository")
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> list[str]:
    root = blueprints_root()
    return sorted(p.name for p in root.iterdir() if (p / "copier.yml").is_file())


def parse_data(pairs: list[str]) -> dict[str, str]:
    data = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--data takes KEY=VALUE, not {pair!r}")
        data[key] = value
    return data


def generate(blueprint: str, destination: Path, data: Mapping[str, Any], *, defaults: bool,
             overwrite: bool) -> list[str]:
    """Render `blueprint` into `destination`; the relative paths of the files written."""
    known = available()
    if blueprint not in known:
        raise UsageError(f"unknown blueprint {blueprint!r} (known: {', '.join(known)})")
    if destination.exists() and any(destination.iterdir()) and not overwrite:
        raise UsageError(f"{destination} is not empty: choose an empty folder, or pass "
                         "--overwrite to let the blueprint replace the files it generates")
    try:
        from copier import Settings, run_copy  # ~0.45 s to import: only for this command
    except ImportError:
        raise UsageError("`scaffold new` needs Copier: pip install 'scaffold[blueprints]'") \
            from None
    try:
        run_copy(str(blueprints_root() / blueprint), destination, data=dict(data),
                 defaults=defaults, overwrite=overwrite, quiet=True, unsafe=False,
                 settings=Settings(defaults={}, trust=set()))
    except ValueError as error:  # a refused answer: Copier names the question and the reason
        raise UsageError(str(error)) from None
    return sorted(p.relative_to(destination).as_posix() for p in destination.rglob("*")
                  if p.is_file())

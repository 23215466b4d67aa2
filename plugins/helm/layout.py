"""Where things are in a chart: which files are templates, which are values files, which
chart a file belongs to, and which declared dependencies are missing from `charts/`.

A chart is a folder with a `Chart.yaml`. Everything under its `templates/` folder is a Go
template, whatever its name; a subchart is a chart under `charts/<name>/` of another one.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from pathlib import Path
from typing import Any, NamedTuple

CHART_FILE = "Chart.yaml"
SCHEMA_FILE = "values.schema.json"
DEFAULT_VALUES = "values.yaml"
TEMPLATE_KIND = "helm.template"
_YAML = (".yaml", ".yml")
# Per-environment values files: `values-prod.yaml` beside Chart.yaml, and chart-testing's
# `ci/*-values.yaml`.
_ENVIRONMENT_VALUES = re.compile(r"^values-[^/]+\.ya?ml$")
_CI_VALUES = re.compile(r"^[^/]+-values\.ya?ml$")


@functools.lru_cache(maxsize=4096)
def is_chart(folder: str) -> bool:
    """Whether `folder` holds a Chart.yaml (cached: asked for the folder of every file)."""
    return Path(folder, CHART_FILE).is_file()


def template_chart(abspath: Path) -> Path | None:
    """The chart whose `templates/` folder holds the file, or None. Costs nothing for a file
    with no `templates` folder on its path."""
    parts = abspath.parts[:-1]
    if "templates" not in parts:
        return None
    for index, part in enumerate(parts):
        if part == "templates" and index > 0:
            chart = Path(*parts[:index])
            if is_chart(str(chart)):
                return chart
    return None


def parent_chart(chart: Path) -> Path | None:
    """The chart this one is a subchart of (`<parent>/charts/<name>/`), or None."""
    if chart.parent.name == "charts" and is_chart(str(chart.parent.parent)):
        return chart.parent.parent
    return None


def top_chart(chart: Path) -> Path:
    """The outermost chart: the one `helm template` is run on."""
    while (parent := parent_chart(chart)) is not None:
        chart = parent
    return chart


def values_chart(abspath: Path) -> Path | None:
    """The chart a values file belongs to (`values*.yaml` beside Chart.yaml, or
    `ci/*-values.yaml`), or None when the file is no chart's values file."""
    name = abspath.name
    folder = abspath.parent
    if (name == DEFAULT_VALUES or _ENVIRONMENT_VALUES.match(name)) and is_chart(str(folder)):
        return folder
    if folder.name == "ci" and _CI_VALUES.match(name) and is_chart(str(folder.parent)):
        return folder.parent
    return None


def environment_values(chart: Path) -> list[Path]:
    """The chart's per-environment values files, in path order."""
    found = [p for p in chart.iterdir() if p.is_file() and _ENVIRONMENT_VALUES.match(p.name)]
    ci = chart / "ci"
    if ci.is_dir():
        found += [p for p in ci.iterdir() if p.is_file() and _CI_VALUES.match(p.name)]
    return sorted(found, key=lambda p: p.relative_to(chart).as_posix())


class Dependency(NamedTuple):
    index: int  # position in Chart.yaml's `dependencies`
    name: str
    present: bool


def dependencies(chart: Path, metadata: dict[str, Any]) -> list[Dependency]:
    """The dependencies Chart.yaml declares, and whether each is in `charts/` (unpacked, or as
    an archive `<name>-<version>.tgz`): `helm template` fails on a missing one, and scaffold
    never downloads it (no `helm dependency build`)."""
    declared = metadata.get("dependencies")
    if not isinstance(declared, list):
        return []
    folder = chart / "charts"
    entries = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    found = []
    for index, dependency in enumerate(declared):
        if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
            continue
        name = dependency["name"]
        present = any(entry == name and is_chart(str(folder / entry))
                      or fnmatch.fnmatchcase(entry, f"{name}-*.tgz") for entry in entries)
        found.append(Dependency(index, name, present))
    return found


def is_library(metadata: dict[str, Any]) -> bool:
    return metadata.get("type") == "library"


def relative(chart_path: str, name: str) -> str:
    """A chart file's path relative to the scan root, from the chart's own (`chart_path` is
    the chart folder relative to the root, "" for the root itself)."""
    return f"{chart_path}/{name}" if chart_path else name


def is_yaml(name: str) -> bool:
    return name.endswith(_YAML)

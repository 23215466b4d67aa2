"""Which files are kustomize patches: partial objects (a Deployment with only the field it
changes) that would fail every policy read on their own. They are checked through the build of
the kustomization that applies them; read as manifests they are not."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml

_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def is_patch(path: Path) -> bool:
    """Whether a kustomization in the file's folder or above applies it as a patch."""
    absolute = os.path.abspath(path)
    return any(absolute in _patches(str(folder)) for folder in Path(absolute).parents)


@functools.cache
def _patches(folder: str) -> frozenset[str]:
    """The absolute paths of the patch files the folder's kustomization applies (cached per
    folder: asked for every file of the walk)."""
    for name in _NAMES:
        try:
            data = yaml.load(Path(folder, name).read_bytes(), Loader=_Loader)
        except (OSError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            return frozenset()
        return frozenset(os.path.normpath(os.path.join(folder, p)) for p in _patch_paths(data))
    return frozenset()


def _patch_paths(kustomization: dict) -> list[str]:
    """Patch files named by `patches`, `patchesStrategicMerge` and `patchesJson6902` (an
    inline patch is text with a line break, not a file)."""
    entries: list[Any] = []
    for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
        value = kustomization.get(key)
        entries += value if isinstance(value, list) else []
    paths = [entry.get("path") if isinstance(entry, dict) else entry for entry in entries]
    return [path for path in paths if isinstance(path, str) and "\n" not in path]

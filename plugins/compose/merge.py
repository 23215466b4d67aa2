"""`extends` within one file: a service inherits another's definition, as Compose merges it.

Mappings merge key by key, sequences are appended, and the child's scalars (and the few
sequences that are one command line) replace the parent's. The merged containers are new
objects, so each is marked in the file's `LineIndex` with the line each key was written on:
a finding about an inherited `privileged: true` points at the parent's line, where it is.
"""

from __future__ import annotations

from typing import Any

from scaffold import LineIndex

# Sequences that are one value (a command line), which the child replaces whole.
_REPLACED = {"command", "entrypoint", "test", "extends"}


def _merge(parent: Any, child: Any, key: str, lines: LineIndex) -> Any:
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = dict(parent)
        marks = {k: lines.locate(parent, (k,)) for k in parent}
        for name, value in child.items():
            merged[name] = _merge(parent[name], value, name, lines) if name in parent else value
            marks[name] = lines.locate(child, (name,))
        lines.mark_all(merged, marks)
        return merged
    if isinstance(parent, list) and isinstance(child, list) and key not in _REPLACED:
        combined = parent + child
        marks = {i: lines.locate(parent, (i,)) for i in range(len(parent))}
        marks.update({len(parent) + i: lines.locate(child, (i,)) for i in range(len(child))})
        lines.mark_all(combined, marks)
        return combined
    return child


def _parent_name(definition: dict) -> str | None:
    """The service a definition extends in the same file, if any."""
    extends = definition.get("extends")
    if isinstance(extends, str):
        return extends
    if isinstance(extends, dict) and not extends.get("file"):
        service = extends.get("service")
        return service if isinstance(service, str) else None
    return None


def effective_service(services: dict, name: str, lines: LineIndex,
                      seen: frozenset[str] = frozenset()) -> dict:
    """The service as Compose runs it, after same-file `extends` (cycles stop the chain)."""
    definition = services[name]
    parent = _parent_name(definition)
    if parent is None or parent in seen or parent == name \
            or not isinstance(services.get(parent), dict):
        return definition
    inherited = effective_service(services, parent, lines, seen | {name})
    return _merge(inherited, definition, "", lines)

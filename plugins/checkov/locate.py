"""Where a checkov finding goes: the line of the field it is about, not only its object.

checkov reports one result per object and check, with the object's line range and, for most
checks, the `evaluated_keys` it looked at (`spec/template/spec/containers/[0]/image`). The
finding goes to the deepest of those fields the file has (the container's line when the field
is missing), which is also where the native policies put theirs, so the engine can fold the
two. Checks that name no key use `ANCHORS`; failing that, a finding goes to the object's
`kind:` line, where scaffold reports whole-object findings (not the first line of checkov's
range, which may be a comment or `apiVersion:`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from scaffold_plugins.kubernetes.documents import CONTAINER_LISTS, dig, objects, pod_template

POD = "@pod"  # an ANCHORS path starting with this is relative to the object's pod spec


class Pick(NamedTuple):
    """In an ANCHORS path: the first list index or mapping key whose (key, value) passes."""

    test: Callable[[Any, Any], bool]


def _rule_allows(*verbs: str) -> Pick:
    return Pick(lambda _, rule: isinstance(rule, dict) and any(
        verb in (rule.get("verbs") or []) for verb in (*verbs, "*")))


_WILDCARD_RULE = Pick(lambda _, rule: isinstance(rule, dict) and any(
    "*" in (rule.get(key) or []) for key in ("apiGroups", "resources", "verbs")))
_SNIPPET = Pick(lambda key, _: "snippet" in str(key))
_DOCKER_SOCKET = Pick(lambda _, volume: "docker.sock" in str(
    (volume.get("hostPath") or {}).get("path", "")) if isinstance(volume, dict) else False)


def _effective(field: str) -> tuple[tuple[Any, ...], ...]:
    """A security field where the container's own value wins over the pod's (as
    `kubernetes.model.effective` reads it): the first container's, the pod's, else the first
    container's securityContext."""
    own = (POD, "containers", 0, "securityContext", field)
    return own, (POD, "securityContext", field), own


# Checks whose evaluated key is a field inside the one to point at (`valueFrom/secretKeyRef`:
# the env var's `valueFrom`).
PARENT_OF_KEY = frozenset({"CKV_K8S_35"})

# Checks that report no evaluated key: the field to point at. Every path but the last is used
# only when the file has that field; the last gives the line of its deepest present part.
ANCHORS: dict[str, tuple[tuple[Any, ...], ...]] = {
    "CKV_K8S_17": ((POD, "hostPID"),),
    "CKV_K8S_18": ((POD, "hostIPC"),),
    "CKV_K8S_19": ((POD, "hostNetwork"),),
    "CKV_K8S_21": (("metadata", "namespace"), ("kind",)),
    "CKV_K8S_23": _effective("runAsNonRoot"),
    "CKV_K8S_27": ((POD, "volumes", _DOCKER_SOCKET, "hostPath"),),
    "CKV_K8S_29": ((POD, "securityContext"), (POD, "containers", 0, "securityContext")),
    "CKV_K8S_31": ((POD, "securityContext", "seccompProfile"),
                   (POD, "containers", 0, "securityContext", "seccompProfile")),
    "CKV_K8S_38": ((POD, "automountServiceAccountToken"), (POD,)),
    "CKV_K8S_40": _effective("runAsUser"),
    "CKV_K8S_41": (("automountServiceAccountToken",), ("kind",)),  # the `default` account
    "CKV_K8S_42": (("subjects",), ("kind",)),  # a binding to the `default` account
    "CKV_K8S_49": (("rules", _WILDCARD_RULE),),
    "CKV_K8S_152": (("metadata", "annotations", _SNIPPET),),
    "CKV_K8S_153": (("metadata", "annotations", _SNIPPET),),
    "CKV_K8S_154": (("metadata", "annotations", _SNIPPET),),
    "CKV_K8S_155": (("rules",),),
    "CKV_K8S_156": (("rules",),),
    "CKV_K8S_157": (("rules", _rule_allows("bind")),),
    "CKV_K8S_158": (("rules", _rule_allows("escalate")),),
}

_INDEX = re.compile(r"^\[(\d+)\]$")


class Placed(NamedTuple):
    line: int
    where: str  # `Deployment/web` or `Deployment/web container app`, for the message


class ManifestLines:
    """The objects of one manifest file with their first lines, parsed once per file."""

    def __init__(self, documents: list[Any]):
        self.objects: list[tuple[int, dict, Any]] = []  # (first line, object, line index)
        for document in documents:
            for obj in objects(document.data):
                first = min((line for key in obj
                             if (line := document.lines.locate(obj, (key,))) is not None),
                            default=document.line)
                self.objects.append((first, obj, document.lines))
        self.objects.sort(key=lambda entry: entry[0])

    def _object_at(self, start: int) -> tuple[int, dict, Any] | None:
        """The object whose range starts at `start`: the last one starting at or before it
        (checkov's JSON reader counts the first line of a one-line file as line 2)."""
        found = None
        for entry in self.objects:
            if entry[0] > start:
                break
            found = entry
        return found or (self.objects[0] if self.objects else None)

    def place(self, code: str, start: int, keys: list[str]) -> Placed | None:
        entry = self._object_at(start)
        if entry is None:
            return None
        first, obj, lines = entry
        # Of the keys a check evaluated, the last the file has (`imagePullPolicy` rather than
        # `image`), else the deepest present part of the first (the container lacking a field).
        paths = [_path(key) for key in keys if isinstance(key, str)]
        if code in PARENT_OF_KEY:
            paths = [path[:-1] for path in paths if len(path) > 1]
        present = [path for path in paths if dig(obj, path) is not None]
        for path in [*present[-1:], *paths[:1]]:
            line = lines.locate(obj, path)
            if line is not None and line >= first:
                return Placed(line, _where(obj, path))
        anchors = [path for anchor in ANCHORS.get(code, ()) if (path := _anchor(obj, anchor))]
        for index, path in enumerate(anchors):
            if index < len(anchors) - 1 and dig(obj, path) is None:
                continue
            line = lines.locate(obj, path)
            if line is not None:
                return Placed(line, _where(obj, path))
        return Placed(lines.locate(obj, ("kind",)) or first, _where(obj, ()))


def _path(key: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for part in key.split("/"):
        index = _INDEX.match(part)
        parts.append(int(index.group(1)) if index else part)
    return tuple(parts)


def _anchor(obj: dict, anchor: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The anchor as a path into `obj`: `POD` expanded, each `Pick` replaced by the key it
    picks (no path when nothing passes)."""
    if anchor and anchor[0] == POD:
        found = pod_template(obj)
        if found is None:
            return ()
        anchor = (*found[0], "spec", *anchor[1:])
    path: list[str | int] = []
    node: Any = obj
    for part in anchor:
        if isinstance(part, Pick):
            pairs = enumerate(node) if isinstance(node, list) else \
                node.items() if isinstance(node, dict) else ()
            part = next((key for key, value in pairs if part.test(key, value)), None)
            if part is None:
                return ()
        path.append(part)
        node = dig(node, (part,))
    return tuple(path)


def _where(obj: dict, path: tuple[str | int, ...]) -> str:
    """`Kind/name`, and the container when the path goes into one."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    where = f"{obj.get('kind')}/{metadata.get('name', '?')}"
    lists = dict(CONTAINER_LISTS)
    node: Any = obj
    for step, key in enumerate(path):
        if key in lists and step + 1 < len(path) and isinstance(node, dict):
            items, index = node.get(key), path[step + 1]
            if isinstance(items, list) and isinstance(index, int) and index < len(items) \
                    and isinstance(items[index], dict):
                return f"{where} {lists[key]} {items[index].get('name', index)}"
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return where

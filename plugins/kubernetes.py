"""Kubernetes manifests: every object, every pod spec and every container becomes a document.

A container document carries its pod spec too (`{"container", "pod", "type", "kind"}`), so a
policy can express pod-level defaults that a container may override. All documents share the
objects parsed from the file, so the line of any field is found without copying.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scaffold import Document, Resource, Target, annotation_suppression, hookimpl
from scaffold_policies import POLICY_ROOT

IGNORE_ANNOTATION = "scaffold.dev/ignore"
YAML_SUFFIXES = (".yaml", ".yml")

# Where each workload kind keeps its pod spec.
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = (("containers", "container"), ("initContainers", "initContainer"),
                   ("ephemeralContainers", "ephemeralContainer"))


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "kubernetes"]


@hookimpl
def scaffold_targets():
    return [
        Target("kubernetes.object", "A Kubernetes object (any kind)", "manifest.yaml"),
        Target("kubernetes.pod", "The pod spec of a Pod or workload", "manifest.yaml"),
        Target("kubernetes.container", "A container, init container or ephemeral container",
               "manifest.yaml"),
    ]


def _is_object(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("apiVersion"), str) \
        and isinstance(data.get("kind"), str)


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _objects(data: Any) -> Iterator[dict]:
    """The object itself, or the items of a `List` kind."""
    if not _is_object(data):
        return
    if data["kind"].endswith("List") and isinstance(data.get("items"), list):
        yield from (item for item in data["items"] if _is_object(item))
    else:
        yield data


def _suppressions(obj: dict, lines: Any) -> tuple:
    annotations = _dig(obj, ("metadata", "annotations"))
    if not isinstance(annotations, dict) or IGNORE_ANNOTATION not in annotations:
        return ()
    line = lines.locate(obj, ("metadata", "annotations", IGNORE_ANNOTATION)) or 1
    return (annotation_suppression(annotations[IGNORE_ANNOTATION], line),)


def _documents(obj: dict, path: str, lines: Any, start: int) -> Iterator[Document]:
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    kind = obj["kind"]
    resource = Resource(kind, str(metadata.get("name", "?")), metadata.get("namespace"))
    line = lines.locate(obj, ("kind",)) or start
    suppressions = _suppressions(obj, lines)
    common = dict(path=path, lines=lines, resource=resource, suppressions=suppressions)
    yield Document("kubernetes.object", line=line, data=obj, subject=str(resource), **common)
    spec_path = POD_SPEC_PATHS.get(kind)
    pod = _dig(obj, spec_path) if spec_path else None
    if not isinstance(pod, dict):
        return
    yield Document("kubernetes.pod", line=lines.locate(obj, spec_path) or line,
                   data={"kind": kind, "spec": pod}, subject=str(resource), **common)
    for key, container_type in CONTAINER_LISTS:
        containers = pod.get(key)
        if not isinstance(containers, list):
            continue
        for index, container in enumerate(containers):
            if not isinstance(container, dict):
                continue
            name = str(container.get("name", index))
            data = {"kind": kind, "type": container_type, "container": container, "pod": pod}
            yield Document(
                "kubernetes.container", line=lines.locate(containers, (index,)) or line,
                data=data, subject=f"{resource} {container_type} {name}", container=name,
                **common)


@hookimpl
def scaffold_parse(source):
    if not source.name.endswith(YAML_SUFFIXES):
        return None
    documents = []
    for yaml_document in source.yaml():
        for obj in _objects(yaml_document.data):
            documents.extend(_documents(obj, source.path, yaml_document.lines,
                                        yaml_document.line))
    return documents or None

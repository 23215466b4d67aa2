"""Kubernetes objects -> documents: every object, every pod spec and every container.

A pod document's data is `{"kind", "metadata", "spec"}` (the pod template's metadata, where
AppArmor annotations live); a container document's is `{"kind", "type", "container", "pod",
"metadata"}`, so a policy sees the pod-level defaults a container may override (see
`model.effective`). All documents share the objects parsed from the file: the line of any field
is found without copying.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scaffold import Document, Resource, annotation_suppression

IGNORE_ANNOTATION = "scaffold.dev/ignore"

# Where each workload kind keeps its pod template (a Pod is its own template).
TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
    # Workload kinds of widespread extensions, with the same `spec.template`.
    "DeploymentConfig": ("spec", "template"),  # OpenShift
    "Rollout": ("spec", "template"),  # Argo Rollouts
}
# The API groups an extension kind is read from (its name alone may belong to another CRD);
# `v1` is the legacy OpenShift group of DeploymentConfig.
TEMPLATE_GROUPS: dict[str, tuple[str, ...]] = {
    "DeploymentConfig": ("apps.openshift.io/", "v1"),
    "Rollout": ("argoproj.io/",),
}
CONTAINER_LISTS = (("containers", "container"), ("initContainers", "initContainer"),
                   ("ephemeralContainers", "ephemeralContainer"))


def is_object(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("apiVersion"), str) \
        and isinstance(data.get("kind"), str)


def dig(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at `path`, or None when any step is missing or of the wrong type."""
    for key in path:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def objects(data: Any) -> Iterator[dict]:
    """The object itself, or the items of a `List` kind (`v1/List`, `ServiceList`...)."""
    if not is_object(data):
        return
    if data["kind"].endswith("List") and isinstance(data.get("items"), list):
        for item in data["items"]:
            yield from objects(item)
    else:
        yield data


def resource_of(obj: dict) -> Resource:
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    namespace = metadata.get("namespace")
    return Resource(obj["kind"], str(metadata.get("name", metadata.get("generateName", "?"))),
                    str(namespace) if namespace is not None else None)


def _suppressions(obj: dict, lines: Any) -> tuple:
    annotations = dig(obj, ("metadata", "annotations"))
    if not isinstance(annotations, dict) or IGNORE_ANNOTATION not in annotations:
        return ()
    line = lines.locate(obj, ("metadata", "annotations", IGNORE_ANNOTATION)) or 1
    return (annotation_suppression(str(annotations[IGNORE_ANNOTATION]), line),)


def pod_template(obj: dict) -> tuple[tuple[str, ...], dict] | None:
    """(path, template) of the object's pod template: `{"metadata", "spec"}`-shaped."""
    path = TEMPLATE_PATHS.get(obj["kind"])
    if path is None:
        return None
    groups = TEMPLATE_GROUPS.get(obj["kind"])
    if groups is not None:
        version = str(obj.get("apiVersion") or "")
        if not any(version == g or (g.endswith("/") and version.startswith(g)) for g in groups):
            return None
    template = dig(obj, path) if path else obj
    if not isinstance(template, dict) or not isinstance(template.get("spec"), dict):
        return None
    return path, template


def documents(obj: dict, path: str, lines: Any, start: int, parsed: Any = None
              ) -> Iterator[Document]:
    """The documents of one object. `parsed` is passed on (a Helm or kustomize origin)."""
    kind = obj["kind"]
    resource = resource_of(obj)
    line = lines.locate(obj, ("kind",)) or start
    common = dict(path=path, lines=lines, resource=resource,
                  suppressions=_suppressions(obj, lines), parsed=parsed)
    subject = str(resource)
    yield Document("kubernetes.object", line=line, data=obj, subject=subject, **common)
    found = pod_template(obj)
    if found is None:
        return
    template_path, template = found
    pod = template["spec"]
    metadata = template.get("metadata") if isinstance(template.get("metadata"), dict) else {}
    yield Document("kubernetes.pod", line=lines.locate(obj, (*template_path, "spec")) or line,
                   data={"kind": kind, "metadata": metadata, "spec": pod}, subject=subject,
                   **common)
    for key, container_type in CONTAINER_LISTS:
        containers = pod.get(key)
        if not isinstance(containers, list):
            continue
        for index, container in enumerate(containers):
            if not isinstance(container, dict):
                continue
            name = str(container.get("name", index))
            data = {"kind": kind, "type": container_type, "container": container, "pod": pod,
                    "metadata": metadata}
            yield Document(
                "kubernetes.container", line=lines.locate(containers, (index,)) or line,
                data=data, subject=f"{subject} {container_type} {name}", container=name,
                **common)

"""Cross-resource checks: each object seen with every other object of its tree.

Objects only meet objects of the same tree: the plain manifests of the scan form one; each
Helm render and each kustomize build forms its own (a document's `parsed` names it with a
`tree` attribute). Within a tree, an object with no namespace is taken to share the namespace
it is compared with: manifests are usually applied with `-n`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from scaffold import Document
from scaffold_plugins.kubernetes.documents import dig, pod_template
from scaffold_plugins.kubernetes.model import containers, selector_matches

RELATED_TARGET = "kubernetes.related"
# Kinds that create a Secret of their name (or of `spec.target.name`) in the cluster.
SECRET_SOURCES = {"SealedSecret": ("spec", "template", "metadata", "name"),
                  "ExternalSecret": ("spec", "target", "name")}


def _same_namespace(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


class Tree:
    """The objects of one tree, indexed for the lookups cross-resource checks make."""

    def __init__(self, documents: Iterable[Document], complete: bool):
        self.complete = complete  # False: the scan was given files, not the whole tree
        self.by_kind: dict[str, list[Document]] = defaultdict(list)
        self.pods: list[tuple[Document, dict]] = []  # (workload, pod template labels)
        for document in documents:
            self.by_kind[document.resource.kind].append(document)
            found = pod_template(document.data)
            if found is not None:
                labels = dig(found[1], ("metadata", "labels"))
                self.pods.append((document, labels if isinstance(labels, dict) else {}))

    def named(self, kind: str, name: str, namespace: str | None) -> Document | None:
        for document in self.by_kind.get(kind, ()):
            if document.resource.name == name and \
                    _same_namespace(document.resource.namespace, namespace):
                return document
        return None

    def exists(self, kind: str, name: str, namespace: str | None) -> bool:
        if self.named(kind, name, namespace) is not None:
            return True
        if kind != "Secret":
            return False
        return any(_secret_name(source) == name and
                   _same_namespace(source.resource.namespace, namespace)
                   for source_kind in SECRET_SOURCES for source in self.by_kind.get(source_kind, ()))

    def selected_pods(self, selector: Any, namespace: str | None) -> list[Document]:
        return [workload for workload, labels in self.pods
                if _same_namespace(workload.resource.namespace, namespace)
                and selector_matches(selector, labels)]

    def selectors(self, kind: str, namespace: str | None) -> Iterator[tuple[Document, Any]]:
        for document in self.by_kind.get(kind, ()):
            if _same_namespace(document.resource.namespace, namespace):
                yield document, dig(document.data, ("spec", "podSelector") if kind ==
                                    "NetworkPolicy" else ("spec", "selector"))


def _secret_name(source: Document) -> str:
    return dig(source.data, SECRET_SOURCES[source.resource.kind]) or source.resource.name


class Related(NamedTuple):
    """What a related document's `parsed` holds: the tree, and the object's own `parsed`."""

    tree: Tree
    origin: Any = None


def _tree_key(document: Document) -> Any:
    return getattr(document.parsed, "tree", None)


def related_documents(documents: list[Document], complete: bool = True) -> list[Document]:
    groups: dict[Any, list[Document]] = defaultdict(list)
    for document in documents:
        if document.target == "kubernetes.object" and document.resource is not None:
            groups[_tree_key(document)].append(document)
    found = []
    for members in groups.values():
        tree = Tree(members, complete)
        found += [document._replace(target=RELATED_TARGET,
                                    parsed=Related(tree, document.parsed))
                  for document in members]
    return found


def pod_references(data: dict) -> Iterator[tuple[str, str, tuple]]:
    """(kind, name, path) of every ConfigMap, Secret and ServiceAccount a workload's pod
    refers to without `optional: true`."""
    found = pod_template(data)
    if found is None:
        return
    template_path, template = found
    spec_path = (*template_path, "spec")
    pod = template["spec"]
    account = pod.get("serviceAccountName") or pod.get("serviceAccount")
    if isinstance(account, str) and account != "default":
        yield "ServiceAccount", account, (*spec_path, "serviceAccountName")
    for index, volume in enumerate(pod.get("volumes") or ()):
        yield from _volume_references(volume, (*spec_path, "volumes", index))
    for index, secret in enumerate(pod.get("imagePullSecrets") or ()):
        if isinstance(secret, dict) and secret.get("name"):
            yield "Secret", secret["name"], (*spec_path, "imagePullSecrets", index)
    for key, index, container in containers(pod):
        yield from _env_references(container, (*spec_path, key, index))


def _required(reference: Any) -> bool:
    return isinstance(reference, dict) and not reference.get("optional")


def _volume_references(volume: Any, path: tuple) -> Iterator[tuple[str, str, tuple]]:
    if not isinstance(volume, dict):
        return
    config_map, secret = volume.get("configMap"), volume.get("secret")
    if _required(config_map) and config_map.get("name"):
        yield "ConfigMap", config_map["name"], (*path, "configMap")
    if _required(secret) and secret.get("secretName"):
        yield "Secret", secret["secretName"], (*path, "secret")
    projected = dig(volume, ("projected", "sources"))
    for index, source in enumerate(projected if isinstance(projected, list) else ()):
        for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            reference = source.get(key) if isinstance(source, dict) else None
            if _required(reference) and reference.get("name"):
                yield kind, reference["name"], (*path, "projected", "sources", index, key)


def _env_references(container: dict, path: tuple) -> Iterator[tuple[str, str, tuple]]:
    for index, source in enumerate(container.get("envFrom") or ()):
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            reference = source.get(key) if isinstance(source, dict) else None
            if _required(reference) and reference.get("name"):
                yield kind, reference["name"], (*path, "envFrom", index, key)
    for index, variable in enumerate(container.get("env") or ()):
        for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            reference = dig(variable, ("valueFrom", key))
            if _required(reference) and reference.get("name"):
                yield kind, reference["name"], (*path, "env", index, "valueFrom", key)

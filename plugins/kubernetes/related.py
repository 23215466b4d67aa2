"""Cross-resource checks: each object seen with every other object of its tree.

Objects only meet objects of the same tree: the plain manifests of the scan form one; each
Helm render and each kustomize build forms its own (a document's `parsed` names it with a
`tree` attribute); a manifest a build consumed is related only in that build. Within a tree,
an object with no namespace is taken to share the namespace it is compared with: manifests
are usually applied with `-n`.
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
    """The objects of one tree, indexed for the lookups cross-resource checks make: by kind
    and name, pods by label, selectors by the labels they require. A tree of 25,000 objects
    is checked in linear time, not by comparing every Service with every pod."""

    def __init__(self, documents: Iterable[Document], complete: bool):
        self.complete = complete  # False: the scan was given some files, not the whole tree
        self.by_kind: dict[str, list[Document]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[Document]] = defaultdict(list)
        self._pods: list[tuple[Document, dict]] = []  # (workload, pod template labels)
        self._pods_by_label: dict[tuple, list[int]] = defaultdict(list)
        self._selectors: dict[str, _SelectorIndex] = {}
        for document in documents:
            self.by_kind[document.resource.kind].append(document)
            self._by_name[(document.resource.kind, document.resource.name)].append(document)
            found = pod_template(document.data)
            if found is not None:
                labels = dig(found[1], ("metadata", "labels"))
                labels = labels if isinstance(labels, dict) else {}
                for pair in labels.items():
                    if _hashable(pair):
                        self._pods_by_label[pair].append(len(self._pods))
                self._pods.append((document, labels))

    def named(self, kind: str, name: str, namespace: str | None) -> Document | None:
        for document in self._by_name.get((kind, name), ()):
            if _same_namespace(document.resource.namespace, namespace):
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
        """The workloads whose pod template the selector matches."""
        required = _required_labels(selector)
        if required:  # only pods carrying the rarest required label can match
            candidates = min((self._pods_by_label.get(pair, ()) for pair in required), key=len)
            pods = [self._pods[index] for index in candidates]
        else:
            pods = self._pods
        return [workload for workload, labels in pods
                if _same_namespace(workload.resource.namespace, namespace)
                and selector_matches(selector, labels)]

    def covers(self, kind: str, labels: dict, namespace: str | None) -> bool:
        """Whether an object of `kind` (PodDisruptionBudget, NetworkPolicy) selects pods
        with these labels."""
        if kind not in self._selectors:
            self._selectors[kind] = _SelectorIndex(self.by_kind.get(kind, ()), kind)
        return self._selectors[kind].covers(labels, namespace)


class _SelectorIndex:
    """Selectors of one kind, keyed by one label each requires (or none)."""

    def __init__(self, documents: Iterable[Document], kind: str):
        path = ("spec", "podSelector") if kind == "NetworkPolicy" else ("spec", "selector")
        self._by_label: dict[tuple, list[tuple[Document, Any]]] = defaultdict(list)
        self._unkeyed: list[tuple[Document, Any]] = []
        for document in documents:
            if kind == "NetworkPolicy" and not _isolates_ingress(document.data):
                continue  # `policyTypes: [Egress]` only: the pods still accept any connection
            selector = dig(document.data, path)
            required = _required_labels(selector)
            if required:
                self._by_label[next(iter(required))].append((document, selector))
            else:
                self._unkeyed.append((document, selector))

    def covers(self, labels: dict, namespace: str | None) -> bool:
        candidates = [*self._unkeyed]
        for pair in labels.items():
            if _hashable(pair):
                candidates += self._by_label.get(pair, ())
        return any(_same_namespace(document.resource.namespace, namespace) and
                   selector_matches(selector, labels) for document, selector in candidates)


def _hashable(pair: tuple) -> bool:
    return isinstance(pair[0], str) and isinstance(pair[1], (str, int, float, bool))


def _isolates_ingress(policy: dict) -> bool:
    """Whether a NetworkPolicy restricts connections to the pods it selects: `policyTypes`
    lists Ingress, or is unset (then Ingress is always implied)."""
    types = dig(policy, ("spec", "policyTypes"))
    return "Ingress" in types if isinstance(types, list) and types else True


def _required_labels(selector: Any) -> list[tuple]:
    """The label pairs a selector requires (matchLabels, or a Service's plain map)."""
    if not isinstance(selector, dict):
        return []
    labels = selector.get("matchLabels") if ("matchLabels" in selector or
                                             "matchExpressions" in selector) else selector
    return [pair for pair in labels.items() if _hashable(pair)] \
        if isinstance(labels, dict) else []


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
    # A manifest a kustomize build consumed meets its objects in that build, where generated
    # ConfigMaps and the other resources listed exist: in the plain tree it would miss them.
    built = {d.path for key, members in groups.items()
             if isinstance(key, str) and key.startswith("kustomize:") for d in members}
    if built and None in groups:
        groups[None] = [d for d in groups[None] if d.path not in built]
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
    for index, volume in enumerate(_items(pod.get("volumes"))):
        yield from _volume_references(volume, (*spec_path, "volumes", index))
    for index, secret in enumerate(_items(pod.get("imagePullSecrets"))):
        if isinstance(secret, dict) and _named(secret.get("name")):
            yield "Secret", secret["name"], (*spec_path, "imagePullSecrets", index)
    for key, index, container in containers(pod):
        yield from _env_references(container, (*spec_path, key, index))


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []


def _named(name: Any) -> bool:
    return isinstance(name, str) and bool(name)


def _required(reference: Any) -> bool:
    return isinstance(reference, dict) and not reference.get("optional")


def _volume_references(volume: Any, path: tuple) -> Iterator[tuple[str, str, tuple]]:
    if not isinstance(volume, dict):
        return
    config_map, secret = volume.get("configMap"), volume.get("secret")
    if _required(config_map) and _named(config_map.get("name")):
        yield "ConfigMap", config_map["name"], (*path, "configMap")
    if _required(secret) and _named(secret.get("secretName")):
        yield "Secret", secret["secretName"], (*path, "secret")
    projected = dig(volume, ("projected", "sources"))
    for index, source in enumerate(projected if isinstance(projected, list) else ()):
        for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            reference = source.get(key) if isinstance(source, dict) else None
            if _required(reference) and _named(reference.get("name")):
                yield kind, reference["name"], (*path, "projected", "sources", index, key)


def _env_references(container: dict, path: tuple) -> Iterator[tuple[str, str, tuple]]:
    for index, source in enumerate(_items(container.get("envFrom"))):
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            reference = source.get(key) if isinstance(source, dict) else None
            if _required(reference) and _named(reference.get("name")):
                yield kind, reference["name"], (*path, "envFrom", index, key)
    for index, variable in enumerate(_items(container.get("env"))):
        for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            reference = dig(variable, ("valueFrom", key))
            if _required(reference) and _named(reference.get("name")):
                yield kind, reference["name"], (*path, "env", index, "valueFrom", key)

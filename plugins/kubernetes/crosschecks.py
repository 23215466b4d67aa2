"""The cross-resource checks (documents of target `kubernetes.related`, see `related`).

Checks that look for something *missing* from the tree run only on a complete tree: a
pre-commit run that was given one changed file must not report the Service in another file
as absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scaffold import Violation
from scaffold_plugins.kubernetes.documents import dig, pod_template
from scaffold_plugins.kubernetes.related import pod_references

SCALABLE = ("Deployment", "StatefulSet", "ReplicaSet")


def _tree(document) -> Any:
    return document.parsed.tree


def _selector_text(selector: Any) -> str:
    if not isinstance(selector, dict):
        return "{}"
    labels = selector.get("matchLabels", selector) if "matchExpressions" not in selector \
        else selector.get("matchLabels") or {}
    text = ",".join(f"{k}={v}" for k, v in labels.items() if isinstance(labels, dict))
    return text or "(expressions)"


def service_selects_nothing(document, params) -> Iterator[Violation]:
    tree, obj = _tree(document), document.data
    selector = dig(obj, ("spec", "selector"))
    if not tree.complete or dig(obj, ("spec", "type")) == "ExternalName" or not selector:
        return  # a Service without a selector has its endpoints managed by hand
    if not tree.selected_pods(selector, document.resource.namespace):
        yield Violation(message=f"selector {_selector_text(selector)} matches no pod template "
                                "in this tree", path=("spec", "selector"))


def _backends(obj: dict) -> Iterator[tuple[str, Any, tuple]]:
    """(service name, port number or name, path) of every Service backend of an Ingress."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    candidates = [(spec.get("defaultBackend"), ("spec", "defaultBackend")),
                  (spec.get("backend"), ("spec", "backend"))]
    rules = spec.get("rules")
    for r, rule in enumerate(rules if isinstance(rules, list) else ()):
        paths = dig(rule, ("http", "paths"))
        for p, item in enumerate(paths if isinstance(paths, list) else ()):
            candidates.append((dig(item, ("backend",)),
                               ("spec", "rules", r, "http", "paths", p, "backend")))
    for backend, path in candidates:
        if not isinstance(backend, dict):
            continue
        service = backend.get("service")
        if isinstance(service, dict) and isinstance(service.get("name"), str) \
                and service["name"]:  # networking.k8s.io/v1
            port = service.get("port") if isinstance(service.get("port"), dict) else {}
            yield service["name"], port.get("number", port.get("name")), (*path, "service")
        elif isinstance(backend.get("serviceName"), str) and backend["serviceName"]:
            # extensions/v1beta1, networking.k8s.io/v1beta1
            yield backend["serviceName"], backend.get("servicePort"), path


def _has_port(service: dict, port: Any) -> bool:
    ports = dig(service, ("spec", "ports")) or ()
    if not isinstance(ports, list):
        return True  # malformed: nothing to compare with
    key = "port" if isinstance(port, int) else "name"
    return any(isinstance(p, dict) and p.get(key) == port for p in ports)


def ingress_backend_missing(document, params) -> Iterator[Violation]:
    tree = _tree(document)
    if not tree.complete:
        return
    for name, port, path in _backends(document.data):
        service = tree.named("Service", name, document.resource.namespace)
        if service is None:
            yield Violation(message=f"backend Service {name} is not in this tree", path=path)
        elif port is not None and not _has_port(service.data, port):
            yield Violation(message=f"backend Service {name} has no port {port}",
                            path=(*path, "port") if path[-1] == "service" else path)


def _scale_target(hpa: dict) -> tuple[str, str] | None:
    target = dig(hpa, ("spec", "scaleTargetRef"))
    if isinstance(target, dict) and target.get("kind") and target.get("name"):
        return str(target["kind"]), str(target["name"])
    return None


def hpa_target_missing(document, params) -> Iterator[Violation]:
    tree, target = _tree(document), _scale_target(document.data)
    if not tree.complete or target is None:
        return
    if tree.named(*target, document.resource.namespace) is None:
        yield Violation(message=f"scale target {target[0]}/{target[1]} is not in this tree",
                        path=("spec", "scaleTargetRef"))


def _autoscalers(document) -> list:
    wanted = (document.resource.kind, document.resource.name)
    return [hpa for hpa in _tree(document).by_kind.get("HorizontalPodAutoscaler", ())
            if _scale_target(hpa.data) == wanted and
            (hpa.resource.namespace is None or document.resource.namespace is None
             or hpa.resource.namespace == document.resource.namespace)]


def hpa_replicas_conflict(document, params) -> Iterator[Violation]:
    if dig(document.data, ("spec", "replicas")) is None:
        return
    for hpa in _autoscalers(document):
        yield Violation(message=f"{hpa.resource} scales this {document.resource.kind}, and "
                                "every apply resets it to `replicas`: remove the field",
                        path=("spec", "replicas"))
        return


def _min_replicas(document) -> int:
    replicas = dig(document.data, ("spec", "replicas"))
    counts = [replicas if isinstance(replicas, int) else 1]
    counts += [dig(hpa.data, ("spec", "minReplicas")) or 1 for hpa in _autoscalers(document)]
    return max(count for count in counts if isinstance(count, int))


def single_replica(document, params) -> Iterator[Violation]:
    if dig(document.data, ("spec", "replicas")) == 0:
        return  # parked on purpose
    count = _min_replicas(document)
    if count < 2:
        scaled = _autoscalers(document)
        why = f"{scaled[0].resource} keeps as few as {count}" if scaled else \
            f"{count} replica" + (" (replicas is unset)" if dig(
                document.data, ("spec", "replicas")) is None else "")
        yield Violation(message=f"the Deployment may run a single replica: {why}",
                        path=("spec", "replicas"))


def _template_labels(document) -> dict:
    found = pod_template(document.data)
    labels = dig(found[1], ("metadata", "labels")) if found else None
    return labels if isinstance(labels, dict) else {}


def _covered_by(document, kind: str) -> bool:
    return _tree(document).covers(kind, _template_labels(document), document.resource.namespace)


def pdb_missing(document, params) -> Iterator[Violation]:
    if not _tree(document).complete or _min_replicas(document) < 2:
        return
    if not _covered_by(document, "PodDisruptionBudget"):
        yield Violation(message=f"{_min_replicas(document)} replicas and no "
                                "PodDisruptionBudget selects its pods",
                        path=("spec", "replicas"))


def network_policy_missing(document, params) -> Iterator[Violation]:
    if not _tree(document).complete or pod_template(document.data) is None:
        return
    if document.resource.kind == "Pod" and dig(document.data, ("metadata", "ownerReferences")):
        return
    if not _covered_by(document, "NetworkPolicy"):
        yield Violation(message="no NetworkPolicy restricts incoming traffic to its pods: they "
                                "accept connections from anywhere in the cluster")


def _missing(document, wanted: str) -> Iterator[Violation]:
    tree = _tree(document)
    if not tree.complete:
        return
    reported = set()
    for kind, name, path in pod_references(document.data):
        if kind != wanted or (name, path[-1]) in reported:
            continue
        if not tree.exists(kind, str(name), document.resource.namespace):
            reported.add((name, path[-1]))
            yield Violation(message=f"{kind} {name} is not in this tree", path=path)


def service_account_missing(document, params) -> Iterator[Violation]:
    return _missing(document, "ServiceAccount")


def config_map_missing(document, params) -> Iterator[Violation]:
    return _missing(document, "ConfigMap")


def secret_missing(document, params) -> Iterator[Violation]:
    return _missing(document, "Secret")

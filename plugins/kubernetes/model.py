"""What a container really gets: Kubernetes semantics the checks share.

The precedence rules live here once, so no check re-derives them: a container's
`securityContext` overrides its pod's for the fields both have; pod-only fields (`fsGroup`,
`sysctls`, `supplementalGroups`) exist only on the pod; an unset field means the runtime default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scaffold_plugins.kubernetes.documents import CONTAINER_LISTS, dig

# Fields of a container's securityContext that fall back to the pod's when unset.
POD_DEFAULTED = frozenset({"runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions",
                           "seccompProfile", "appArmorProfile", "windowsOptions"})

Path = tuple[str | int, ...]


def effective(data: dict, field: str) -> tuple[Any, Path]:
    """(value, path) of a security field for a container document's data.

    The path points at where the value came from (the container's or the pod's
    `securityContext`), or at the container's own `securityContext` when neither sets it,
    so a finding lands on the line to edit.
    """
    own = dig(data, ("container", "securityContext", field))
    if own is not None or field not in POD_DEFAULTED:
        return own, ("container", "securityContext", field)
    inherited = dig(data, ("pod", "securityContext", field))
    if inherited is not None:
        return inherited, ("pod", "securityContext", field)
    return None, ("container", "securityContext", field)


def containers(pod_spec: dict) -> Iterator[tuple[str, int, dict]]:
    """(list key, index, container) for every container of a pod spec, init and ephemeral too."""
    for key, _ in CONTAINER_LISTS:
        items = pod_spec.get(key)
        if isinstance(items, list):
            for index, container in enumerate(items):
                if isinstance(container, dict):
                    yield key, index, container


def labels(obj: Any, *path: str) -> dict:
    found = dig(obj, (*path, "labels")) if path else dig(obj, ("metadata", "labels"))
    return found if isinstance(found, dict) else {}


def selector_matches(selector: Any, pod_labels: dict) -> bool:
    """Whether a label selector (`{matchLabels, matchExpressions}` or a Service's plain map)
    selects pods with these labels. An empty selector selects everything."""
    if not isinstance(selector, dict):
        return False
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return all(pod_labels.get(k) == v for k, v in selector.items())
    match = selector.get("matchLabels") or {}
    if not isinstance(match, dict) or any(pod_labels.get(k) != v for k, v in match.items()):
        return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return False
    for expression in expressions:
        if not isinstance(expression, dict) or not _expression_matches(expression, pod_labels):
            return False
    return True


def _expression_matches(expression: dict, pod_labels: dict) -> bool:
    key, operator = expression.get("key"), expression.get("operator")
    values = expression.get("values") or ()
    if not isinstance(key, str) or not isinstance(values, list):
        return False  # malformed: the API server rejects it, it selects nothing here
    if operator == "In":
        return pod_labels.get(key) in values
    if operator == "NotIn":
        return pod_labels.get(key) not in values
    if operator == "Exists":
        return key in pod_labels
    if operator == "DoesNotExist":
        return key not in pod_labels
    return False

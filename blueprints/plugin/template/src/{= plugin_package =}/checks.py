"""The code checks this plugin's policies name, for what a JSON Schema cannot say: comparing
two fields of a document, here two Kubernetes quantities written in different units."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scaffold import Document, Violation

from .quantities import parse_quantity


def request_equals_limit(document: Document, params: Mapping[str, Any]) -> Iterator[Violation]:
    """Each resource in `params["resources"]` is requested as much as its limit allows.

    `document` is a `kubernetes.container` document: `data["container"]` is the container as
    written. A limit without a request passes, since Kubernetes then requests the limit; a
    missing limit is left to scaffold's own policies (KUBE002, KUBE206, KUBE208).
    """
    resources = document.data["container"].get("resources")
    if not isinstance(resources, dict):
        return
    requests = resources.get("requests") if isinstance(resources.get("requests"), dict) else {}
    limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
    for name in params["resources"]:
        if name not in requests or name not in limits:
            continue
        request, limit = parse_quantity(requests[name]), parse_quantity(limits[name])
        if request is None or limit is None:
            # The API refuses such a manifest, and its schema does not say so: say it here.
            side, value = ("request", requests[name]) if request is None \
                else ("limit", limits[name])
            yield Violation(f"The {name} {side} {value!r} is not a Kubernetes quantity "
                            "(e.g. 512Mi, 1Gi, 0.5).",
                            path=("container", "resources", f"{side}s", name))
        elif request != limit:
            relation = "below" if request < limit else "above"
            refused = "" if request < limit else ", which the Kubernetes API refuses"
            yield Violation(f"The {name} request ({requests[name]}) is {relation} its limit "
                            f"({limits[name]}){refused}.",
                            path=("container", "resources", "requests", name))

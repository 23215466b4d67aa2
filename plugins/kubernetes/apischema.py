"""The Kubernetes API's JSON schemas, loaded from kubernetes-validate's files and compiled
once per (version, apiVersion, kind) with jsonschema-rs.

kubernetes-validate ships, per Kubernetes minor version, one `_definitions.json` with every
type and strict variants (`additionalProperties: false`, so a misspelt field is an error).
Its own `validate()` reloads that 1.5 MB file for every object (67 objects/s); here it is read
once per version and each kind is compiled the first time an object of that kind is seen
(~10 ms), then validates in about a microsecond.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

DEFAULT_VERSION = "1.35"
_REF_PREFIX = '"/api/_definitions.json#/$defs/'
_VERSION_DIR = re.compile(r"^v(1\.\d+)\.0-local(-strict)?$")


@functools.cache
def schema_root() -> Path | None:
    spec = importlib.util.find_spec("kubernetes_validate")  # its files only, not its code
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"
    return root if root.is_dir() else None


@functools.cache
def versions() -> tuple[str, ...]:
    root = schema_root()
    found = {match[1] for path in (root.iterdir() if root else ())
             if (match := _VERSION_DIR.match(path.name))}
    return tuple(sorted(found, key=lambda v: int(v.split(".")[1])))


# The schemas accept any string as a quantity (`1 Gi`, `256MB`), which the API server rejects:
# the grammar of resource.Quantity (k8s.io/apimachinery), as a pattern.
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
QUANTITY_PATTERN = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$"


@functools.cache
def _definitions(version: str, strict: bool) -> dict[str, Any]:
    folder = schema_root() / f"v{version}.0-local{'-strict' if strict else ''}"
    text = (folder / "_definitions.json").read_text("utf-8")
    definitions = json.loads(text.replace(_REF_PREFIX, '"#/$defs/'))["$defs"]
    if QUANTITY in definitions:
        definitions[QUANTITY] = {"oneOf": [{"type": "string", "pattern": QUANTITY_PATTERN},
                                           {"type": ["number", "null"]}]}
    return definitions


@functools.cache
def _kinds(version: str) -> dict[tuple[str, str], str]:
    """(apiVersion, kind) -> the definition's name, from `x-kubernetes-group-version-kind`."""
    found = {}
    for name, definition in _definitions(version, True).items():
        for gvk in definition.get("x-kubernetes-group-version-kind") or ():
            group, api = gvk.get("group"), gvk.get("version")
            found[(f"{group}/{api}" if group else api, gvk.get("kind"))] = name
    return found


@functools.cache
def validator(version: str, strict: bool, api_version: str, kind: str) -> Any | None:
    """A compiled validator for one kind, or None when the version does not know it."""
    name = _kinds(version).get((api_version, kind))
    if name is None:
        return None
    import jsonschema_rs

    schema = {"$defs": _definitions(version, strict), "$ref": f"#/$defs/{name}"}
    return jsonschema_rs.Draft202012Validator(schema)


def _candidates(location: Path, api_version: str, kind: str) -> list[Path]:
    """Where a custom resource's schema may be, in the layouts kubeconform users keep them:
    the CRDs-catalog (`group/kind_version.json`) and openapi2jsonschema's
    (`kind_version.json`, `kind-group-version.json`)."""
    group, _, version = api_version.rpartition("/")
    kind = kind.lower()
    return [location / group / f"{kind}_{version}.json", location / f"{kind}_{version}.json",
            location / f"{kind}-{group.split('.')[0]}-{version}.json" if group
            else location / f"{kind}-{version}.json"]


@functools.cache
def custom_validator(locations: tuple[str, ...], api_version: str, kind: str) -> Any | None:
    import jsonschema_rs

    for location in locations:
        for path in _candidates(Path(location), api_version, kind):
            if path.is_file():
                return jsonschema_rs.validator_for(json.loads(path.read_text("utf-8")))
    return None

"""The code checks of the kubernetes plugin, by reference (`module:function`), imported the
first time a document needs one (see `scaffold.Check`). Grouped by the module that holds them.
"""

from __future__ import annotations

from scaffold import Check

_AT = "scaffold_plugins.kubernetes."

# -- pss: Pod Security Standards (baseline and restricted) ------------------------------------
PSS: list[Check] = [
]

# -- workloads: best practice for pods, containers and workload objects -----------------------
WORKLOADS: list[Check] = [
]

# -- objects: Services, Ingress, NetworkPolicy, PDB, HPA, ConfigMaps, RBAC -------------------
OBJECTS: list[Check] = [
]

# -- related: cross-resource checks over the whole tree --------------------------------------
RELATED: list[Check] = [
]

# -- api: schema validation and deprecated API versions ---------------------------------------
_VERSION = {"type": "string", "pattern": r"^1\.[0-9]{1,2}$",
            "description": "The Kubernetes minor version to check against, e.g. `1.35`. "
                           "Set it for every policy at once with `kubernetes-version:` in the "
                           "configuration."}
API_VERSION_PARAMS = {"type": "object", "additionalProperties": False,
                      "properties": {"kubernetes-version": _VERSION}}
SCHEMA_PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "kubernetes-version": {**_VERSION, "description": _VERSION["description"]
                               + " Schemas exist for 1.25 to 1.37."},
        "strict": {"type": "boolean", "description": "Unknown fields are errors (default)."},
        "schema-locations": {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": "Folders of JSON schemas for custom resources, in the CRDs-catalog "
                           "layout (`group/kind_version.json`) or openapi2jsonschema's "
                           "(`kind_version.json`); relative to the working directory."},
    },
}
API: list[Check] = [
    Check("kubernetes.schema", _AT + "api:schema_errors", SCHEMA_PARAMS),
    Check("kubernetes.unknown-kind", _AT + "api:unknown_kind", SCHEMA_PARAMS),
    Check("kubernetes.removed-api", _AT + "api:removed_api", API_VERSION_PARAMS),
    Check("kubernetes.deprecated-api", _AT + "api:deprecated_api", API_VERSION_PARAMS),
]

CHECKS = [*PSS, *WORKLOADS, *OBJECTS, *RELATED, *API]

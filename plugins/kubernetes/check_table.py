"""The code checks of the kubernetes plugin, by reference (`module:function`), imported the
first time a document needs one (see `scaffold.Check`). Grouped by the module that holds them.
"""

from __future__ import annotations

from scaffold import Check

_AT = "scaffold_plugins.kubernetes."

# -- pss: Pod Security Standards (baseline and restricted) ------------------------------------
# An allow-list the cluster's Kubernetes version decides (safe sysctls, volume types, SELinux
# types): the policy file holds the current standard's list, a config's `params` may change it.
_PSS_ALLOWED = {
    "type": "object", "additionalProperties": False, "required": ["allowed"],
    "properties": {"allowed": {"type": "array", "items": {"type": "string"},
                               "uniqueItems": True}},
}
_PSS_NONE = {"type": "object", "additionalProperties": False}
PSS: list[Check] = [
    Check("kubernetes.pss-host-process", _AT + "pss:host_process", _PSS_NONE),
    Check("kubernetes.pss-apparmor", _AT + "pss:apparmor", _PSS_NONE),
    Check("kubernetes.pss-selinux", _AT + "pss:selinux", _PSS_ALLOWED),
    Check("kubernetes.pss-seccomp-baseline", _AT + "pss:seccomp_baseline", _PSS_NONE),
    Check("kubernetes.pss-sysctls", _AT + "pss:sysctls", _PSS_ALLOWED),
    Check("kubernetes.pss-volume-types", _AT + "pss:volume_types", _PSS_ALLOWED),
    Check("kubernetes.pss-run-as-non-root", _AT + "pss:run_as_non_root", _PSS_NONE),
    Check("kubernetes.pss-run-as-user", _AT + "pss:run_as_user", _PSS_NONE),
    Check("kubernetes.pss-seccomp-restricted", _AT + "pss:seccomp_restricted", _PSS_NONE),
]

# -- workloads: best practice for pods, containers and workload objects -----------------------
_WL_NONE = {"type": "object", "additionalProperties": False}
_WL_REGISTRIES = {
    "type": "object", "additionalProperties": False, "required": ["registries"],
    "properties": {"registries": {
        "type": "array", "items": {"type": "string", "minLength": 1},
        "description": "Trusted registries: hosts (`docker.io`), host/path prefixes "
                       "(`registry.example.com/team`) or `*.example.com`. Empty: check off."}},
}
_WL_RESOURCE = {
    "type": "object", "additionalProperties": False, "required": ["resource", "kind"],
    "properties": {"resource": {"enum": ["cpu", "memory", "ephemeral-storage"]},
                   "kind": {"enum": ["requests", "limits"]}},
}
_WL_HIGH_ID = {
    "type": "object", "additionalProperties": False, "required": ["field", "minimum"],
    "properties": {"field": {"enum": ["runAsUser", "runAsGroup"]},
                   "minimum": {"type": "integer", "minimum": 1,
                               "description": "The lowest ID accepted."}},
}
WORKLOADS: list[Check] = [
    Check("kubernetes.trusted-registry", _AT + "workloads:trusted_registry", _WL_REGISTRIES),
    Check("kubernetes.image-pull-policy", _AT + "workloads:image_pull_policy", _WL_NONE),
    Check("kubernetes.container-resource", _AT + "workloads:container_resource", _WL_RESOURCE),
    Check("kubernetes.probe-port-name", _AT + "workloads:probe_port_name", _WL_NONE),
    Check("kubernetes.probe-port-number", _AT + "workloads:probe_port_number", _WL_NONE),
    Check("kubernetes.probes-identical", _AT + "workloads:probes_identical", _WL_NONE),
    Check("kubernetes.high-id", _AT + "workloads:high_id", _WL_HIGH_ID),
    Check("kubernetes.root-group", _AT + "workloads:root_group", _WL_NONE),
    Check("kubernetes.hard-coded-secret-env", _AT + "workloads:hard_coded_secret", _WL_NONE),
    Check("kubernetes.duplicate-env", _AT + "workloads:duplicate_env", _WL_NONE),
    Check("kubernetes.replicas-spread", _AT + "workloads:replicas_spread", _WL_NONE),
    Check("kubernetes.selector-matches-template",
          _AT + "workloads:selector_matches_template", _WL_NONE),
]

# -- objects: Services, Ingress, NetworkPolicy, PDB, HPA, ConfigMaps, RBAC -------------------
_OBJ_NONE = {"type": "object", "additionalProperties": False}
# Annotation -> the values that count (case-insensitive); an empty list: any value counts.
_OBJ_ANNOTATIONS = {"type": "object", "additionalProperties": {
    "type": "array", "items": {"type": ["string", "boolean", "integer"]}}}
_OBJ_RBAC_GRANTS = {
    "type": "object", "additionalProperties": False, "required": ["verbs", "resources"],
    "properties": {
        "verbs": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "resources": {"type": "array", "minItems": 1, "items": {
            "type": "string", "pattern": "^[a-z0-9*-]+(/[a-z0-9*-]+)?(\\.[a-z0-9.-]+)?$",
            "description": "`resource[/subresource][.group]`: `secrets`, `pods/exec`, "
                           "`deployments.apps`"}},
        "what": {"type": "string", "minLength": 1},
        "unless_named": {"type": "boolean"},
    },
}
OBJECTS: list[Check] = [
    Check("kubernetes.public-load-balancer", _AT + "objects:public_load_balancer",
          {**_OBJ_NONE, "properties": {"internal_annotations": _OBJ_ANNOTATIONS}}),
    Check("kubernetes.ingress-tls", _AT + "objects:ingress_tls",
          {**_OBJ_NONE, "properties": {"tls_annotations": _OBJ_ANNOTATIONS}}),
    Check("kubernetes.network-policy-allows-all", _AT + "objects:network_policy_allows_all",
          {**_OBJ_NONE, "required": ["direction"],
           "properties": {"direction": {"enum": ["ingress", "egress"]}}}),
    Check("kubernetes.hpa-cannot-scale", _AT + "objects:hpa_cannot_scale", _OBJ_NONE),
    Check("kubernetes.configmap-secrets", _AT + "objects:configmap_secrets", _OBJ_NONE),
    Check("kubernetes.secret-values", _AT + "objects:secret_values", _OBJ_NONE),
    Check("kubernetes.rbac-grants", _AT + "rbac:rule_grants", _OBJ_RBAC_GRANTS),
    Check("kubernetes.rbac-wildcards", _AT + "rbac:wildcards", _OBJ_NONE),
]

# -- related: cross-resource checks over the whole tree --------------------------------------
RELATED: list[Check] = [
    Check("kubernetes.service-selects-nothing", _AT + "crosschecks:service_selects_nothing"),
    Check("kubernetes.ingress-backend-missing", _AT + "crosschecks:ingress_backend_missing"),
    Check("kubernetes.hpa-target-missing", _AT + "crosschecks:hpa_target_missing"),
    Check("kubernetes.hpa-replicas-conflict", _AT + "crosschecks:hpa_replicas_conflict"),
    Check("kubernetes.pdb-missing", _AT + "crosschecks:pdb_missing"),
    Check("kubernetes.single-replica", _AT + "crosschecks:single_replica"),
    Check("kubernetes.network-policy-missing", _AT + "crosschecks:network_policy_missing"),
    Check("kubernetes.service-account-missing", _AT + "crosschecks:service_account_missing"),
    Check("kubernetes.config-map-missing", _AT + "crosschecks:config_map_missing"),
    Check("kubernetes.secret-missing", _AT + "crosschecks:secret_missing"),
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

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
API: list[Check] = [
]

CHECKS = [*PSS, *WORKLOADS, *OBJECTS, *RELATED, *API]

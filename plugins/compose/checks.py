"""The compose code checks, registered with the schema their params must satisfy."""

from __future__ import annotations

from scaffold import Check
from scaffold_plugins.compose import (
    checks_file,
    checks_images,
    checks_ports,
    checks_runtime,
    checks_security,
)

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_PORTS = {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535}}
_ABSOLUTE = {"type": "string", "pattern": "^/"}


def _params(required: dict, optional: dict | None = None) -> dict:
    return {"type": "object", "additionalProperties": False, "required": sorted(required),
            "properties": {**required, **(optional or {})}}


# How a datastore is recognised: by its image, or by the port it listens on.
_DATASTORES = _params({"images": _STRINGS, "ports": _PORTS}, {"public_ports": _PORTS})

CHECKS = [
    Check("compose.docker-socket", checks_security.docker_socket, _params({"sockets": _STRINGS})),
    Check("compose.sensitive-host-path", checks_security.sensitive_host_path,
          _params({"paths": _STRINGS, "allowed_read_only": _STRINGS},
                  {"exact_paths": _STRINGS})),
    Check("compose.dangerous-capabilities", checks_security.dangerous_capabilities,
          _params({"capabilities": _STRINGS})),
    Check("compose.run-as-root", checks_security.run_as_root,
          _params({"nonroot_images": _STRINGS})),
    Check("compose.secret-in-environment", checks_security.secret_in_environment),
    Check("compose.healthcheck", checks_runtime.healthcheck),
    Check("compose.depends-on-healthy", checks_runtime.depends_on_healthy),
    Check("compose.depends-on-undefined", checks_runtime.depends_on_undefined),
    Check("compose.env-file-missing", checks_runtime.env_file_missing),
    Check("compose.datastore-volume", checks_runtime.datastore_volume,
          _params({"data_dirs": {"type": "object", "additionalProperties": {
              "oneOf": [_ABSOLUTE, {"type": "array", "items": _ABSOLUTE, "minItems": 1}]}}})),
    Check("compose.privileged-host-port", checks_ports.privileged_host_port,
          _params({"below": {"type": "integer", "minimum": 1, "maximum": 65536},
                   "allowed": _PORTS})),
    Check("compose.datastore-port-public", checks_ports.datastore_port_public, _DATASTORES),
    Check("compose.port-on-all-interfaces", checks_ports.port_on_all_interfaces, _DATASTORES),
    Check("compose.image-tag", checks_images.image_tag),
    Check("compose.image-digest", checks_images.image_digest),
    Check("compose.schema", checks_file.compose_schema),
    Check("compose.duplicate-container-names", checks_file.duplicate_container_names),
    Check("compose.duplicate-published-ports", checks_file.duplicate_published_ports),
    Check("compose.default-network-only", checks_file.default_network_only,
          _params({"min_services": {"type": "integer", "minimum": 2}})),
    Check("compose.referenced-files-missing", checks_file.referenced_files_missing),
]

"""The code checks of the compose plugin, by reference, with the schema their params must
satisfy.

Each function is named as `module:function` and imported the first time a document needs it
(see `scaffold.Check`): every run registers every check, and a one-file pre-commit run should
not import the code of checks it never calls.
"""

from __future__ import annotations

from scaffold import Check

_AT = "scaffold_plugins.compose."
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_PORTS = {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535}}
_ABSOLUTE = {"type": "string", "pattern": "^/"}


def _params(required: dict, optional: dict | None = None) -> dict:
    return {"type": "object", "additionalProperties": False, "required": sorted(required),
            "properties": {**required, **(optional or {})}}


# How a datastore is recognised: by its image, or by the port it listens on.
_DATASTORES = _params({"images": _STRINGS, "ports": _PORTS}, {"public_ports": _PORTS})

CHECKS = [
    Check("compose.docker-socket", _AT + "checks_security:docker_socket", _params({"sockets": _STRINGS})),
    Check("compose.sensitive-host-path", _AT + "checks_security:sensitive_host_path",
          _params({"paths": _STRINGS, "allowed_read_only": _STRINGS},
                  {"exact_paths": _STRINGS})),
    Check("compose.dangerous-capabilities", _AT + "checks_security:dangerous_capabilities",
          _params({"capabilities": _STRINGS})),
    Check("compose.run-as-root", _AT + "checks_security:run_as_root",
          _params({"nonroot_images": _STRINGS})),
    Check("compose.secret-in-environment", _AT + "checks_security:secret_in_environment"),
    Check("compose.healthcheck", _AT + "checks_runtime:healthcheck"),
    Check("compose.depends-on-healthy", _AT + "checks_runtime:depends_on_healthy"),
    Check("compose.depends-on-undefined", _AT + "checks_runtime:depends_on_undefined"),
    Check("compose.env-file-missing", _AT + "checks_runtime:env_file_missing"),
    Check("compose.datastore-volume", _AT + "checks_runtime:datastore_volume",
          _params({"data_dirs": {"type": "object", "additionalProperties": {
              "oneOf": [_ABSOLUTE, {"type": "array", "items": _ABSOLUTE, "minItems": 1}]}}})),
    Check("compose.privileged-host-port", _AT + "checks_ports:privileged_host_port",
          _params({"below": {"type": "integer", "minimum": 1, "maximum": 65536},
                   "allowed": _PORTS})),
    Check("compose.datastore-port-public", _AT + "checks_ports:datastore_port_public", _DATASTORES),
    Check("compose.port-on-all-interfaces", _AT + "checks_ports:port_on_all_interfaces", _DATASTORES),
    Check("compose.image-tag", _AT + "checks_images:image_tag"),
    Check("compose.image-digest", _AT + "checks_images:image_digest"),
    Check("compose.schema", _AT + "checks_file:compose_schema"),
    Check("compose.duplicate-container-names", _AT + "checks_file:duplicate_container_names"),
    Check("compose.duplicate-published-ports", _AT + "checks_file:duplicate_published_ports"),
    Check("compose.default-network-only", _AT + "checks_file:default_network_only",
          _params({"min_services": {"type": "integer", "minimum": 2}})),
    Check("compose.referenced-files-missing", _AT + "checks_file:referenced_files_missing"),
    Check("traefik.http-redirect", _AT + "checks_traefik:http_redirect"),
    Check("traefik.router-tls", _AT + "checks_traefik:router_tls"),
    Check("traefik.security-headers", _AT + "checks_traefik:security_headers"),
    Check("traefik.rate-limit", _AT + "checks_traefik:rate_limit"),
    Check("traefik.dashboard-auth", _AT + "checks_traefik:dashboard_auth"),
]

"""Which files are compose files, and which of them overlay a base file.

Compose reads `compose.yaml` (or `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`)
as the base of a project and `compose.override.yaml` on top of it; teams add variants such as
`docker-compose.prod.yml` that they pass with `-f` after the base. A variant usually only
completes the base's services, which decides what policies may demand of it (see `parse.py`).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# Target names and kinds, here so that registering the plugin imports no parsing code.
FILE_TARGET = "compose.file"
SERVICE_TARGET = "compose.service"
COMPOSE_KIND = "compose"  # what another file says a compose file with an unusual name is
STATIC_TARGET = "traefik.static"
ROUTER_TARGET = "traefik.router"
TRAEFIK_FILE = re.compile(r"^traefik\.(ya?ml|toml)$", re.IGNORECASE)


def might_be_traefik(data: object) -> bool:
    """A cheap first look before the Traefik reader is even imported: static configurations
    define `entryPoints`, dynamic ones `http`. The reader itself decides."""
    return isinstance(data, dict) and any(str(k).lower() in ("entrypoints", "http")
                                          for k in data)

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

# `compose.prod.yaml`, `docker-compose.override.yml`, `docker-compose.ci.local.yaml`.
_VARIANT = re.compile(r"^(?:docker-)?compose\.[A-Za-z0-9_.-]+\.ya?ml$")
# `docker-compose-dev.yml` is common too, though Compose itself never looks for it.
_DASHED_VARIANT = re.compile(r"^docker-compose-[A-Za-z0-9_.-]+\.ya?ml$")

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]


def is_compose_file(name: str) -> bool:
    return name in BASE_NAMES or bool(_VARIANT.match(name) or _DASHED_VARIANT.match(name))


# The top-level keys of the Compose Specification.
_TOP_LEVEL = {"version", "name", "include", "services", "networks", "volumes", "secrets",
              "configs", "models"}


def looks_like_compose(data: object) -> bool:
    """A YAML value shaped like a compose file (`docker-stack.yml`, a file that `include` or
    `extends` names): only compose's top-level keys, and services that name an image, a
    build or a parent service."""
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        return False
    if any(str(key) not in _TOP_LEVEL and not str(key).startswith("x-") for key in data):
        return False
    return any(isinstance(service, dict) and ("image" in service or "build" in service
                                              or "extends" in service)
               for service in data["services"].values())


def is_variant(name: str) -> bool:
    """An override or variant file, which may complete another file's services."""
    return name not in BASE_NAMES and is_compose_file(name)


def base_service_names(folder: Path) -> frozenset[str]:
    """The services the base compose files beside a variant define (read, not checked:
    the walk checks those files on their own)."""
    names: set[str] = set()
    for name in BASE_NAMES:
        path = folder / name
        try:
            data = yaml.load(path.read_text("utf-8-sig"), Loader=_Loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        services = data.get("services") if isinstance(data, dict) else None
        if isinstance(services, dict):
            names.update(str(key) for key in services)
    return frozenset(names)

"""Traefik documents: the static configuration (`traefik.static`) and each HTTP router
(`traefik.router`), from Traefik's own files and from compose files.

- `traefik.yml`, `traefik.yaml`, `traefik.toml`, and YAML files whose top level is a static
  configuration (`entryPoints`, `providers`...) or dynamic one (`http: {routers: ...}`);
- in a compose file: the static configuration of a Traefik service given as flags in its
  `command:` or as `TRAEFIK_*` variables, and the routers of every service's `traefik.*`
  labels (with the middlewares all services' labels define, as the Docker provider sees them).

A router document's `data` is `{"name", "router", "service"}` (the router's options with
lower-case keys; `service` is the compose service carrying the labels, or None); the static
document's `data` is the configuration with lower-case keys.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from scaffold import Document, LineIndex, ParseError
from scaffold_plugins.compose import traefik_config as config
from scaffold_plugins.compose.names import (  # the target names are re-exported for callers
    ROUTER_TARGET,
    STATIC_TARGET,
)
from scaffold_plugins.compose.names import TRAEFIK_FILE as STATIC_NAME
from scaffold_plugins.compose.parse import ComposeFile, Service
from scaffold_plugins.compose.traefik_model import RouterContext, StaticFacts, section

_DYNAMIC_SECTIONS = {"routers", "middlewares", "services", "serverstransports"}
# Where the Traefik image looks for its static configuration file.
_STATIC_MOUNTS = ("/etc/traefik/traefik.yml", "/etc/traefik/traefik.yaml",
                  "/etc/traefik/traefik.toml", "/traefik.yml", "/traefik.yaml", "/traefik.toml")


def _toml() -> Any:
    """tomllib, imported only when a TOML file is met (most trees have none)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def _top_keys(data: Any) -> set[str]:
    return {str(key).lower() for key in data} if isinstance(data, dict) else set()


def looks_static(data: Any) -> bool:
    """A static configuration not named `traefik.*`: it defines entry points (the one key
    nearly every static configuration has, and no Helm values or manifest does)."""
    keys = _top_keys(data)
    return "entrypoints" in keys and not keys & {"apiversion", "services", "http"}


def looks_dynamic(data: Any) -> bool:
    keys = _top_keys(data)
    if "apiversion" in keys or "services" in keys or "http" not in keys:
        return False
    http = next(v for k, v in data.items() if str(k).lower() == "http")
    return bool(_top_keys(http) & _DYNAMIC_SECTIONS)


# -- reading other files for context ----------------------------------------------------------


def _load_any(path: Path) -> Any:
    text = path.read_text("utf-8-sig", errors="replace")
    if path.suffix.lower() == ".toml":
        return _toml().loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=128)
def _static_at(path: str, mtime_ns: int) -> StaticFacts | None:
    del mtime_ns  # part of the cache key only
    try:
        data = _load_any(Path(path))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or looks_dynamic(data):  # known to be static by its place
        return None
    return StaticFacts(config.lower_keys(data, LineIndex(), lambda _: None))


def static_from_file(path: Path) -> StaticFacts | None:
    try:
        return _static_at(str(path), os.stat(path).st_mtime_ns)
    except OSError:
        return None


def static_beside(folder: Path) -> StaticFacts | None:
    """The static configuration in this folder or its parent, for a dynamic file."""
    for directory in (folder, folder.parent):
        for name in ("traefik.yml", "traefik.yaml", "traefik.toml"):
            found = static_from_file(directory / name)
            if found is not None:
                return found
    return None


# -- Traefik's own files ----------------------------------------------------------------------


def _toml_line_for(positions: dict[tuple, int]) -> config.LineFor:
    def line_for(path: tuple) -> int | None:
        while path:  # a key inside an inline table: the line of the nearest known parent
            if path in positions:
                return positions[path]
            path = path[:-1]
        return None
    return line_for


def _file_config(source: Any) -> tuple[Any, config.LineFor, LineIndex] | None:
    """(data as written, the line of a path in it, the index to mark copies in); None when
    the file is empty."""
    if source.name.lower().endswith(".toml"):
        try:
            data = _toml().loads(source.text)
        except ValueError as error:  # tomllib.TOMLDecodeError, which names the place
            where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
            message = f"invalid TOML: {str(error).split(' (at line')[0]}"
            if where is None:
                raise ParseError(message) from None
            raise ParseError(message, int(where.group(1)), int(where.group(2))) from None
        return data, _toml_line_for(config.toml_lines(source.text)), LineIndex()
    documents = source.yaml()
    if not documents:
        return None
    first = documents[0]
    return first.data, lambda path: first.lines.locate(first.data, path), first.lines


def _static_document(path: str, data: dict, lines: LineIndex, line: int,
                     routers: list[RouterContext], subject: str | None = None,
                     container: str | None = None) -> Document:
    return Document(STATIC_TARGET, path, line, data, lines, subject=subject,
                    container=container, parsed=(StaticFacts(data), routers))


def _router_documents(path: str, dynamic: dict, lines: LineIndex, provider: str,
                      middlewares: dict, static: StaticFacts | None,
                      service: Service | None = None) -> Iterator[Document]:
    routers = section(dynamic, "http", "routers")
    for name, router in routers.items():
        if not isinstance(router, dict):
            continue
        context = RouterContext(name, router, provider, middlewares, static)
        owner = service.name if service else None
        data = {"name": name, "router": router, "service": owner}
        line = lines.locate(routers, (name,)) or (service.line if service else 1)
        lines.mark_all(data, {"name": line, "router": line})
        subject = f"service {owner} router {name}" if owner else f"router {name}"
        yield Document(ROUTER_TARGET, path, line, data, lines, subject=subject,
                       container=owner, parsed=context)


def file_documents(source: Any) -> list[Document] | None:
    """Documents for a Traefik file, or None when the file is not one."""
    by_name = bool(STATIC_NAME.match(source.name)) or source.kind == STATIC_TARGET
    if not by_name and not source.name.lower().endswith((".yaml", ".yml")):
        return None
    try:
        found = _file_config(source)
    except ParseError:
        if by_name:
            raise
        return None  # not known to be Traefik's: the YAML plugin reports the syntax error
    if found is None:
        return [] if by_name else None
    raw, line_for, lines = found
    static, dynamic = looks_static(raw), looks_dynamic(raw)
    if not (by_name or static or dynamic):
        return None  # the common case, decided before copying anything
    data = config.lower_keys(raw, lines, line_for)
    if not dynamic or static:
        line = min((n for n in (line_for((k,)) for k in raw) if n), default=1)
        return [_static_document(source.path, data, lines, line, [])]
    middlewares = section(data, "http", "middlewares")
    context = static_beside(source.abspath.parent)
    return list(_router_documents(source.path, data, lines, "file", middlewares, context))


# -- compose files ----------------------------------------------------------------------------


def _words(service: Service) -> list[tuple[str, int | None]]:
    """The words of the service's `entrypoint:` and `command:`, each with its line."""
    compose = service.compose
    found = []
    for key in ("entrypoint", "command"):
        written = service.definition.get(key)
        start = compose.line_of(service.definition, key) or service.line

        def find_line(word: str, start: int = start) -> int:
            """The first line from the key's that holds the word (a folded string)."""
            last = min(start + 200, len(compose.text_lines))
            return next((n for n in range(start, last + 1)
                         if word in compose.text_lines[n - 1]), start)

        found += config.command_words(written, lambda i, w=written: compose.line_of(w, i),
                                      find_line)
    return found


def _is_traefik(service: Service, flags: list) -> bool:
    image = service.image
    if image is not None and image.known and image.name == "traefik":
        return True
    return any(path[0] in ("entrypoints", "providers") for path, _, _ in flags)


def _mounted_static_file(service: Service, config_file: str | None) -> Path | None:
    """The host file Traefik reads its static configuration from, through a bind mount of
    the file itself or of a folder holding it (`./traefik:/etc/traefik`)."""
    wanted = (config_file,) if config_file else _STATIC_MOUNTS
    for mount in service.data["mounts"]:
        source, target = mount["source"], str(mount["target"]).rstrip("/")
        if mount["type"] != "bind" or not source or source.startswith("~"):
            continue
        for path in wanted:
            if path == target:
                return service.compose.folder / source
            if path.startswith(target + "/"):
                candidate = service.compose.folder / source / path[len(target) + 1:]
                if candidate.is_file():
                    return candidate
    return None


def _service_static(service: Service, source: Any) -> tuple[dict | None, StaticFacts | None]:
    """(static configuration written in the compose file, facts for its routers)."""
    image = service.image
    if not ("command" in service.definition or "entrypoint" in service.definition
            or image and image.name == "traefik"):
        return None, None  # the common case: not a Traefik service
    flags = config.flags(_words(service))
    if not _is_traefik(service, flags):
        return None, None
    config_file = next((str(v) for p, v, _ in flags if p == ["configfile"]), None)
    mounted = _mounted_static_file(service, config_file)
    if mounted is not None:  # Traefik reads the file and ignores flags and variables
        source.refer(mounted, STATIC_TARGET)
        return None, static_from_file(mounted)
    lines = service.compose.lines
    entries = flags or config.env_entries(service.data["environment"], lines)
    if not entries:
        return None, None
    data = config.tree(entries, lines)
    return data, StaticFacts(data)


def _label_config(service: Service) -> dict:
    return config.tree(config.label_entries(service.data["labels"], service.compose.lines),
                       service.compose.lines)


def _routed(service: Service, dynamic: dict, static: StaticFacts | None) -> bool:
    """Whether Traefik routes to the service: `traefik.enable`, else `exposedByDefault`."""
    enabled = dynamic.get("enable")
    if enabled is not None:
        return enabled is True
    return static is None or static.exposed_by_default()


def compose_documents(compose: ComposeFile, source: Any) -> list[Document]:
    statics = [(service, *_service_static(service, source))
               for service in compose.services.values()]
    facts = next((f for _, _, f in statics if f is not None), None)
    labels = {name: _label_config(s) for name, s in compose.services.items()}
    middlewares: dict[str, Any] = {}
    for dynamic in labels.values():
        middlewares.update(section(dynamic, "http", "middlewares"))
    found: list[Document] = []
    for name, service in compose.services.items():
        if labels[name] and _routed(service, labels[name], facts):
            found += _router_documents(compose.path, labels[name], compose.lines, "docker",
                                       middlewares, facts, service)
    routers = [d.parsed for d in found]
    for service, data, _ in statics:
        if data is not None:
            line = compose.line_of(service.definition, "command") or service.line
            found.append(_static_document(compose.path, data, compose.lines, line, routers,
                                          f"service {service.name}", service.name))
    return found

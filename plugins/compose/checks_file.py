"""Checks on a whole compose file: the compose-spec schema, names and ports two services
cannot share, referenced files, and network segmentation."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import combinations

from scaffold import Document, Violation
from scaffold_plugins.compose import schema
from scaffold_plugins.compose.interpolate import UNKNOWN
from scaffold_plugins.compose.normalize import ALL_INTERFACES
from scaffold_plugins.compose.parse import ComposeFile, Service


def compose_schema(document: Document, params: Mapping) -> Iterator[Violation]:
    compose: ComposeFile = document.parsed
    if compose.empty:
        yield Violation("The file is empty: Compose refuses a file with no configuration.")
        return
    for path, message in schema.errors(document.data):
        yield Violation(message, path=tuple(path))


def duplicate_container_names(document: Document, params: Mapping) -> Iterator[Violation]:
    compose: ComposeFile = document.parsed
    owners: dict[str, str] = {}
    for service in compose.services.values():
        name = service.definition.get("container_name")
        if not isinstance(name, str):
            continue
        name = compose.resolve.resolve(name)
        if UNKNOWN in name:
            continue
        if name in owners:
            yield Violation(f"Services `{owners[name]}` and `{service.name}` both use "
                            f"`container_name: {name}`: the second cannot be created.",
                            line=compose.line_of(service.definition, "container_name"))
        else:
            owners[name] = service.name


def _can_run_together(first: Service, second: Service) -> bool:
    """Services in disjoint profiles are alternatives (`app` and `app-debug`)."""
    profiles = [s.definition.get("profiles") for s in (first, second)]
    if not all(isinstance(p, list) and p for p in profiles):
        return True
    return bool(set(map(str, profiles[0])) & set(map(str, profiles[1])))


def _clash(first: dict, second: dict) -> bool:
    if first["protocol"] != second["protocol"] or None in (first["host_ip"], second["host_ip"]):
        return False
    ips = {first["host_ip"], second["host_ip"]}
    if len(ips) > 1 and ALL_INTERFACES not in ips:
        return False
    (low1, high1), (low2, high2) = first["published"], second["published"]
    return low1 <= high2 and low2 <= high1


def _published(compose: ComposeFile) -> list[tuple[Service, dict]]:
    return [(service, port) for service in compose.services.values()
            for port in service.data["ports"] if port["published"]]


def duplicate_published_ports(document: Document, params: Mapping) -> Iterator[Violation]:
    compose: ComposeFile = document.parsed
    reported: set[int] = set()
    for (service1, port1), (service2, port2) in combinations(_published(compose), 2):
        if id(port2) in reported or not _clash(port1, port2):
            continue
        if service1 is not service2 and not _can_run_together(service1, service2):
            continue
        reported.add(id(port2))
        other = "this service" if service1 is service2 else f"service `{service1.name}`"
        yield Violation(f"`{service2.name}` publishes `{port2['text']}`, which {other} "
                        f"already publishes (`{port1['text']}`).",
                        line=compose.lines.locate(port2, ("text",)))


def default_network_only(document: Document, params: Mapping) -> Iterator[Violation]:
    compose: ComposeFile = document.parsed
    services = list(compose.services.values())
    if compose.variant or len(services) < params["min_services"]:
        return
    if any("networks" in s.definition or "network_mode" in s.definition for s in services):
        return
    yield Violation(f"All {len(services)} services share the default network, so each can "
                    "reach every other one.", path=("services",))


def referenced_files_missing(document: Document, params: Mapping) -> Iterator[Violation]:
    compose: ComposeFile = document.parsed
    for section in ("secrets", "configs"):
        entries = compose.data.get(section)
        if not isinstance(entries, dict):
            continue
        for name, entry in entries.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                continue
            relative = compose.resolve.resolve(entry["file"])
            if UNKNOWN in relative or (compose.folder / relative).exists():
                continue
            yield Violation(f"The {section[:-1]} `{name}` reads `{relative}`, which does not "
                            "exist beside the compose file.", path=(section, name, "file"))

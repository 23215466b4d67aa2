"""Checks on the ports a service publishes on the host (normalised in `normalize.ports`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from scaffold import Document, Violation
from scaffold_plugins.compose.images import matches_any
from scaffold_plugins.compose.normalize import ALL_INTERFACES
from scaffold_plugins.compose.parse import Service


def _shown(port: dict) -> str:
    return f"`{port['text']}`"


def privileged_host_port(document: Document, params: Mapping) -> Iterator[Violation]:
    for index, port in enumerate(document.data["ports"]):
        published = port["published"]
        if published and published[0] < params["below"] \
                and published[0] not in params["allowed"]:
            yield Violation(f"Port {_shown(port)} publishes host port {published[0]}, below "
                            f"{params['below']}.", path=("ports", index))


def _is_datastore(service: Service, port: dict, params: Mapping) -> bool:
    image = service.image
    if image is not None and image.known and matches_any(image, params["images"]):
        return True
    target = port["target"]
    return bool(target) and target[0] in params["ports"]


def _host_port(port: dict) -> str:
    if port["published"]:
        return f"host port {port['published'][0]}"
    return "a random host port" if port["random"] else "a host port"


def _on_all_interfaces(port: dict) -> bool:
    return port["host_ip"] == ALL_INTERFACES


def datastore_port_public(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    for index, port in enumerate(document.data["ports"]):
        if _on_all_interfaces(port) and _is_datastore(service, port, params):
            yield Violation(f"Port {_shown(port)} publishes a datastore on {_host_port(port)} "
                            "of every interface: bind it to `127.0.0.1:`, or drop it and use "
                            "the compose network.", path=("ports", index))


def port_on_all_interfaces(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    for index, port in enumerate(document.data["ports"]):
        if not _on_all_interfaces(port) or _is_datastore(service, port, params):
            continue  # datastores have their own, stricter policy
        published = port["published"]
        if published and published[0] in params.get("public_ports", ()):
            continue
        yield Violation(f"Port {_shown(port)} is published on every interface of the host.",
                        path=("ports", index))

"""A compose file as documents: the file itself (`compose.file`) and each service
(`compose.service`), from the shared YAML parse.

A service document's `data` is the service as written (after same-file `extends`, see
`merge.py`) plus normalised views of the fields Compose accepts in several forms:

    {"name", "partial", "override", "service", "file", "ports", "mounts", "environment",
     "labels", "security_options", "capabilities", "limits", "depends_on", "env_files"}

`override` is true in an override or variant file (see `names.py`).

`partial` is true when the service is completed by another file: a service in an override
or variant file (`compose.override.yaml`, `docker-compose.prod.yml`) that the base file beside
it also defines, or that has neither `image` nor `build`; or one that `extends` a service of
another file. Policies about something *missing* (no healthcheck, no limits) skip partial
services, since the base file is where that is set and reported; policies about something
*present* (privileged, a mounted socket) apply to every file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from scaffold import Document, LineIndex, annotation_suppression
from scaffold_plugins.compose import normalize
from scaffold_plugins.compose.dockerfile_probe import (
    DockerfileFacts,
    facts_from_file,
    facts_from_text,
)
from scaffold_plugins.compose.images import ImageRef, parse_image
from scaffold_plugins.compose.interpolate import UNKNOWN, Interpolator, project_variables
from scaffold_plugins.compose.merge import effective_service
from scaffold_plugins.compose.names import (  # the target names are re-exported for callers
    COMPOSE_KIND,
    FILE_TARGET,
    SERVICE_TARGET,
    base_service_names,
    is_variant,
)

IGNORE_LABEL = "scaffold.dev/ignore"

_REMOTE_CONTEXT = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


@dataclass
class ComposeFile:
    """One compose file, parsed once and shared by all its documents and checks."""

    path: str  # relative to the scan root, as reports show it
    folder: Path  # absolute: env files, Dockerfiles and `.env` are relative to it
    top: Any  # the file's YAML value as written (a mapping, unless the file is broken)
    data: dict  # `top` when it is a mapping, else empty
    lines: LineIndex
    text_lines: list[str]
    resolve: Interpolator
    variant: bool
    base_services: frozenset[str]
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.top is None

    def line_of(self, container: Any, *path: str | int) -> int | None:
        return self.lines.locate(container, path)


@dataclass
class Build:
    context: Path | None  # None when remote (a git URL) or unknown (`${CONTEXT}`)
    dockerfile: Path | None
    inline: str | None
    target: str | None


@dataclass
class Service:
    name: str
    line: int
    definition: dict  # after same-file `extends`
    compose: ComposeFile
    partial: bool
    data: dict = field(default_factory=dict)

    @cached_property
    def image(self) -> ImageRef | None:
        image = self.definition.get("image")
        if not isinstance(image, str) or not image.strip():
            return None
        return parse_image(self.compose.resolve.resolve(image))

    @cached_property
    def build(self) -> Build | None:
        build = self.definition.get("build")
        if isinstance(build, str):
            build = {"context": build}
        if not isinstance(build, dict):
            return None
        resolve = self.compose.resolve.resolve
        context_text = resolve(str(build.get("context", ".")))
        target = build.get("target") if isinstance(build.get("target"), str) else None
        inline = build.get("dockerfile_inline")
        inline = inline if isinstance(inline, str) else None
        if UNKNOWN in context_text or _REMOTE_CONTEXT.match(context_text):
            return Build(None, None, inline, target)
        context = self.compose.folder / context_text
        name = resolve(str(build["dockerfile"])) if build.get("dockerfile") else "Dockerfile"
        return Build(context, None if UNKNOWN in name else context / name, inline, target)

    @cached_property
    def dockerfile(self) -> DockerfileFacts | None:
        """What the service's own Dockerfile sets, when it is built from local sources."""
        build = self.build
        if build is None:
            return None
        if build.inline is not None:
            return facts_from_text(build.inline, build.target)
        return facts_from_file(build.dockerfile, build.target) if build.dockerfile else None


def _has_image_or_build(definition: dict) -> bool:
    return bool(definition.get("image")) or definition.get("build") is not None


def _inherits_from_other_file(definition: dict) -> bool:
    extends = definition.get("extends")
    return isinstance(extends, dict) and bool(extends.get("file"))


def _is_partial(compose: ComposeFile, name: str, definition: dict) -> bool:
    if _inherits_from_other_file(definition) or not _has_image_or_build(definition):
        return True
    return compose.variant and name in compose.base_services


def _service_data(service: Service) -> dict:
    compose, definition, lines = service.compose, service.definition, service.compose.lines
    resolve = compose.resolve
    deploy = definition.get("deploy") if isinstance(definition.get("deploy"), dict) else {}
    labels = normalize.key_values(definition.get("labels"), lines)
    if not labels and deploy.get("labels"):  # swarm-style labels, which Traefik reads too
        labels = normalize.key_values(deploy.get("labels"), lines)
    data = {
        "name": service.name,
        "partial": service.partial,
        "override": compose.variant,
        "service": definition,
        "file": compose.data,
        "ports": normalize.ports(definition.get("ports"), lines, resolve),
        "mounts": normalize.mounts(definition, lines, resolve),
        "environment": normalize.key_values(definition.get("environment"), lines),
        "labels": labels,
        "security_options": normalize.security_options(definition.get("security_opt"), lines),
        "capabilities": normalize.capabilities(definition, lines),
        "limits": normalize.limits(definition, lines, resolve),
        "depends_on": normalize.depends_on(definition.get("depends_on"), lines),
        "env_files": normalize.env_files(definition.get("env_file"), lines, definition),
    }
    written = {"ports": "ports", "mounts": "volumes", "environment": "environment",
               "labels": "labels", "security_options": "security_opt",
               "depends_on": "depends_on", "env_files": "env_file"}
    marks = {key: lines.locate(definition, (source,)) for key, source in written.items()}
    lines.mark_all(data, {**marks, "service": service.line, "name": service.line,
                          "capabilities": lines.locate(definition, ("cap_add",))})
    return data


def _suppressions(service: Service) -> tuple:
    labels = service.data["labels"]
    if IGNORE_LABEL not in labels:
        return ()
    line = service.compose.lines.locate(labels, (IGNORE_LABEL,)) or service.line
    return (annotation_suppression(labels[IGNORE_LABEL], line),)


def load(source: Any, yaml_document: Any) -> ComposeFile:
    """The compose file from its first YAML document (None for an empty file)."""
    top = yaml_document.data if yaml_document is not None else None
    folder = source.abspath.parent
    variant = is_variant(source.name)
    compose = ComposeFile(
        path=source.path, folder=folder, top=top, data=top if isinstance(top, dict) else {},
        lines=yaml_document.lines if yaml_document is not None else LineIndex(),
        text_lines=source.lines, resolve=Interpolator(project_variables(folder)),
        variant=variant, base_services=base_service_names(folder) if variant else frozenset())
    services = compose.data.get("services")
    if not isinstance(services, dict):
        return compose
    for name, written in services.items():
        if not isinstance(written, dict) or "provider" in written:
            continue  # not a container: a provider service (a model runner, a cloud resource)
        definition = effective_service(services, name, compose.lines)
        line = compose.lines.locate(services, (name,)) or yaml_document.line
        service = Service(name, line, definition, compose,
                          _is_partial(compose, name, definition))
        service.data = _service_data(service)
        compose.services[name] = service
    return compose


def documents(compose: ComposeFile) -> list[Document]:
    first = compose.lines.locate(compose.data, ("services",))
    top = compose.top if compose.top is not None else {}
    found = [Document(FILE_TARGET, compose.path, first or 1, top, compose.lines,
                      subject=None, parsed=compose)]
    for service in compose.services.values():
        found.append(Document(SERVICE_TARGET, compose.path, service.line, service.data,
                              compose.lines, subject=f"service {service.name}",
                              container=service.name, suppressions=_suppressions(service),
                              parsed=service))
    return found


def referenced_files(compose: ComposeFile) -> Iterator[tuple[Path, str]]:
    """(path, kind) of the files this one names, for the engine to check as that kind
    whatever their name: the Dockerfiles services build from, and the compose files it
    includes or extends services from."""
    for service in compose.services.values():
        build = service.build
        if build is not None and build.dockerfile is not None and build.inline is None:
            yield build.dockerfile, "dockerfile"
        extends = service.definition.get("extends")
        if isinstance(extends, dict) and isinstance(extends.get("file"), str):
            yield from _compose_path(compose, extends["file"])
    includes = compose.data.get("include")
    for entry in includes if isinstance(includes, list) else ():
        paths = entry.get("path") if isinstance(entry, dict) else entry
        for path in paths if isinstance(paths, list) else [paths]:
            if isinstance(path, str):
                yield from _compose_path(compose, path)


def _compose_path(compose: ComposeFile, written: str) -> Iterator[tuple[Path, str]]:
    path = compose.resolve.resolve(written)
    if UNKNOWN not in path and "://" not in path:  # `include` may name a remote resource
        yield compose.folder / path, COMPOSE_KIND

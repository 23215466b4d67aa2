"""Reliability checks on one service: health checks and the dependencies that rely on them,
env files that must exist, and where datastores keep their data."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from scaffold import Document, Violation
from scaffold_plugins.compose.images import image_names
from scaffold_plugins.compose.interpolate import UNKNOWN
from scaffold_plugins.compose.normalize import is_true
from scaffold_plugins.compose.parse import Service

_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tpl", ".defaults")
_TEMPLATE_WORDS = ("example", "sample", "template")


def _disabled(healthcheck: dict) -> bool:
    test = healthcheck.get("test")
    none_test = test == "NONE" or isinstance(test, list) and test[:1] == ["NONE"]
    return is_true(healthcheck.get("disable")) or none_test


def has_healthcheck(service: Service) -> bool | None:
    """True or False when the compose file or the service's Dockerfile says; None when only
    the image (unknown here) could say."""
    healthcheck = service.definition.get("healthcheck")
    if isinstance(healthcheck, dict):
        return not _disabled(healthcheck)
    facts = service.dockerfile
    return facts.healthcheck if facts is not None else None


def healthcheck(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    written = service.definition.get("healthcheck")
    if isinstance(written, dict):
        if _disabled(written):
            key = "disable" if "disable" in written else "test"
            yield Violation("The service disables its health check.",
                            path=("service", "healthcheck", key))
        return
    if document.data["partial"]:
        return
    facts = service.dockerfile
    if facts is not None:
        if facts.healthcheck is False:
            yield Violation("The service's Dockerfile disables the health check "
                            "(`HEALTHCHECK NONE`) and the compose file sets none.")
        elif facts.healthcheck is None:
            yield Violation("Neither the compose file nor the service's Dockerfile defines a "
                            "health check.")
        return
    image = f"`{service.image.text}`" if service.image and service.image.known else "its image"
    yield Violation(f"The service defines no `healthcheck:`; unless {image} has a "
                    "`HEALTHCHECK`, Docker only knows whether the process runs, not whether "
                    "it serves.")


def depends_on_healthy(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    for name, condition in document.data["depends_on"].items():
        dependency = service.compose.services.get(name)
        if condition is not None or dependency is None or not has_healthcheck(dependency):
            continue
        yield Violation(f"`{name}` has a health check, but this service only waits for it to "
                        "start: use `condition: service_healthy`.",
                        path=("depends_on", name))


def _optional_dependency(service: Service, name: str) -> bool:
    written = service.definition.get("depends_on")
    options = written.get(name) if isinstance(written, dict) else None
    return isinstance(options, dict) and options.get("required") is False


def depends_on_undefined(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    compose = service.compose
    # Another file may define the dependency: an override's base, an included project.
    if compose.variant or document.data["partial"] or "include" in compose.data:
        return
    for name in document.data["depends_on"]:
        if name not in compose.data.get("services", {}) and \
                not _optional_dependency(service, name):
            yield Violation(f"The service depends on `{name}`, which this file does not "
                            "define: `docker compose up` refuses to start.",
                            path=("depends_on", name))


def _template_beside(path: Path) -> Path | None:
    """The committed template of a missing env file: `.env.example`, `example.env`..."""
    bare = path.name.lstrip(".")
    names = [path.name + suffix for suffix in _TEMPLATE_SUFFIXES]
    names += [f"{word}.{bare}" for word in _TEMPLATE_WORDS]
    names += [f"{bare}.{word}" for word in _TEMPLATE_WORDS]
    return next((path.with_name(n) for n in names if path.with_name(n).is_file()), None)


def env_file_missing(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    for index, entry in enumerate(document.data["env_files"]):
        relative = service.compose.resolve.resolve(entry["path"])
        if not entry["required"] or UNKNOWN in relative:
            continue
        path = service.compose.folder / relative
        if path.exists():
            continue
        template = _template_beside(path)
        hint = f" (copy it from `{template.name}`?)" if template else \
            "; mark it `required: false` if it is optional"
        yield Violation(f"`env_file` `{relative}` does not exist beside the compose file"
                        f"{hint}.", path=("env_files", index))


def _covers(target: str, data_dir: str) -> bool:
    target, data_dir = target.rstrip("/") or "/", data_dir.rstrip("/")
    return target == data_dir or data_dir.startswith(target + "/") \
        or target.startswith(data_dir + "/")


def _data_dirs(service: Service, environment: dict, params: Mapping) -> list[str]:
    """Where the service's image keeps its data; `PGDATA` moves PostgreSQL's."""
    image = service.image
    if image is None or not image.known:
        return []
    matched = image_names(tuple(params["data_dirs"])).match(image)
    dirs = params["data_dirs"][matched] if matched else []
    dirs = [dirs] if isinstance(dirs, str) else list(dirs)
    moved = environment.get("PGDATA")
    return [*dirs, moved] if dirs and isinstance(moved, str) and moved.startswith("/") else dirs


def datastore_volume(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    data_dirs = _data_dirs(service, document.data["environment"], params)
    if not data_dirs:
        return
    name = service.image.name if service.image else "the image"
    covering = [(i, m) for i, m in enumerate(document.data["mounts"])
                if any(_covers(str(m["target"]), d) for d in data_dirs)]
    for index, mount in covering:
        if mount["type"] == "anonymous":
            yield Violation(f"`{mount['target']}` holds `{name}`'s data in an anonymous "
                            "volume: give the volume a name.", path=("mounts", index))
    if not covering and not document.data["partial"]:
        yield Violation(f"No named volume or bind mount covers `{data_dirs[0]}`, where "
                        f"`{name}` keeps its data: the image's `VOLUME` makes it an "
                        "anonymous volume.", path=("service", "image"))

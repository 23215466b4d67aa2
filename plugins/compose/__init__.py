"""Compose files and Traefik configuration.

Compose files (`compose.yaml`, `docker-compose.yml`, override or variant files such as
`compose.override.yaml` and `docker-compose.prod.yml`, and YAML files shaped like one, such
as `docker-stack.yml`) become a `compose.file` document and one `compose.service` document per
service (`parse.py`). Traefik's static configuration and routers, from its own files or from
a compose file's flags and labels, become `traefik.static` and `traefik.router` documents
(`traefik.py`). Files a compose file names (the Dockerfiles its services build from, the
compose files it includes or extends from, a mounted Traefik configuration) are handed to the
engine to check as such, whatever their name.
"""

from __future__ import annotations

from scaffold import ParseError, Target, hookimpl
from scaffold_plugins.compose.check_table import CHECKS
from scaffold_plugins.compose.names import (
    COMPOSE_KIND,
    FILE_TARGET,
    ROUTER_TARGET,
    SERVICE_TARGET,
    STATIC_TARGET,
    TRAEFIK_FILE,
    is_compose_file,
    looks_like_compose,
    might_be_traefik,
)
from scaffold_policies import POLICY_ROOT


@hookimpl
def scaffold_targets():
    return [
        Target(FILE_TARGET, "A compose file as a whole", "compose.yaml"),
        Target(SERVICE_TARGET, "One service of a compose file", "compose.yaml"),
        Target(STATIC_TARGET, "Traefik's static configuration (a file, or the flags "
               "or variables of a Traefik service in a compose file)", "traefik.yml"),
        Target(ROUTER_TARGET, "One Traefik HTTP router (from a dynamic configuration "
               "file, or from compose labels)", "dynamic.yml"),
    ]


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "compose", POLICY_ROOT / "traefik"]


@hookimpl
def scaffold_checks():
    return CHECKS


def _compose_documents(source):
    from scaffold_plugins.compose import parse, traefik  # only when there is a compose file

    yaml_documents = source.yaml()
    compose = parse.load(source, yaml_documents[0] if yaml_documents else None)
    for path, kind in parse.referenced_files(compose):
        source.refer(path, kind)
    return [*parse.documents(compose), *traefik.compose_documents(compose, source)]


def _first_yaml(source):
    """The first YAML document's data, or None (not YAML, empty, or malformed: the YAML
    plugin reports that)."""
    if not source.name.endswith((".yaml", ".yml")):
        return None
    try:
        documents = source.yaml()
    except ParseError:
        return None
    return documents[0].data if documents else None


def _sniffed_compose(source) -> bool:
    """A YAML file whose name does not say compose but whose content does."""
    data = _first_yaml(source)
    return data is not None and looks_like_compose(data)


def _maybe_traefik(source) -> bool:
    return bool(TRAEFIK_FILE.match(source.name)) or source.kind == STATIC_TARGET \
        or might_be_traefik(_first_yaml(source))


@hookimpl
def scaffold_parse(source):
    if is_compose_file(source.name) or source.kind == COMPOSE_KIND \
            or _sniffed_compose(source):
        return _compose_documents(source)
    if not _maybe_traefik(source):
        return None
    from scaffold_plugins.compose import traefik

    return traefik.file_documents(source)

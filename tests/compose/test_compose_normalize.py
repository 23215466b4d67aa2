"""The compose plugin reads every form Compose accepts the way Compose reads it: short and long
syntax, interpolation, YAML 1.1 surprises, and the lines each normalised entry came from."""

from __future__ import annotations

import textwrap

import pytest

from scaffold import LineIndex
from scaffold.yamlfile import load_documents
from scaffold_plugins.compose import normalize
from scaffold_plugins.compose.dockerfile_probe import facts_from_text
from scaffold_plugins.compose.images import matches_any, parse_image
from scaffold_plugins.compose.interpolate import UNKNOWN, Interpolator
from scaffold_plugins.compose.names import is_compose_file, is_variant

NO_VARIABLES = Interpolator({})


def service(text: str):
    """(the first service of a compose text, the file's LineIndex, its text lines)."""
    text = textwrap.dedent(text)
    (document,) = load_documents(text)
    return next(iter(document.data["services"].values())), document.lines, text.split("\n")


def ports_of(text: str, variables: dict | None = None) -> list[dict]:
    definition, lines, _ = service(text)
    return normalize.ports(definition["ports"], lines, Interpolator(variables or {}))


@pytest.mark.parametrize("name,compose,variant", [
    ("compose.yaml", True, False), ("compose.yml", True, False),
    ("docker-compose.yml", True, False), ("docker-compose.yaml", True, False),
    ("compose.override.yaml", True, True), ("docker-compose.override.yml", True, True),
    ("docker-compose.prod.yml", True, True), ("compose.ci.local.yaml", True, True),
    ("docker-compose-dev.yml", True, True), ("fail.compose.yaml", False, False),
    ("compose.yaml.example", False, False), ("values.yaml", False, False),
])
def test_file_names(name: str, compose: bool, variant: bool) -> None:
    assert is_compose_file(name) is compose
    assert is_variant(name) is variant


@pytest.mark.parametrize("text,expected", [
    ("plain", "plain"),
    ("${TAG}", UNKNOWN),
    ("$TAG", UNKNOWN),
    ("${TAG:?set it}", UNKNOWN),
    ("${TAG:-1.2}", "1.2"),
    ("${TAG-1.2}", "1.2"),
    ("${SET:-1.2}", "3.4"),
    ("${EMPTY:-x}", "x"),
    ("${EMPTY-x}", ""),
    ("${SET:+alt}", "alt"),
    ("${TAG:+alt}", UNKNOWN),
    ("$${NOT_A_VARIABLE}", "${NOT_A_VARIABLE}"),
    ("${A:-${B:-nested}}", "nested"),
    ("app:${TAG:-latest}", "app:latest"),
    ("price: 5$", "price: 5$"),
])
def test_interpolation(text: str, expected: str) -> None:
    assert Interpolator({"SET": "3.4", "EMPTY": ""}).resolve(text) == expected


@pytest.mark.parametrize("text,repository,tag,digest", [
    ("nginx", "nginx", None, None),
    ("nginx:1.27", "nginx", "1.27", None),
    ("registry.example.com:5000/team/app", "registry.example.com:5000/team/app", None, None),
    ("registry.example.com:5000/team/app:2.0", "registry.example.com:5000/team/app", "2.0",
     None),
    ("nginx@sha256:" + "a" * 64, "nginx", None, "sha256:" + "a" * 64),
])
def test_image_references(text, repository, tag, digest) -> None:
    image = parse_image(text)
    assert (image.repository, image.tag, image.digest) == (repository, tag, digest)


def test_image_matching() -> None:
    assert matches_any(parse_image("docker.io/library/postgres:17"), ["postgres"])
    assert matches_any(parse_image("bitnami/postgresql:16"), ["bitnami/*"])
    assert not matches_any(parse_image("bitnami/postgresql:16"), ["postgres"])
    assert matches_any(parse_image("ghcr.io/bitnami/postgresql:16"), ["bitnami/postgresql"])
    assert parse_image(NO_VARIABLES.resolve("${REGISTRY}/app")).tag_unknown is False
    assert parse_image(NO_VARIABLES.resolve("app:${TAG}")).tag_unknown is True
    assert parse_image(NO_VARIABLES.resolve("${IMAGE}")).tag_unknown is True


def test_short_port_syntax() -> None:
    found = ports_of("""
        services:
          app:
            ports:
              - "8080:80"
              - "127.0.0.1:5432:5432/tcp"
              - "[::1]:6379:6379"
              - "9000-9005:9000-9005/udp"
              - 3000
              - "127.0.0.1::80"
              - 22:22
    """)
    summary = [(p["host_ip"], p["published"], p["target"], p["protocol"], p["random"])
               for p in found]
    assert summary == [
        ("0.0.0.0", [8080, 8080], [80, 80], "tcp", False),
        ("127.0.0.1", [5432, 5432], [5432, 5432], "tcp", False),
        ("::1", [6379, 6379], [6379, 6379], "tcp", False),
        ("0.0.0.0", [9000, 9005], [9000, 9005], "udp", False),
        ("0.0.0.0", None, [3000, 3000], "tcp", True),
        ("127.0.0.1", None, [80, 80], "tcp", True),
        # YAML 1.1 reads `22:22` as 1342; Compose, and this, read "22:22".
        ("0.0.0.0", [22, 22], [22, 22], "tcp", False),
    ]


def test_long_port_syntax_and_interpolation() -> None:
    found = ports_of("""
        services:
          app:
            ports:
              - target: 80
                published: "8080"
                host_ip: 127.0.0.1
                protocol: tcp
              - target: 5432
              - "${BIND:-0.0.0.0}:${PORT:-5433}:5432"
              - "${BIND}:5434:5432"
    """)
    assert [(p["host_ip"], p["published"], p["target"]) for p in found] == [
        ("127.0.0.1", [8080, 8080], [80, 80]),
        ("0.0.0.0", None, [5432, 5432]),
        ("0.0.0.0", [5433, 5433], [5432, 5432]),
        (None, [5434, 5434], [5432, 5432]),  # an unknown address is not reported as public
    ]


def test_ports_keep_their_lines() -> None:
    definition, lines, _ = service("""
        services:
          app:
            ports:
              - "8080:80"
              - target: 81
    """)
    found = normalize.ports(definition["ports"], lines, NO_VARIABLES)
    assert [lines.locate(found, (i,)) for i in range(2)] == [5, 6]
    assert lines.locate(found[1], ("host_ip",)) == 6


def test_volumes_short_long_and_tmpfs() -> None:
    definition, lines, _ = service("""
        services:
          app:
            volumes:
              - db-data:/var/lib/postgresql/data
              - ./conf:/etc/app:ro
              - /var/run/docker.sock:/var/run/docker.sock:ro,z
              - /data
              - ~/.ssh:/root/.ssh
              - $HOME/.aws:/root/.aws:ro
              - C:\\data:/data
              - type: bind
                source: /etc
                target: /host/etc
                read_only: true
              - type: volume
                target: /cache
            tmpfs: /tmp:size=64m
    """)
    found = normalize.mounts(definition, lines, NO_VARIABLES)
    assert [(m["type"], m["source"], m["target"], m["read_only"]) for m in found] == [
        ("volume", "db-data", "/var/lib/postgresql/data", False),
        ("bind", "./conf", "/etc/app", True),
        ("bind", "/var/run/docker.sock", "/var/run/docker.sock", True),
        ("anonymous", None, "/data", False),
        ("bind", "~/.ssh", "/root/.ssh", False),
        ("bind", "~/.aws", "/root/.aws", True),
        ("bind", "C:\\data", "/data", False),
        ("bind", "/etc", "/host/etc", True),
        ("anonymous", None, "/cache", False),
        ("tmpfs", None, "/tmp", False),
    ]


def test_environment_list_and_map() -> None:
    as_list, lines, _ = service("""
        services:
          app:
            environment:
              - A=1
              - B
              - C=x=y
    """)
    found = normalize.key_values(as_list["environment"], lines)
    assert found == {"A": "1", "B": None, "C": "x=y"}
    assert lines.locate(found, ("C",)) == 7
    as_map, lines, _ = service("services:\n  app:\n    environment: {A: 1, B: null}\n")
    assert normalize.key_values(as_map["environment"], lines) == {"A": 1, "B": None}


@pytest.mark.parametrize("option,expected", [
    ("no-new-privileges:true", {"no-new-privileges": "true"}),
    ("no-new-privileges=true", {"no-new-privileges": "true"}),
    ("no-new-privileges", {"no-new-privileges": "true"}),
    ("no-new-privileges:false", {"no-new-privileges": "false"}),
    ("seccomp:unconfined", {"seccomp": "unconfined"}),
    ("seccomp=Unconfined", {"seccomp": "unconfined"}),
    ("seccomp=./Profiles/app.json", {"seccomp": "./Profiles/app.json"}),
    ("apparmor:unconfined", {"apparmor": "unconfined"}),
    ("label=disable", {"label": "disable"}),
])
def test_security_options(option: str, expected: dict) -> None:
    assert normalize.security_options([option], LineIndex()) == expected


def test_capabilities_any_case_and_prefix() -> None:
    definition = {"cap_add": ["net_admin", "CAP_SYS_TIME"], "cap_drop": ["all"]}
    assert normalize.capabilities(definition, LineIndex()) == \
        {"add": ["NET_ADMIN", "SYS_TIME"], "drop": ["ALL"]}


@pytest.mark.parametrize("definition,expected", [
    ({"mem_limit": "512m", "cpus": 1.5, "pids_limit": 100},
     {"memory": "512m", "cpus": 1.5, "pids": 100}),
    ({"deploy": {"resources": {"limits": {"memory": "1G", "cpus": "0.5", "pids": 50}}}},
     {"memory": "1G", "cpus": "0.5", "pids": 50}),
    ({"pids_limit": -1, "mem_limit": 0, "cpus": "0"}, {}),  # unlimited is no limit
    ({"mem_limit": "${MEMORY}"}, {"memory": "${MEMORY}"}),  # set at deploy time
])
def test_limits(definition: dict, expected: dict) -> None:
    assert normalize.limits(definition, LineIndex(), NO_VARIABLES) == expected


def test_depends_on_and_env_file_forms() -> None:
    lines = LineIndex()
    assert normalize.depends_on(["db"], lines) == {"db": None}
    assert normalize.depends_on({"db": {"condition": "service_healthy"}, "cache": None},
                                lines) == {"db": "service_healthy", "cache": None}
    assert normalize.env_files(".env", lines, {}) == [{"path": ".env", "required": True}]
    assert normalize.env_files([".env", {"path": "x.env", "required": False}], lines, {}) == \
        [{"path": ".env", "required": True}, {"path": "x.env", "required": False}]


def test_dockerfile_facts_follow_stages_and_target() -> None:
    text = textwrap.dedent("""\
        FROM python:3.12 AS base
        USER app
        FROM base AS test
        USER root
        FROM base
        HEALTHCHECK --interval=5s \\
          CMD curl -f http://localhost/
        RUN <<EOF
        USER root
        EOF
    """)
    final = facts_from_text(text)
    assert (final.user, final.healthcheck, final.base_image) == ("app", True, "python:3.12")
    assert facts_from_text(text, target="test").user == "root"
    assert facts_from_text("FROM alpine\nHEALTHCHECK NONE\n").healthcheck is False
    assert facts_from_text("") is None

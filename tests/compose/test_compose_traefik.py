"""Traefik configuration wherever it is written: static files (YAML and TOML), dynamic files,
and compose files (flags, `TRAEFIK_*` variables, labels, a mounted configuration file)."""

from __future__ import annotations

from conftest import scan
from scaffold.sources import SourceFile
from scaffold_plugins.compose import scaffold_parse


def found(report, prefix: str = "TRF") -> list[tuple[str, str, int | None]]:
    return sorted((f.code, f.path, f.line) for f in report.findings
                  if f.code.startswith(prefix) and f.active)


STATIC_YAML = """\
api:
  insecure: true
providers:
  docker: {}
serversTransport:
  insecureSkipVerify: true
entryPoints:
  web:
    address: ":80"
    forwardedHeaders:
      insecure: true
  websecure:
    address: ":443"
"""

STATIC_TOML = """\
[api]
  insecure = true

[providers.docker]
  endpoint = "unix:///var/run/docker.sock"

[serversTransport]
  insecureSkipVerify = true

[entryPoints.web]
  address = ":80"
  [entryPoints.web.forwardedHeaders]
    insecure = true

[entryPoints.websecure]
  address = ":443"
"""


def test_static_yaml_file(tree) -> None:
    assert found(scan(tree({"traefik.yml": STATIC_YAML}))) == [
        ("TRF001", "traefik.yml", 2), ("TRF002", "traefik.yml", 4),
        ("TRF003", "traefik.yml", 8), ("TRF008", "traefik.yml", 6),
        ("TRF009", "traefik.yml", 11)]


def test_static_toml_file_has_the_same_findings_with_lines(tree) -> None:
    assert found(scan(tree({"traefik.toml": STATIC_TOML}))) == [
        ("TRF001", "traefik.toml", 2), ("TRF002", "traefik.toml", 4),
        ("TRF003", "traefik.toml", 10), ("TRF008", "traefik.toml", 8),
        ("TRF009", "traefik.toml", 13)]


def test_static_configuration_is_recognised_by_content(tree) -> None:
    root = tree({"config/edge.yaml": STATIC_YAML, "config/values.yaml": "api: {}\nimage: x\n"})
    assert {path for _, path, _ in found(scan(root))} == {"config/edge.yaml"}


def test_flags_in_a_compose_command_string(tree) -> None:
    root = tree({"compose.yaml": """\
        services:
          traefik:
            image: traefik:v3.2.1
            command: >-
              --api.insecure=true
              --providers.docker=true
              --entrypoints.web.address=:80
        """})
    assert found(scan(root)) == [("TRF001", "compose.yaml", 5), ("TRF002", "compose.yaml", 6)]


def test_traefik_variables_in_compose(tree) -> None:
    root = tree({"compose.yaml": """\
        services:
          traefik:
            image: traefik:v3.2.1
            environment:
              TRAEFIK_API_INSECURE: "true"
              TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT: "false"
        """})
    assert found(scan(root)) == [("TRF001", "compose.yaml", 5)]


LABELLED = """\
services:
  traefik:
    image: traefik:v3.2.1
    command:
      - --providers.docker.exposedbydefault=false
      - --entrypoints.web.address=:80
      - --entrypoints.websecure.address=:443
  app:
    image: example/app:1.4.2
    labels:
      - traefik.enable=true
      - traefik.http.routers.app.rule=Host(`shop.example.com`)
      - traefik.http.routers.app.entrypoints=websecure
      - traefik.http.routers.app.tls.certresolver=le
      - traefik.http.routers.app.middlewares=protect
      - traefik.http.middlewares.protect.chain.middlewares=limit,secure-headers@file
  shared:
    image: example/shared:1.0.0
    labels:
      traefik.http.middlewares.limit.ratelimit.average: "50"
      traefik.http.routers.ignored.rule: Host(`ignored.example.com`)
  catchall:
    image: example/noop:1.0.0
    labels:
      - traefik.enable=true
      - traefik.http.routers.redirect.rule=HostRegexp(`.+`)
      - traefik.http.routers.redirect.entrypoints=web
      - traefik.http.routers.redirect.middlewares=to-https
      - traefik.http.middlewares.to-https.redirectscheme.scheme=https
  local:
    image: example/dev:1.0.0
    labels:
      - traefik.enable=true
      - traefik.http.routers.dev.rule=Host(`app.localhost`)
"""


def test_labels_routers_and_middlewares_resolve_across_services(tree) -> None:
    report = scan(tree({"compose.yaml": LABELLED}))
    # TLS, a rate limit through a chain, headers from a file this cannot see: all protected.
    # The catch-all redirect router satisfies TRF003 and needs no TLS itself; `ignored` is not
    # enabled while exposedByDefault is false; `dev` is local.
    assert found(report) == []
    subjects = {f.subject for f in report.findings if f.code.startswith("TRF")}
    assert subjects <= {"service app router app", "service catchall router redirect",
                        "service local router dev"}


def test_unprotected_label_router(tree) -> None:
    text = LABELLED.replace("traefik.http.routers.app.tls.certresolver=le",
                            "traefik.http.routers.app.tls=false") \
        .replace("=limit,secure-headers@file", "=limit")
    report = scan(tree({"compose.yaml": text}))
    assert found(report) == [("TRF004", "compose.yaml", 12), ("TRF005", "compose.yaml", 15)]


def test_mounted_static_file_is_read_and_handed_to_the_engine(tree) -> None:
    root = tree({
        "compose.yaml": """\
            services:
              traefik:
                image: traefik:v3.2.1
                volumes:
                  - ./config/static.yml:/etc/traefik/traefik.yml:ro
              app:
                image: example/app:1.4.2
                labels:
                  traefik.http.routers.app.rule: Host(`shop.example.com`)
                  traefik.http.routers.app.entrypoints: edge
            """,
        "config/static.yml": """\
            entryPoints:
              edge:
                address: ":8443"
                http:
                  tls: {certResolver: le}
                  middlewares: [hardening@file]
            providers:
              docker: {exposedByDefault: false}
            """,
    })
    source = SourceFile(root / "compose.yaml", "compose.yaml")
    scaffold_parse(source=source)
    assert source.references == [(root / "config" / "static.yml", "traefik.static")]
    report = scan(root)
    # exposedByDefault is false and the router has no traefik.enable: it is not routed.
    assert found(report) == []
    enabled = scan(tree({"compose.yaml": (root / "compose.yaml").read_text().replace(
        "labels:\n", "labels:\n      traefik.enable: \"true\"\n")}))
    assert found(enabled) == []  # TLS and middlewares come from the entry point


def test_dynamic_file_with_static_configuration_beside_it(tree) -> None:
    root = tree({
        "traefik/traefik.yml": """\
            entryPoints:
              web:
                address: ":80"
              websecure:
                address: ":443"
                http:
                  tls: {}
            """,
        "traefik/dynamic/routers.yml": """\
            http:
              routers:
                shop:
                  rule: Host(`shop.example.com`)
                  entryPoints: [websecure]
                  service: shop
                dashboard:
                  rule: Host(`traefik.example.com`)
                  entryPoints: [websecure]
                  service: api@internal
                plain:
                  rule: Host(`plain.example.com`) && PathPrefix(`/`)
                  service: shop
            """,
    })
    report = scan(root)
    assert found(report) == [
        ("TRF003", "traefik/traefik.yml", 2),
        ("TRF004", "traefik/dynamic/routers.yml", 12),  # `plain` is on every entry point
        ("TRF005", "traefik/dynamic/routers.yml", 3),
        ("TRF005", "traefik/dynamic/routers.yml", 11),
        ("TRF006", "traefik/dynamic/routers.yml", 3),
        ("TRF006", "traefik/dynamic/routers.yml", 11),
        ("TRF007", "traefik/dynamic/routers.yml", 10),
    ]


def test_static_file_in_a_mounted_folder(tree) -> None:
    root = tree({
        "compose.yaml": """\
            services:
              traefik:
                image: traefik:v3.2.1
                volumes: ["./traefik:/etc/traefik:ro"]
            """,
        "traefik/traefik.yaml": "api:\n  insecure: true\n",
    })
    source = SourceFile(root / "compose.yaml", "compose.yaml")
    scaffold_parse(source=source)
    assert source.references == [(root / "traefik" / "traefik.yaml", "traefik.static")]
    assert found(scan(root)) == [("TRF001", "traefik/traefik.yaml", 2)]


def test_traefik_1_entry_points_with_redirect_and_tls(tree) -> None:
    config = """\
        [entryPoints]
          [entryPoints.http]
          address = ":80"
            [entryPoints.http.redirect]
            entryPoint = "https"
          [entryPoints.https]
          address = ":443"
            [entryPoints.https.tls]
        """
    assert found(scan(tree({"a/traefik.toml": config}) / "a")) == []
    without_redirect = config.replace("[entryPoints.http.redirect]", "[entryPoints.http.x]")
    assert found(scan(tree({"b/traefik.toml": without_redirect}) / "b")) == [
        ("TRF003", "traefik.toml", 2)]

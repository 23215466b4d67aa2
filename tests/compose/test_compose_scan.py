"""Compose files as users write them: a hardened project passes clean, override files are
judged as overrides, and the usual mess (CRLF, empty files, `.env`, anchors, `extends`)
gives complete, correct reports with lines on the offending keys."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, scan
from scaffold.sources import SourceFile
from scaffold_plugins.compose import scaffold_parse

REALISTIC = REPO / "tests" / "compose" / "realistic"
OURS = ("DC", "TRF")


def ours(report, active: bool = True) -> list[tuple[str, str, int | None]]:
    return sorted((f.code, f.path, f.line) for f in report.findings
                  if f.code.startswith(OURS) and (f.active or not active))


def found(report, code: str) -> list:
    return [f for f in report.findings if f.code == code and f.active]


def test_hardened_project_has_no_findings(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REALISTIC, root)
    report = scan(root)
    assert ours(report) == []
    # The one deliberate exception is recorded, not lost.
    assert [(f.code, f.suppressed) for f in report.findings if not f.active
            and f.code.startswith(OURS)] == [("DC002", "inline")]
    assert not [f for f in report.findings if f.code.startswith("CORE") and f.active]


OVERRIDE_BASE = """\
services:
  app:
    image: example/app:1.4.2
    restart: unless-stopped
"""


def test_override_services_are_not_asked_for_what_the_base_sets(tree) -> None:
    root = tree({
        "compose.yaml": OVERRIDE_BASE,
        "compose.override.yaml": """\
            services:
              app:
                build: .
                ports: ["127.0.0.1:8000:8000"]
              debug:
                environment: {LOG_LEVEL: debug}
            """,
    })
    report = scan(root)
    override = {f.code for f in report.findings if f.path == "compose.override.yaml"}
    absence = {"DC004", "DC009", "DC010", "DC011", "DC012", "DC013", "DC032", "DC034"}
    assert not override & absence, override
    # The base file is complete and gets them.
    base = {f.code for f in report.findings if f.path == "compose.yaml"}
    assert {"DC004", "DC011", "DC013"} <= base


def test_override_files_still_report_what_they_add(tree) -> None:
    root = tree({
        "compose.yaml": OVERRIDE_BASE,
        "docker-compose.prod.yml": """\
            services:
              app:
                privileged: true
                environment:
                  API_TOKEN: tok-123456789
            """,
    })
    report = scan(root)
    assert [(f.path, f.line) for f in found(report, "DC001")] == [("docker-compose.prod.yml", 3)]
    assert [(f.path, f.line) for f in found(report, "DC022")] == [("docker-compose.prod.yml", 5)]


def test_a_variant_without_a_base_is_judged_by_its_services(tree) -> None:
    root = tree({"docker-compose.dev.yml": """\
        services:
          app:
            image: example/app:1.4.2
        """})
    assert found(scan(root), "DC012")


def test_crlf_file_gives_the_same_findings_and_lines(tree, tmp_path: Path) -> None:
    text = ("services:\n  db:\n    image: postgres\n    privileged: true\n"
            "    ports:\n      - 5432:5432\n")
    lf = ours(scan(tree({"lf/compose.yaml": text}) / "lf"))
    crlf = ours(scan(tree({"crlf/compose.yaml": text.replace("\n", "\r\n").encode()}) / "crlf"))
    assert lf == crlf
    assert ("DC001", "compose.yaml", 4) in lf and ("DC017", "compose.yaml", 6) in lf


def test_empty_and_comment_only_files(tree) -> None:
    root = tree({"a/compose.yaml": "", "b/compose.yaml": "# nothing yet\n",
                 "c/docker-compose.override.yml": "services: {}\n"})
    report = scan(root)
    assert sorted((f.code, f.path) for f in report.findings if f.active) == [
        ("DC030", "a/compose.yaml"), ("DC030", "b/compose.yaml")]
    assert "empty" in found(report, "DC030")[0].message


def test_schema_findings_point_at_the_key(tree) -> None:
    root = tree({"compose.yaml": """\
        services:
          app:
            image: example/app:1.4.2
            restart: no
            deploy:
              resources:
                limits:
                  memory: 1g
                  memroy: 2g
            ports:
              - {target: 80, published: [8080]}
        """})
    report = scan(root)
    assert [(f.line, f.message) for f in found(report, "DC030")] == [
        (9, "`services.app.deploy.resources.limits.memroy`: unknown key"),
        (11, "`services.app.ports[0]`: not a valid value for this field (see the Compose "
             "file reference)"),
    ]  # `restart: no` is YAML 1.1's false but Compose's "no": not reported


def test_dotenv_resolves_image_tags_and_unknown_variables_pass(tree) -> None:
    compose = """\
        services:
          app:
            image: example/app:${TAG}
          worker:
            image: example/worker:${TAG:?set TAG}
          cache:
            image: redis:${REDIS_TAG:-latest}
        """
    without = found(scan(tree({"a/compose.yaml": compose}) / "a"), "DC019")
    assert [f.subject for f in without] == ["service cache"]
    assert "defaults to the `latest` tag" in without[0].message
    with_env = found(scan(tree({"b/compose.yaml": compose, "b/.env": "TAG=latest\n"}) / "b"),
                     "DC019")
    assert sorted(f.subject for f in with_env) == ["service app", "service cache",
                                                   "service worker"]


def test_env_file_is_resolved_beside_the_compose_file(tree) -> None:
    root = tree({
        "deploy/compose.yaml": """\
            services:
              app:
                image: example/app:1.4.2
                env_file:
                  - ./app.env
                  - ../shared.env
                  - missing.env
                  - path: optional.env
                    required: false
            """,
        "deploy/app.env": "A=1\n",
        "shared.env": "B=2\n",
        "deploy/missing.env.example": "C=\n",
    })
    findings = found(scan(root), "DC023")
    assert [(f.path, f.line) for f in findings] == [("deploy/compose.yaml", 7)]
    assert "missing.env.example" in findings[0].message


def test_anchors_and_extends_are_merged_with_lines_where_written(tree) -> None:
    root = tree({"compose.yaml": """\
        x-base: &base
          image: example/app:1.4.2
          privileged: true
          healthcheck:
            test: ["CMD", "true"]
        services:
          web:
            <<: *base
          worker:
            extends: web
            command: ["worker"]
          other:
            extends:
              service: web
              file: common.yaml
        """})
    report = scan(root)
    assert sorted((f.subject, f.line) for f in found(report, "DC001")) == [
        ("service web", 3), ("service worker", 3)]
    assert not found(report, "DC011")  # the health check is inherited


def test_secrets_are_never_shown_in_full(tree) -> None:
    secret = "s3cr3t-Pa55w0rd-value"
    root = tree({"compose.yaml": f"""\
        services:
          db:
            image: postgres:17.2
            environment:
              - POSTGRES_PASSWORD={secret}
              - DATABASE_URL=postgres://app:{secret}@db/app
              - MYSQL_ALLOW_EMPTY_PASSWORD=yes
              - JWT_EXPIRY_MINUTES=60
              - AWS_ACCESS_KEY_ID=AKIAEXAMPLE
              - GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/admin
              - REDIS_PASSWORD=${{REDIS_PASSWORD}}
              - SMTP_PASSWORD=${{SMTP_PASSWORD:-changeme}}
            build:
              context: .
              args:
                NPM_TOKEN: npm_abcdefghijklmnop
        """})
    findings = found(scan(root), "DC022")
    assert [f.line for f in findings] == [5, 6, 12, 16]
    assert all(secret not in f.message and "changeme" not in f.message for f in findings)
    assert "falls back to the literal default" in findings[2].message
    assert "image history" in findings[3].message
    assert "in the compose file" in findings[1].message


def test_duplicate_ports_respect_profiles_and_addresses(tree) -> None:
    root = tree({"compose.yaml": """\
        services:
          app:
            image: example/app:1.4.2
            ports: ["8080:80"]
          app-debug:
            image: example/app:1.4.2
            profiles: [debug]
            ports: ["8080:80"]
          app-alt:
            image: example/app:1.4.2
            profiles: [alt]
            ports: ["127.0.0.1:9000:80", "8000-8010:8000-8010"]
          admin:
            image: example/admin:1.4.2
            profiles: [debug]
            ports: ["127.0.0.2:9000:80", "0.0.0.0:8005:80"]
        """})
    findings = found(scan(root), "DC027")
    # app-debug clashes with app (which always runs); app-alt and admin never run together.
    assert [(f.line, f.message.split(" publishes")[0]) for f in findings] == [
        (8, "`app-debug`")]


def test_provider_services_are_not_containers(tree) -> None:
    root = tree({"compose.yaml": """\
        services:
          model:
            provider:
              type: model
              options: {model: ai/smollm2}
        """})
    report = scan(root)
    assert not [f for f in report.findings if f.subject == "service model"]


def test_built_dockerfiles_are_handed_to_the_engine(tree) -> None:
    root = tree({"compose.yaml": """\
        services:
          app:
            build:
              context: ./app
              dockerfile: ci/app.build
          remote:
            build: https://github.com/example/repo.git#main
        """, "app/ci/app.build": "FROM alpine:3.20\n"})
    source = SourceFile(root / "compose.yaml", "compose.yaml")
    scaffold_parse(source=source)
    assert source.references == [(root / "app" / "ci" / "app.build", "dockerfile")]


def test_build_services_are_judged_by_their_dockerfile(tree) -> None:
    root = tree({
        "compose.yaml": """\
            services:
              good:
                build: ./good
              bad:
                build: {context: ./bad, target: debug}
            """,
        "good/Dockerfile": "FROM python:3.12\nUSER 10001\nHEALTHCHECK CMD true\n",
        "bad/Dockerfile": "FROM python:3.12 AS debug\nUSER root\n",
    })
    report = scan(root)
    assert [f.subject for f in found(report, "DC009")] == ["service bad"]
    assert [f.subject for f in found(report, "DC011")] == ["service bad"]


def test_services_can_be_exempted_by_label(tree) -> None:
    root = tree({"compose.yaml": """\
        services:
          node-exporter:
            image: prom/node-exporter:v1.8.2
            volumes: ["/proc:/host/proc:ro"]
            labels:
              scaffold.dev/ignore: "DC003 -- reads host metrics, read-only"
        """})
    report = scan(root)
    assert not found(report, "DC003")
    assert [f.suppressed for f in report.findings if f.code == "DC003"] == ["annotation"]


def test_included_and_extended_files_are_checked_as_compose_files(tree) -> None:
    root = tree({
        "compose.yaml": """\
            include:
              - ./db/database.yml
              - path: [./cache/redis.yml]
            services:
              app:
                extends:
                  file: common/services.yml
                  service: base
            """,
        "db/database.yml": "services:\n  db:\n    image: postgres:17.2\n    privileged: true\n",
        "cache/redis.yml": "services:\n  cache:\n    image: redis:latest\n",
        "common/services.yml": "services:\n  base:\n    image: example/app:1.4.2\n",
    })
    report = scan(root)
    assert [(f.path, f.line) for f in found(report, "DC001")] == [("db/database.yml", 4)]
    assert [f.path for f in found(report, "DC019")] == ["cache/redis.yml"]
    assert "common/services.yml" in {f.path for f in found(report, "DC012")}

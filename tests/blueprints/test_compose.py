"""The service blueprint's compose part: compose.yaml (development), compose.prod.yaml, the
layered variant (compose/layered/), Traefik's configuration (compose/traefik/) and .env.example.

Every variant is rendered once per module and held to the checker's promise with the
configuration it ships (score 100, no finding), then to the Compose Specification
(check-jsonschema) and yamllint, and to the contracts other parts rely on: the secrets and
variables .env.example documents, the monitoring mounts, one public entry, pinned images,
layered files that hold the same services as the production file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from kit import UNRENDERED, finding_lines, render, tool

from conftest import scan

pytestmark = pytest.mark.blueprints

ALL_DATASTORES = ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]
VARIANTS = {
    "defaults": {},
    "everything": {"datastores": ALL_DATASTORES, "monitoring": "full"},
    "bare": {"datastores": [], "reverse_proxy": "none", "monitoring": "none"},
    "selfsigned": {"tls_mode": "selfsigned", "datastores": ["redis", "mongodb"],
                   "monitoring": "metrics", "runtime": "node", "node_package_manager": "pnpm"},
    "plain-http": {"tls_mode": "none", "datastores": ["mariadb"], "runtime": "go", "replicas": 3,
                   "cpu_limit": "1500m", "memory_limit": "512Mi"},
    "java": {"runtime": "java", "java_build_tool": "gradle", "datastores": ["elasticsearch"]},
    "static": {"runtime": "static", "reverse_proxy": "none", "monitoring": "full",
               "datastores": ["postgres", "redis"]},
    "hostile": {"project_name": 'Café "Bar": v2', "python_package_manager": "uv",
                "description": "Serves: 'quoted' things — and more"},
}
LAYERS = ("data", "infra", "app")
DIGEST = re.compile(r"^[a-z0-9./_-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$")
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
SECRET_KEYS = re.compile(r"(PASSWORD|_USERS|_SECRET)$")


@pytest.fixture(scope="module")
def outputs(blueprint_template: Path, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("compose")
    return {name: render(blueprint_template, root / name, **answers)
            for name, answers in VARIANTS.items()}


def ours(root: Path) -> list[Path]:
    """The files this part generates, as they exist in one output."""
    found = [root / name for name in ("compose.yaml", "compose.prod.yaml", ".env.example")]
    found += sorted((root / "compose").rglob("*.y*ml"))
    return [path for path in found if path.is_file()]


def check_part(root: Path):
    """The report on this part's files (and what they name: Dockerfile.dev, Traefik's files),
    with the configuration the output ships. Other parts are checked by their own tests."""
    return scan(root, paths=ours(root), isolated=False, disabled=("checkov",))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def services(path: Path) -> dict:
    return load(path)["services"]


def layered(root: Path) -> dict[str, Path]:
    return {name: root / "compose" / "layered" / f"{name}.yaml" for name in LAYERS
            if (root / "compose" / "layered" / f"{name}.yaml").is_file()}


def dotenv(root: Path) -> dict[str, str]:
    found = {}
    for line in (root / ".env.example").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            key, separator, value = line.partition("=")
            assert separator and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), line
            found[key] = value
    return found


# -- the checker, with every policy on --------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_scores_100(outputs, variant):
    report = check_part(outputs[variant])
    assert finding_lines(report) == []
    assert report.score.score == 100 and not report.notes


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_production_file_scores_100_on_its_own(outputs, variant, tmp_path):
    """Beside compose.yaml, the checker takes compose.prod.yaml for an override and skips what
    the base file sets (health checks, limits...). Alone, it is checked in full."""
    alone = shutil.copytree(outputs[variant], tmp_path / "alone")
    (alone / "compose.yaml").unlink()
    report = check_part(alone)
    assert finding_lines(report) == []
    assert report.score.score == 100


@pytest.mark.parametrize("variant", ["everything", "selfsigned", "plain-http", "static"])
def test_each_layered_file_scores_100_on_its_own(outputs, variant):
    for path in layered(outputs[variant]).values():
        report = scan(outputs[variant], paths=[path], isolated=False, disabled=("checkov",))
        assert finding_lines(report) == [], path.name
        assert report.score.score == 100


def test_the_checker_sees_the_routes_and_the_services(outputs, tmp_path):
    """The 100 is earned: without its middlewares the router is reported, and so is a
    production service without its read-only root filesystem."""
    broken = shutil.copytree(outputs["defaults"], tmp_path / "broken")
    (broken / "compose.yaml").unlink()
    routes = broken / "compose" / "traefik" / "dynamic" / "app.yml"
    routes.write_text(routes.read_text("utf-8").replace(
        "        - security-headers\n        - rate-limit\n", "", 1), "utf-8")
    production = broken / "compose.prod.yaml"
    text = production.read_text("utf-8")
    postgres = text.index("\n  postgres:\n")
    production.write_text(text[:postgres] + text[postgres:].replace(
        "    read_only: true\n", "", 1), "utf-8")
    codes = {line.split()[1] for line in finding_lines(check_part(broken))}
    assert codes == {"TRF005", "TRF006", "DC010"}


# -- real validators --------------------------------------------------------------------------


def test_compose_files_follow_the_compose_specification(outputs):
    files = [str(path) for root in outputs.values() for path in ours(root)
             if path.name.startswith("compose") or path.parent.name == "layered"]
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
                             *files], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_yamllint_is_clean_with_the_shipped_configuration(outputs):
    files = [str(path) for root in outputs.values() for path in ours(root)
             if path.suffix in (".yaml", ".yml")]
    config = outputs["defaults"] / ".yamllint.yaml"  # the same file in every output
    result = subprocess.run([tool("yamllint"), "-c", str(config), "--strict", *files],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_is_left_unrendered_and_every_file_parses(outputs):
    for root in outputs.values():
        for path in ours(root):
            text = path.read_text("utf-8")
            assert [marker for marker in UNRENDERED if marker in text] == [], path
            if path.suffix in (".yaml", ".yml"):
                assert isinstance(yaml.safe_load(text), dict), path
        dotenv(root)


# -- what the answers decide ------------------------------------------------------------------


def test_the_files_follow_the_answers(outputs, blueprint_template, tmp_path):
    def present(root):
        return sorted(path.relative_to(root).as_posix() for path in ours(root))
    assert present(render(blueprint_template, tmp_path / "k8s", deploy_targets=["kubernetes"])) == []
    assert present(outputs["everything"]) == [
        ".env.example", "compose.prod.yaml", "compose.yaml", "compose/layered/app.yaml",
        "compose/layered/data.yaml", "compose/layered/infra.yaml",
        "compose/traefik/dynamic/app.yml", "compose/traefik/traefik.yml"]
    assert present(outputs["bare"]) == [
        ".env.example", "compose.prod.yaml", "compose.yaml", "compose/layered/app.yaml"]


def test_datastores_and_monitoring_follow_the_answers(outputs):
    everything = services(outputs["everything"] / "compose.prod.yaml")
    assert set(ALL_DATASTORES) | {"traefik", "traefik-init", "elasticsearch-init", "app",
                                  "prometheus", "alertmanager",
                                  "grafana", "cadvisor", "otel-collector", "jaeger"} \
        | {"postgres-exporter", "mysqld-exporter", "mongodb-exporter", "redis-exporter",
           "elasticsearch-exporter"} == set(everything)
    assert set(services(outputs["bare"] / "compose.prod.yaml")) == {"app"}
    assert set(services(outputs["bare"] / "compose.yaml")) == {"app"}
    metrics = services(outputs["selfsigned"] / "compose.prod.yaml")
    assert {"prometheus", "cadvisor", "redis-exporter", "mongodb-exporter"} <= set(metrics)
    assert not {"alertmanager", "grafana", "otel-collector", "jaeger"} & set(metrics)


def test_resources_and_replicas_follow_the_answers(outputs):
    app = services(outputs["plain-http"] / "compose.prod.yaml")["app"]
    assert app["deploy"]["replicas"] == 3
    assert app["deploy"]["resources"]["limits"] == {"cpus": "1.5", "memory": "512M", "pids": 1024}
    assert app["deploy"]["resources"]["reservations"] == {"cpus": "0.1", "memory": "128M"}
    # Without a proxy the application publishes a fixed port, so it runs one replica.
    alone = services(outputs["bare"] / "compose.prod.yaml")["app"]
    assert alone["deploy"]["replicas"] == 1
    assert alone["ports"] == ["${APP_BIND:-127.0.0.1}:8080:8080"]


@pytest.mark.parametrize("variant,rebuilds,sync", [
    ("defaults", ["requirements.txt"], "sync+restart"),
    ("hostile", ["pyproject.toml", "uv.lock"], "sync+restart"),
    ("selfsigned", ["package.json", "pnpm-lock.yaml"], "sync+restart"),
    ("plain-http", ["go.mod", "go.sum"], "sync+restart"),
    ("java", [], "sync+restart"),
    ("static", ["package.json", "package-lock.json"], "sync"),
])
def test_development_reloads_follow_the_runtime(outputs, variant, rebuilds, sync):
    app = services(outputs[variant] / "compose.yaml")["app"]
    assert app["build"] == {"context": ".", "dockerfile": "Dockerfile.dev"}
    watch = app["develop"]["watch"]
    assert [rule["path"] for rule in watch if rule["action"] == "rebuild"] == rebuilds
    syncs = [rule for rule in watch if rule["action"] != "rebuild"]
    assert [rule["action"] for rule in syncs] == [sync]
    assert syncs[0]["target"].startswith("/app")


# -- contracts --------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_env_example_documents_every_variable_and_gives_no_secret_a_value(outputs, variant):
    root = outputs[variant]
    documented = dotenv(root)
    for key, value in documented.items():
        if SECRET_KEYS.search(key):
            assert value in ("", "''"), key
    for path in ours(root):
        if path.name == ".env.example" or path.parent.name == "traefik":
            continue
        used = set(VARIABLE.findall(path.read_text("utf-8")))
        assert used <= set(documented), (path.name, used - set(documented))
        sources = {secret["environment"] for secret in (load(path).get("secrets") or {}).values()}
        assert sources <= {key for key, value in documented.items() if value in ("", "''")}


def test_every_secret_reaches_its_service_as_a_file(outputs):
    production = load(outputs["everything"] / "compose.prod.yaml")
    declared = set(production["secrets"])
    assert declared == {f"{name}_password" for name in ALL_DATASTORES} | {
        "mariadb_root_password", "traefik_dashboard_users", "grafana_admin_password",
        "alertmanager_receiver_secret"}
    app = production["services"]["app"]
    for name in ALL_DATASTORES:
        assert f"{name}_password" in app["secrets"]
        prefix = name.upper()
        assert app["environment"][f"{prefix}_PASSWORD_FILE"] == f"/run/secrets/{name}_password"
        assert app["environment"][f"{prefix}_HOST"] == name
    used = {secret for service in production["services"].values()
            for secret in service.get("secrets", [])}
    assert used == declared


@pytest.mark.parametrize("variant", VARIANTS)
def test_only_traefik_faces_the_network(outputs, variant):
    root = outputs[variant]
    for path in [root / "compose.yaml", root / "compose.prod.yaml", *layered(root).values()]:
        for name, service in services(path).items():
            for port in service.get("ports", []):
                public = name == "traefik" and port.split(":")[0] in ("80", "443")
                local = port.startswith(("127.0.0.1:", "${APP_BIND:-127.0.0.1}:"))
                assert public or local, (path.name, name, port)


def test_datastores_only_reach_the_internal_backend(outputs):
    root = outputs["everything"]
    production = load(root / "compose.prod.yaml")
    assert production["networks"]["backend"] == {"internal": True}
    for name in ALL_DATASTORES:
        assert production["services"][name]["networks"] == ["backend"]
    data = load(root / "compose" / "layered" / "data.yaml")
    assert data["networks"] == {"backend": {"external": True, "name": "backend"}}
    assert {name: service.get("networks") for name, service in data["services"].items()} == {
        **{name: ["backend"] for name in ALL_DATASTORES}, "elasticsearch-init": None}
    assert data["services"]["elasticsearch-init"]["network_mode"] == "none"


@pytest.mark.parametrize("variant", VARIANTS)
def test_third_party_images_are_pinned_by_tag_and_digest(outputs, variant):
    root = outputs[variant]
    seen: dict[str, str] = {}
    for path in [root / "compose.yaml", root / "compose.prod.yaml", *layered(root).values()]:
        for name, service in services(path).items():
            image = service.get("image")
            if name == "app":
                assert "build" in service or image.endswith(":${APP_VERSION:-0.1.0}")
                continue
            assert DIGEST.match(image), (path.name, name, image)
            assert seen.setdefault(image.split(":")[0], image) == image  # one version everywhere


def test_layered_files_hold_the_production_services(outputs):
    """The layers are the production file split in three: same services, same settings; only
    networks, dependencies across layers and paths (relative to compose/layered/) differ."""
    for variant in ("everything", "plain-http", "static"):
        root = outputs[variant]
        production = services(root / "compose.prod.yaml")
        split = {}
        for path in layered(root).values():
            split.update(services(path))
        assert set(split) == set(production), variant

        def comparable(service):
            service = {key: value for key, value in service.items()
                       if key not in ("networks", "depends_on")}
            text = json.dumps(service, sort_keys=True)
            return text.replace("../../monitoring", "./monitoring").replace(
                "../traefik/", "./compose/traefik/")
        for name, service in production.items():
            assert comparable(split[name]) == comparable(service), (variant, name)


def test_monitoring_follows_the_mount_contract(outputs):
    root = outputs["everything"]
    for path, monitoring in ((root / "compose.prod.yaml", "./monitoring"),
                             (layered(root)["infra"], "../../monitoring")):
        found = services(path)
        prometheus = found["prometheus"]
        assert f"{monitoring}:/etc/monitoring:ro" in prometheus["volumes"]
        assert "--config.file=/etc/monitoring/prometheus/prometheus.yml" in prometheus["command"]
        alertmanager = found["alertmanager"]
        assert f"{monitoring}:/etc/monitoring:ro" in alertmanager["volumes"]
        assert "--config.file=/etc/monitoring/alertmanager/alertmanager.yml" \
            in alertmanager["command"]
        assert "alertmanager_receiver_secret" in alertmanager["secrets"]
        grafana = found["grafana"]
        assert {f"{monitoring}/grafana/provisioning:/etc/grafana/provisioning:ro",
                f"{monitoring}/grafana/dashboards:/etc/monitoring/grafana/dashboards:ro"} \
            <= set(grafana["volumes"])
        assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD__FILE"] \
            == "/run/secrets/grafana_admin_password"
        collector = found["otel-collector"]
        assert collector["volumes"] == [f"{monitoring}/otel/collector.yaml:/etc/otelcol/config.yaml:ro"]
        assert collector["command"] == ["--config=/etc/otelcol/config.yaml"]
        for name in ("postgres-exporter", "mysqld-exporter", "mongodb-exporter", "redis-exporter",
                     "elasticsearch-exporter", "cadvisor", "jaeger"):
            assert "monitoring" in found[name]["networks"], name
    app = services(root / "compose.prod.yaml")["app"]
    assert "monitoring" in app["networks"]
    assert app["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"


def test_traefik_follows_the_tls_mode(outputs):
    def static(variant):
        return load(outputs[variant] / "compose" / "traefik" / "traefik.yml")

    def router(variant):
        return load(outputs[variant] / "compose" / "traefik" / "dynamic" / "app.yml")["http"]

    acme = static("defaults")["certificatesResolvers"]["letsencrypt"]["acme"]
    assert acme["email"] == "platform@example.com" and "tlsChallenge" in acme
    assert static("defaults")["entryPoints"]["web"]["http"]["redirections"]["entryPoint"] == {
        "to": "websecure", "scheme": "https"}
    assert router("defaults")["routers"]["app"]["tls"] == {"certResolver": "letsencrypt"}
    assert "certificatesResolvers" not in static("selfsigned")
    assert static("selfsigned")["entryPoints"]["websecure"]["http"] == {"tls": {}}
    plain = static("plain-http")
    assert set(plain["entryPoints"]) == {"web", "dashboard", "ops"}
    assert plain["entryPoints"]["web"]["forwardedHeaders"]["trustedIPs"]
    assert router("plain-http")["routers"]["app"]["entryPoints"] == ["web"]
    traefik = services(outputs["plain-http"] / "compose.prod.yaml")["traefik"]
    assert traefik["ports"] == ["80:8000", "127.0.0.1:8081:8081"]
    for variant in ("defaults", "selfsigned", "plain-http"):
        routes = router(variant)
        assert routes["routers"]["dashboard"]["middlewares"][0] == "dashboard-auth"
        assert routes["middlewares"]["dashboard-auth"]["basicAuth"]["usersFile"] \
            == "/run/secrets/traefik_dashboard_users"
        assert routes["services"]["app"]["loadBalancer"]["servers"] == [
            {"url": "http://demo-service:8080"}]
        assert "providers" in static(variant) and "docker" not in static(variant)["providers"]


def test_hostile_answers_stay_in_comments(outputs):
    root = outputs["hostile"]
    for path in ours(root):
        for line in path.read_text("utf-8").splitlines():
            if 'Café "Bar": v2' in line:
                assert line.lstrip().startswith("#"), (path.name, line)
    assert load(root / "compose.prod.yaml")["name"] == "caf-bar-v2"
    assert dotenv(root)["POSTGRES_DB"] == "caf_bar_v2"

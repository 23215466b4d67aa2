"""The service blueprint's monitoring (slice 6): monitoring/ (Prometheus, alert rules and their
unit tests, Alertmanager, Grafana, the OpenTelemetry collector), the prometheus-operator
Component in k8s/components/monitoring/ and the runbooks in docs/runbooks/.

Each answer set is rendered once per module, on first use. Only this part's folders are
scanned, with the `.scaffold.yaml` the project ships (test_matrix.py scans whole outputs); the
real tools then run once over every variant: `promtool check config`, `promtool check rules`
(the compose rules and the PrometheusRule's), `promtool test rules`, `amtool check-config`,
`kubectl kustomize` on the Component, yamllint.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from kit import files, finding_lines, render, tool, unrendered, walk

from conftest import scan

pytestmark = pytest.mark.blueprints

SLUG = "demo-service"
SECRET = "/run/secrets/alertmanager_receiver_secret"
EVERY_DATASTORE = ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]
EXPORTERS = {"postgres": "postgres-exporter:9187", "mariadb": "mysqld-exporter:9104",
             "mongodb": "mongodb-exporter:9216", "redis": "redis-exporter:9121",
             "elasticsearch": "elasticsearch-exporter:9114"}
HOSTILE = {"project_name": 'Café "Bar": v2', "description": "Serves: 'quoted' things — and more",
           "owner_email": "o'brien+ops@example.com"}
VARIANTS = {
    "defaults": {},
    "metrics": {"monitoring": "metrics"},
    "full": {"monitoring": "full", "datastores": EVERY_DATASTORE, "alert_receiver": "slack"},
    "pagerduty": {"alert_receiver": "pagerduty", "tls_mode": "selfsigned"},
    "webhook": {"alert_receiver": "webhook", "datastores": ["redis"], "app_port": 9000},
    "kubernetes-only": {"deploy_targets": ["kubernetes"], "environments": ["staging"],
                        "monitoring": "full"},
    "plain": {"datastores": [], "tls_mode": "none", "reverse_proxy": "none",
              "network_policy": False, "deploy_targets": ["compose", "helm"]},
    "gitlab": {"image_registry": "registry.gitlab.com/acme/platform", "ci_provider": "gitlab"},
    "hostile": HOSTILE,
}
STANDARD = [name for name, answers in VARIANTS.items()
            if answers.get("monitoring", "standard") in ("standard", "full")]
# The variants with a compose stack: only they get the Prometheus, Alertmanager and collector
# configs (on Kubernetes the Prometheus Operator takes the ServiceMonitor and PrometheusRule).
WITH_COMPOSE = [name for name, answers in VARIANTS.items()
                if "compose" in answers.get("deploy_targets", ["compose"])
                and answers.get("monitoring", "standard") != "none"]
COMPOSE_STANDARD = [name for name in STANDARD if name in WITH_COMPOSE]
MY_PATHS = ("monitoring", "k8s/components/monitoring", "docs/runbooks")


@pytest.fixture(scope="module")
def output(blueprint_template: Path, tmp_path_factory) -> Callable[[str], Path]:
    """`output(variant)`: that variant's render, rendered on first use."""
    root = tmp_path_factory.mktemp("monitoring")
    rendered: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in rendered:
            rendered[name] = render(blueprint_template, root / name, **VARIANTS[name])
        return rendered[name]
    return get


def _run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def _yaml(path: Path):
    return yaml.safe_load(path.read_text("utf-8"))


def _mine(out: Path) -> list[Path]:
    return [out / part for part in MY_PATHS if (out / part).exists()]


def _alerts(groups: list[dict]) -> dict[str, dict]:
    return {rule["alert"]: rule for group in groups for rule in group["rules"] if "alert" in rule}


def _compose_alerts(out: Path) -> dict[str, dict]:
    return {name: rule for path in sorted((out / "monitoring" / "rules").glob("*.rules.yml"))
            for name, rule in _alerts(_yaml(path)["groups"]).items()}


def _operator_objects(out: Path, name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(
        (out / "k8s" / "components" / "monitoring" / name).read_text("utf-8")) if doc]


def _runbook(alert: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", alert).lower() + ".md"


# -- scaffold check, and what every variant must hold -----------------------------------------

@pytest.mark.parametrize("name", VARIANTS)
def test_scores_100_with_every_policy(output, name: str) -> None:
    out = output(name)
    report = scan(out, _mine(out), isolated=False, disabled=("checkov",))
    assert finding_lines(report) == []
    assert report.score.score == 100
    # The only findings set aside are scaffold's false positives on custom resources and on a
    # kustomize Component, each with its reason inline.
    suppressed = {(f.path.split("/")[-1], f.code) for f in report.findings if not f.active}
    assert suppressed <= {("kustomization.yaml", "KUST001"), ("kustomization.yaml", "KUBE502"),
                          ("servicemonitor.yaml", "KUBE502"), ("prometheusrule.yaml", "KUBE502")}


@pytest.mark.parametrize("name", VARIANTS)
def test_every_file_is_rendered_and_parses(output, name: str) -> None:
    out = output(name)
    mine = {path: content for path, content in files(out).items() if path.startswith(MY_PATHS)}
    assert mine
    assert [line for line in unrendered(out) if line.startswith(MY_PATHS)] == []
    for path, content in mine.items():
        text = content.decode("utf-8")
        assert not re.search(r"\bNone\b", text), path
        if path.endswith((".yml", ".yaml")):
            assert [doc for doc in yaml.safe_load_all(text) if doc], path
        elif path.endswith(".json"):
            json.loads(text)


@pytest.mark.parametrize("level,present,absent", [
    ("none", [], ["monitoring", "k8s/components/monitoring", "docs/runbooks"]),
    ("metrics", ["monitoring/prometheus/prometheus.yml", "k8s/components/monitoring/servicemonitor.yaml"],
     ["monitoring/rules", "monitoring/alertmanager", "monitoring/grafana", "monitoring/otel",
      "docs/runbooks"]),
    ("standard", ["monitoring/rules/tests.yml", "monitoring/alertmanager/alertmanager.yml",
                  "monitoring/grafana/dashboards/overview.json", "docs/runbooks/service-down.md",
                  "k8s/components/monitoring/prometheusrule.yaml"], ["monitoring/otel"]),
    ("full", ["monitoring/otel/collector.yaml"], []),
])
def test_the_level_decides_the_files(blueprint_template: Path, tmp_path: Path, level: str,
                                     present: list[str], absent: list[str]) -> None:
    out = render(blueprint_template, tmp_path / level, monitoring=level)
    assert [path for path in present if not (out / path).exists()] == []
    assert [path for path in absent if (out / path).exists()] == []
    component = out / "k8s" / "components" / "monitoring" / "kustomization.yaml"
    if level != "none":
        listed = _yaml(component)["resources"]
        assert ("prometheusrule.yaml" in listed) == (level != "metrics")


def test_the_metrics_level_leaves_no_unlisted_prometheusrule(output) -> None:
    assert not (output("metrics") / "k8s" / "components" / "monitoring"
                / "prometheusrule.yaml").exists()


# -- the real tools, once over every variant --------------------------------------------------

def test_promtool_checks_every_prometheus_config(output) -> None:
    configs = [str(output(name) / "monitoring" / "prometheus" / "prometheus.yml")
               for name in WITH_COMPOSE]
    result = _run(tool("promtool"), "check", "config", *configs)
    assert result.returncode == 0, result.stdout + result.stderr
    # The rule files are found relative to the config, as in the container's mount.
    assert result.stdout.count("SUCCESS: 2 rule files found") == len(COMPOSE_STANDARD)


def test_promtool_checks_the_rules_and_their_prometheusrule_twins(output, tmp_path: Path):
    rules = [str(path) for name in STANDARD
             for path in sorted((output(name) / "monitoring" / "rules").glob("*.rules.yml"))]
    for name in STANDARD:
        out = output(name)
        if (out / "k8s").exists():
            (spec_file := tmp_path / f"{name}-prometheusrule.yml").write_text(
                yaml.safe_dump(_operator_objects(out, "prometheusrule.yaml")[0]["spec"]))
            rules.append(str(spec_file))
    result = _run(tool("promtool"), "check", "rules", *rules)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_fire_every_alert(output) -> None:
    # The variants whose tests differ most (~1.4 s each: promtool starts once per test group).
    variants = ["full", "plain", "webhook", "kubernetes-only"]
    tests = [str(output(name) / "monitoring" / "rules" / "tests.yml") for name in variants]
    result = _run(tool("promtool"), "test", "rules", *tests)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in STANDARD:  # every compose alert is fired by at least one test
        out = output(name)
        tested = {case["alertname"] for test in _yaml(out / "monitoring/rules/tests.yml")["tests"]
                  for case in test.get("alert_rule_test", []) if case.get("exp_alerts")}
        assert tested == set(_compose_alerts(out)), name


def test_amtool_checks_every_receiver(output) -> None:
    configs = [str(output(name) / "monitoring" / "alertmanager" / "alertmanager.yml")
               for name in COMPOSE_STANDARD]
    result = _run(tool("amtool"), "check-config", *configs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("- 1 templates") == len(configs)


def test_the_component_builds_into_an_overlay(output, tmp_path: Path) -> None:
    """kustomize includes the Component the way k8s/base does, in an overlay's namespace."""
    for name in ("defaults", "metrics"):
        wrapper = tmp_path / name
        wrapper.mkdir()
        component = os.path.relpath(output(name) / "k8s" / "components" / "monitoring", wrapper)
        (wrapper / "kustomization.yaml").write_text(
            f"namespace: {SLUG}-prod\ncomponents: [{json.dumps(component)}]\n")
        result = _run(tool("kubectl"), "kustomize", str(wrapper))
        assert result.returncode == 0, result.stderr
        built = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
        kinds = sorted(doc["kind"] for doc in built)
        assert kinds == (["PrometheusRule", "ServiceMonitor"] if name == "defaults"
                         else ["ServiceMonitor"])
        assert {doc["metadata"]["namespace"] for doc in built} == {f"{SLUG}-prod"}


def test_yamllint_passes(output) -> None:
    paths = [str(path) for name in VARIANTS for path in _mine(output(name))]
    config = output("defaults") / ".yamllint.yaml"
    result = _run(tool("yamllint"), "--strict", "-c", str(config), *paths)
    assert result.returncode == 0, result.stdout


# -- what the files say ------------------------------------------------------------------------

def test_kubernetes_only_gets_no_compose_stack_config(output) -> None:
    out = output("kubernetes-only")
    assert [p for p in ("prometheus", "alertmanager", "otel") if (out / "monitoring" / p).exists()] == []
    assert (out / "monitoring" / "rules" / "tests.yml").is_file()  # the rules' source and tests
    assert (out / "k8s" / "components" / "monitoring" / "servicemonitor.yaml").is_file()


@pytest.mark.parametrize("name", ["defaults", "metrics", "full", "plain"])
def test_prometheus_scrapes_what_the_answers_run(output, name: str) -> None:
    answers = VARIANTS[name]
    config = _yaml(output(name) / "monitoring" / "prometheus" / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    app = jobs[SLUG]["dns_sd_configs"][0]
    assert (app["names"], app["port"], jobs[SLUG]["metrics_path"]) == \
        (["app"], answers.get("app_port", 8080), "/metrics")
    for store, target in EXPORTERS.items():
        listed = [t for job in jobs.values() for c in job.get("static_configs", [])
                  for t in c["targets"]]
        assert (target in listed) == (store in answers.get("datastores", ["postgres"]))
    level = answers.get("monitoring", "standard")
    assert ("alertmanager" in jobs) == ("rule_files" in config) == (level != "metrics")
    assert ("otel-collector" in jobs) == ("jaeger" in jobs) == (level == "full")
    traefik = "compose" in answers.get("deploy_targets", ["compose"]) and \
        answers.get("reverse_proxy", "traefik") == "traefik"
    assert ("traefik" in jobs) == traefik
    assert {"prometheus", "cadvisor"} <= set(jobs)


@pytest.mark.parametrize("name", STANDARD)
def test_every_alert_is_labelled_annotated_and_has_its_runbook(output, name: str) -> None:
    out = output(name)
    alerts = _compose_alerts(out)
    if (out / "k8s").exists():
        alerts |= {f"k8s {alert}": rule for alert, rule in _alerts(
            _operator_objects(out, "prometheusrule.yaml")[0]["spec"]["groups"]).items()}
    assert alerts
    for alert, rule in alerts.items():
        assert rule["labels"]["severity"] in ("critical", "warning"), alert
        assert set(rule["annotations"]) == {"summary", "description", "runbook_url"}, alert
        url = rule["annotations"]["runbook_url"]
        page = _runbook(alert.removeprefix("k8s "))
        assert url.startswith("https://") and url.endswith(f"/docs/runbooks/{page}"), url
        assert (out / "docs" / "runbooks" / page).is_file(), page
        assert page in (out / "docs" / "runbooks" / "README.md").read_text("utf-8")


@pytest.mark.parametrize("name", [
    "defaults", "full", "kubernetes-only",
    "pagerduty", "plain",
])
def test_every_runbook_belongs_to_an_alert(output, name: str) -> None:
    out = output(name)
    alerts = set(_compose_alerts(out))
    if (out / "k8s").exists():
        alerts |= set(_alerts(_operator_objects(out, "prometheusrule.yaml")[0]["spec"]["groups"]))
    pages = {path.name for path in (out / "docs" / "runbooks").glob("*.md")} - {"README.md"}
    assert pages == {_runbook(alert) for alert in alerts}


@pytest.mark.parametrize("name", ["defaults", "kubernetes-only", "pagerduty"])
def test_kubernetes_gets_the_same_alerts(output, name: str) -> None:
    """The PrometheusRule repeats the compose alerts that make sense in a cluster, with the
    same severity, wait and runbook; only the label selectors differ."""
    out = output(name)
    compose = _compose_alerts(out)
    cluster = _alerts(_operator_objects(out, "prometheusrule.yaml")[0]["spec"]["groups"])
    expected = {"ServiceDown", "HighErrorRate", "HighLatency", "MemoryNearLimit",
                "ServiceRestarting", "DiskSpaceLow"}
    if VARIANTS[name].get("tls_mode", "letsencrypt") == "letsencrypt":
        expected.add("CertificateExpiringSoon")
    assert set(cluster) == expected
    for alert, rule in cluster.items():
        if alert in compose:
            twin = compose[alert]
            assert (rule["labels"], rule.get("for"), rule["annotations"]["runbook_url"]) == \
                (twin["labels"], twin.get("for"), twin["annotations"]["runbook_url"]), alert
    monitor = _operator_objects(out, "servicemonitor.yaml")[0]
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics",
                                             "interval": "30s", "scrapeTimeout": "10s"}]
    assert monitor["spec"]["selector"]["matchLabels"] == {
        "app.kubernetes.io/name": SLUG, "app.kubernetes.io/instance": SLUG}


@pytest.mark.parametrize("name,receiver,field", [
    ("defaults", "email_configs", None),
    ("full", "slack_configs", "api_url_file"),
    ("pagerduty", "pagerduty_configs", "routing_key_file"),
    ("webhook", "webhook_configs", "url_file"),
])
def test_the_receiver_reads_its_secret_from_a_file(output, name: str, receiver: str,
                                                   field: str | None) -> None:
    text = (output(name) / "monitoring" / "alertmanager" / "alertmanager.yml").read_text("utf-8")
    config = yaml.safe_load(text)
    (team,) = config["receivers"]
    assert set(team) == {"name", receiver}
    if field:
        assert team[receiver][0][field] == SECRET
    else:
        assert config["global"]["smtp_auth_password_file"] == SECRET
        assert team[receiver][0]["to"] == "platform@example.com"
    # No credential in the file itself, under any of Alertmanager's names for one.
    assert not re.search(r"^\s*(smtp_auth_password|api_url|routing_key|service_key|url|"
                         r"auth_password|password):", text, re.MULTILINE)
    assert config["route"]["receiver"] == "team"
    assert config["inhibit_rules"][0]["equal"] == ["job"]


def test_hostile_answers_stay_data(output) -> None:
    out = output("hostile")
    config = _yaml(out / "monitoring" / "alertmanager" / "alertmanager.yml")
    assert config["receivers"][0]["email_configs"][0]["to"] == "o'brien+ops@example.com"
    provider = _yaml(out / "monitoring" / "grafana" / "provisioning" / "dashboards"
                     / "dashboards.yaml")["providers"][0]
    assert provider["folder"] == 'Café "Bar": v2'
    title = json.loads((out / "monitoring" / "grafana" / "dashboards" / "overview.json")
                       .read_text("utf-8"))["title"]
    assert title == 'Café "Bar": v2 / Overview'


def test_runbook_links_follow_the_repository(output) -> None:
    url = _compose_alerts(output("gitlab"))["ServiceDown"]["annotations"]["runbook_url"]
    assert url == "https://gitlab.com/acme/platform/demo-service/-/blob/main/docs/runbooks/" \
                  "service-down.md"
    url = _compose_alerts(output("defaults"))["ServiceDown"]["annotations"]["runbook_url"]
    assert url == "https://github.com/example/demo-service/blob/main/docs/runbooks/service-down.md"


@pytest.mark.parametrize("name", ["defaults", "full"])
def test_dashboards_are_provisioned_grafana_json(output, name: str) -> None:
    out = output(name)
    grafana = out / "monitoring" / "grafana"
    sources = _yaml(grafana / "provisioning" / "datasources" / "datasources.yaml")["datasources"]
    uids = {source["uid"] for source in sources}
    assert uids == ({"prometheus", "alertmanager", "jaeger"} if name == "full"
                    else {"prometheus", "alertmanager"})
    provider = _yaml(grafana / "provisioning" / "dashboards" / "dashboards.yaml")["providers"][0]
    assert provider["options"]["path"] == "/etc/monitoring/grafana/dashboards"
    dashboards = {path.stem: json.loads(path.read_text("utf-8"))
                  for path in walk(grafana / "dashboards", ".json")}
    assert sorted(dashboards) == ["errors", "latency", "overview", "resources"]
    assert len({d["uid"] for d in dashboards.values()}) == 4
    for stem, dashboard in dashboards.items():
        assert dashboard["uid"] == f"{SLUG}-{stem}" and len(dashboard["uid"]) <= 40
        assert dashboard["title"] == f"Demo Service / {stem.capitalize()}"
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        assert variables["datasource"]["query"] == "prometheus"
        assert variables["job"]["current"]["value"] == SLUG
        panels = dashboard["panels"]
        assert len({p["id"] for p in panels}) == len(panels)
        for panel in panels:
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24, (stem, panel["title"])
            assert panel["targets"] and all(t["expr"] for t in panel["targets"])


def test_the_collector_pipelines_are_complete(output) -> None:
    config = _yaml(output("full") / "monitoring" / "otel" / "collector.yaml")
    service = config["service"]
    for pipeline in service["pipelines"].values():
        assert pipeline["processors"][0] == "memory_limiter"
        for kind in ("receivers", "processors", "exporters"):
            assert set(pipeline[kind]) <= set(config[kind]), kind
    assert set(service["extensions"]) <= set(config["extensions"])
    assert config["exporters"]["otlp/jaeger"]["endpoint"] == "jaeger:4317"
    assert service["pipelines"]["traces"]["exporters"] == ["otlp/jaeger"]
    reader = service["telemetry"]["metrics"]["readers"][0]["pull"]["exporter"]["prometheus"]
    assert reader["port"] == 8888

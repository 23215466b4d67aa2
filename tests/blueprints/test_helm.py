"""The service blueprint's Helm chart, helm/<slug>/ (slice 5).

Each answer set is rendered once per module, on first use. The chart is then held to scaffold
check's promise with the `.scaffold.yaml` the project ships (every policy on; scaffold renders
the chart with values.yaml and with each values-<env>.yaml), and to the real tools: `helm lint
--strict` and `helm template` with every values file, `helm install --dry-run` for NOTES.txt,
the chart's own values.schema.json, promtool on the alert rules it renders, and yamllint.
Only the chart is scanned here: the other parts of the project have their own modules, and
test_matrix.py scans whole outputs.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from kit import TOOLS, finding_lines, render, tool, unrendered

from conftest import SCAFFOLD, scan

pytestmark = pytest.mark.blueprints

SLUG = "demo-service"
DIGEST = "sha256:" + "0123456789abcdef" * 4
EVERY_DATASTORE = ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]
HOSTILE = {"project_name": 'Café "Bar": v2', "description": "Serves: 'quoted' things — and more",
           "owner_email": "o'brien+ops@example.com"}
VARIANTS = {
    "defaults": {},
    "prod-only": {"environments": ["prod"]},
    "tls-none": {"tls_mode": "none", "monitoring": "none"},
    "tls-selfsigned": {"tls_mode": "selfsigned", "monitoring": "metrics"},
    "every-datastore": {"datastores": EVERY_DATASTORE, "deploy_targets": ["helm"],
                        "ingress_class": "traefik", "app_port": 9000, "container_uid": 20000},
    "no-datastore": {"datastores": [], "environments": ["dev"]},
    "fixed-replicas": {"replicas": 3, "hpa_min_replicas": 3, "hpa_max_replicas": 3},
    "hostile": HOSTILE,
    "no-isolation": {"network_policy": False, "pod_disruption_budget": False},
}


@pytest.fixture(scope="module")
def chart(blueprint_template: Path, tmp_path_factory) -> Callable[[str], Path]:
    """`chart(variant)`: the chart folder of that variant's render, rendered on first use."""
    root = tmp_path_factory.mktemp("helm")
    rendered: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in rendered:
            out = render(blueprint_template, root / name, **VARIANTS[name])
            (folder,) = (out / "helm").iterdir()
            rendered[name] = folder
        return rendered[name]
    return get


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def _template(folder: Path, *args: str) -> list[dict]:
    """The objects `helm template` renders, as deploy would (its own release and namespace)."""
    result = _run(tool("helm"), "template", folder.name, str(folder),
                  "--namespace", f"{folder.name}-prod", *args)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _by_kind(objects: list[dict]) -> dict[str, dict]:
    """One object per kind (Secrets: one per datastore); the app's NetworkPolicy, not the
    ACME solver's."""
    found = {}
    for obj in objects:
        if obj["metadata"]["name"].endswith("-acme-http01-solver"):
            continue
        assert obj["kind"] not in found or obj["kind"] == "Secret", obj["kind"]
        found[obj["kind"]] = obj
    return found


def test_the_acme_solver_is_reachable_only_with_lets_encrypt(chart) -> None:
    def solver(name: str) -> list[dict]:
        folder = chart(name)
        return [o for o in _template(folder, "-f", str(folder / "values-prod.yaml"))
                if o["metadata"]["name"].endswith("-acme-http01-solver")]
    (policy,) = solver("defaults")
    assert policy["spec"]["podSelector"] == {
        "matchLabels": {"acme.cert-manager.io/http01-solver": "true"}}
    assert policy["spec"]["ingress"][0]["ports"] == [{"port": 8089, "protocol": "TCP"}]
    assert solver("tls-none") == [] and solver("tls-selfsigned") == []


def _values_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("values*.yaml"))


def _merged(folder: Path, values: Path) -> dict:
    """What helm validates: the file merged over values.yaml (null removes a key)."""
    def merge(base, override):
        if not isinstance(base, dict) or not isinstance(override, dict):
            return override
        out = dict(base)
        for key, value in override.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = merge(base.get(key), value)
        return out
    defaults = yaml.safe_load((folder / "values.yaml").read_text("utf-8"))
    return merge(defaults, yaml.safe_load(values.read_text("utf-8")) or {})


def _schema(folder: Path) -> jsonschema.Draft7Validator:
    schema = json.loads((folder / "values.schema.json").read_text("utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


# -- scaffold check -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    *(n for n in VARIANTS if n != "no-isolation"),
    "no-isolation",
])
def test_the_chart_scores_100_with_every_policy(chart, name: str) -> None:
    folder = chart(name)
    out = folder.parent.parent
    report = scan(out, paths=[out / "helm"], isolated=False, disabled=("checkov",))
    assert finding_lines(report) == [], VARIANTS[name]
    assert report.score.score == 100 and not report.notes, report.notes
    # The chart was rendered for real: the exempted app image is seen in its template.
    assert any(f.code == "KUBE201" and f.path.endswith("templates/deployment.yaml")
               for f in report.findings)


def test_the_chart_is_valid_for_the_oldest_kubernetes_it_declares(chart) -> None:
    folder = chart("defaults")
    declared = yaml.safe_load((folder / "Chart.yaml").read_text("utf-8"))["kubeVersion"]
    oldest = declared.removeprefix(">=").removesuffix(".0-0")
    result = subprocess.run(
        [str(SCAFFOLD), "check", "helm", "--kubernetes-version", oldest, "--format", "json",
         "--disable-plugin", "checkov", "--no-progress"],
        cwd=folder.parent.parent, capture_output=True, text=True, timeout=120,
        env={"PATH": f"{TOOLS / 'bin'}:/usr/bin:/bin", "HOME": str(folder.parent.parent)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["summary"]["score"] == 100


# -- the files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["defaults", "hostile", "every-datastore"])
def test_every_file_is_rendered_and_parses(chart, name: str) -> None:
    folder = chart(name)
    assert unrendered(folder) == []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text("utf-8")
        assert "None" not in text, f"{path.name}: a None placeholder"
        if path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".yaml" and "templates" not in path.parts:
            assert isinstance(yaml.safe_load(text), dict), path.name


def test_only_the_chosen_environments_get_a_values_file(chart) -> None:
    assert [p.name for p in _values_files(chart("defaults"))] == \
        ["values-dev.yaml", "values-prod.yaml", "values-staging.yaml", "values.yaml"]
    assert [p.name for p in _values_files(chart("prod-only"))] == \
        ["values-prod.yaml", "values.yaml"]


def test_hostile_answers_stay_exact_in_chart_yaml(chart) -> None:
    metadata = yaml.safe_load((chart("hostile") / "Chart.yaml").read_text("utf-8"))
    assert metadata["name"] == "caf-bar-v2" and metadata["version"] == "0.1.0"
    assert metadata["description"] == HOSTILE["description"]
    assert metadata["maintainers"] == [{"name": 'Café "Bar": v2 maintainers',
                                        "email": HOSTILE["owner_email"]}]


@pytest.mark.parametrize("name", ["defaults", "hostile", "every-datastore", "tls-none"])
def test_yamllint_passes_the_values_files_and_chart_yaml(chart, name: str) -> None:
    """From the project's root, as users and CI run it: the shipped .yamllint.yaml leaves the
    Go templates under helm/*/templates/ out."""
    project = chart(name).parent.parent
    result = subprocess.run([tool("yamllint"), "--strict", "-f", "parsable", "-c",
                             ".yamllint.yaml", "helm"], cwd=project, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout


# -- helm itself --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["defaults", "every-datastore", "tls-none", "hostile"])
def test_helm_lint_strict_passes_with_every_values_file(chart, name: str) -> None:
    folder = chart(name)
    for values in _values_files(folder):
        result = _run(tool("helm"), "lint", "--strict", str(folder), "-f", str(values))
        assert result.returncode == 0, f"{values.name}\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("name", ["defaults", "every-datastore", "no-datastore", "tls-none"])
def test_every_values_file_matches_the_schema(chart, name: str) -> None:
    folder = chart(name)
    validator = _schema(folder)
    for values in _values_files(folder):
        errors = [e.message for e in validator.iter_errors(_merged(folder, values))]
        assert errors == [], values.name


@pytest.mark.parametrize("override,error", [
    ({"replicaCont": 3}, "Additional properties are not allowed"),
    ({"resources": {"limits": {"memory": "256MB"}}}, "does not match"),
    ({"resources": {"requests": {"cpu": "1 core"}}}, "is not valid under any of the given"),
    ({"image": {"digest": "latest"}}, "does not match"),
    ({"datastores": {"cassandra": {}}}, "Additional properties are not allowed"),
    ({"podDisruptionBudget": {"maxUnavailable": 0}}, "is not valid under any of the given"),
    ({"networkPolicy": {"extraEgress": [{"too": []}]}}, "Additional properties are not allowed"),
    ({"tests": {"image": "busybox:latest"}}, "does not match"),
    ({"config": {"PORT": "80"}}, "should not be valid"),  # containerPort sets it
])
def test_the_schema_refuses_mistakes(chart, tmp_path: Path, override: dict, error: str) -> None:
    folder = chart("defaults")
    values = tmp_path / "values-bad.yaml"
    values.write_text(yaml.safe_dump(override), encoding="utf-8")
    messages = [e.message for e in _schema(folder).iter_errors(_merged(folder, values))]
    assert any(error in message for message in messages), messages


def test_helm_refuses_values_the_schema_refuses(chart) -> None:
    result = _run(tool("helm"), "lint", "--strict", str(chart("defaults")),
                  "--set", "replicaCont=3")
    assert result.returncode != 0 and "replicaCont" in result.stdout + result.stderr


def test_the_production_objects(chart) -> None:
    folder = chart("defaults")
    objects = _by_kind(_template(folder, "-f", str(folder / "values-prod.yaml"),
                                 "--set", f"image.digest={DIGEST}"))
    assert set(objects) == {"ServiceAccount", "Secret", "ConfigMap", "Service", "Deployment",
                            "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
                            "Ingress", "ServiceMonitor", "PrometheusRule", "Pod"}
    for obj in objects.values():
        labels = obj["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == labels["app.kubernetes.io/instance"] == SLUG
        assert obj["metadata"]["name"].startswith(SLUG)
        assert obj["metadata"]["namespace"] == f"{SLUG}-prod"  # the release namespace
    deployment = objects["Deployment"]
    assert "replicas" not in deployment["spec"]  # the autoscaler owns the count
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": 1}
    pod = deployment["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False and pod["serviceAccountName"] == SLUG
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} == \
        {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    (app,) = pod["containers"]
    assert app["name"] == "app" and app["imagePullPolicy"] == "Always"
    assert app["image"] == f"ghcr.io/example/{SLUG}:0.1.0@{DIGEST}"
    assert app["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert app["securityContext"]["readOnlyRootFilesystem"] is True
    assert app["securityContext"]["allowPrivilegeEscalation"] is False
    assert app["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert app["startupProbe"]["httpGet"]["port"] == "http"
    for bound in ("requests", "limits"):
        assert set(app["resources"][bound]) == {"cpu", "memory", "ephemeral-storage"}
    mounts = {m["mountPath"]: m for m in app["volumeMounts"]}
    assert mounts["/run/secrets"]["readOnly"] is True and "/tmp" in mounts
    config = objects["ConfigMap"]["data"]
    assert config["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert {"POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_DB"} <= set(config)
    assert not any("PASSWORD" in k and not k.endswith("_FILE") for k in config)
    secret = objects["Secret"]
    assert secret["metadata"]["name"] == f"{SLUG}-postgres" and secret["data"] == {"password": ""}
    assert objects["ServiceAccount"]["automountServiceAccountToken"] is False
    assert objects["PodDisruptionBudget"]["spec"]["maxUnavailable"] == 1
    ingress = objects["Ingress"]
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"]
    assert ingress["spec"]["tls"] == [{"hosts": [f"{SLUG}.example.com"],
                                       "secretName": f"{SLUG}-tls"}]
    policy = objects["NetworkPolicy"]["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert {"port": 5432, "protocol": "TCP"} in policy["egress"][-1]["ports"]
    assert objects["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 2


def test_dev_runs_a_fixed_pair_with_debug_logs(chart) -> None:
    folder = chart("defaults")
    objects = _by_kind(_template(folder, "-f", str(folder / "values-dev.yaml")))
    assert "HorizontalPodAutoscaler" not in objects
    assert objects["Deployment"]["spec"]["replicas"] == 2
    assert objects["ConfigMap"]["data"]["LOG_LEVEL"] == "debug"
    assert objects["Ingress"]["spec"]["rules"][0]["host"] == f"dev.{SLUG}.example.com"


def test_equal_autoscaler_bounds_give_a_fixed_count(chart) -> None:
    objects = _by_kind(_template(chart("fixed-replicas")))
    assert "HorizontalPodAutoscaler" not in objects
    assert objects["Deployment"]["spec"]["replicas"] == 3


def test_every_datastore_gets_settings_a_secret_and_a_password_file(chart) -> None:
    folder = chart("every-datastore")
    objects = _template(folder, "--set-file", f"datastores.redis.password={folder / 'Chart.yaml'}",
                        "--set", "datastores.mongodb.existingSecret=mongo-credentials")
    secrets = {o["metadata"]["name"] for o in objects if o["kind"] == "Secret"}
    assert secrets == {f"{SLUG}-{n}" for n in EVERY_DATASTORE if n != "mongodb"}
    config = _by_kind(objects)["ConfigMap"]["data"]
    for name in EVERY_DATASTORE:
        assert config[f"{name.upper()}_PASSWORD_FILE"] == f"/run/secrets/{name}_password"
    assert config["PORT"] == "9000" and config["REDIS_PORT"] == "6379"
    pod = _by_kind(objects)["Deployment"]["spec"]["template"]["spec"]
    sources = pod["volumes"][1]["projected"]["sources"]
    assert [s["secret"]["name"] for s in sources if "mongo" in s["secret"]["name"]] == \
        ["mongo-credentials"]
    assert pod["securityContext"]["runAsUser"] == 20000
    ingress_from = _by_kind(objects)["NetworkPolicy"]["spec"]["ingress"][0]["from"][0]
    assert ingress_from["namespaceSelector"]["matchLabels"] == \
        {"kubernetes.io/metadata.name": "traefik"}


def test_no_datastore_mounts_no_secret(chart) -> None:
    objects = _by_kind(_template(chart("no-datastore")))
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    assert "Secret" not in objects and [v["name"] for v in pod["volumes"]] == ["tmp"]
    egress = objects["NetworkPolicy"]["spec"]["egress"]
    assert len(egress) == 1 and egress[0]["ports"][0]["port"] == 53  # DNS only


@pytest.mark.parametrize("name,tls,issuer", [
    ("defaults", True, True), ("tls-selfsigned", True, False), ("tls-none", False, False)])
def test_tls_follows_the_answer(chart, name: str, tls: bool, issuer: bool) -> None:
    ingress = _by_kind(_template(chart(name)))["Ingress"]
    annotations = ingress["metadata"].get("annotations", {})
    assert ("tls" in ingress["spec"]) is tls
    assert ("cert-manager.io/cluster-issuer" in annotations) is issuer
    assert ("scaffold.dev/ignore" in annotations) is (not tls)


@pytest.mark.parametrize("name,kinds", [
    ("defaults", {"ServiceMonitor", "PrometheusRule"}),
    ("tls-selfsigned", {"ServiceMonitor"}),
    ("tls-none", set()),
])
def test_prometheus_operator_objects_follow_the_monitoring_answer(chart, name: str,
                                                                 kinds: set) -> None:
    objects = _by_kind(_template(chart(name)))
    assert {"ServiceMonitor", "PrometheusRule"} & set(objects) == kinds


def test_switched_off_parts_render_nothing(chart) -> None:
    objects = _by_kind(_template(chart("no-isolation")))
    assert not {"NetworkPolicy", "PodDisruptionBudget"} & set(objects)


def test_the_alert_rules_pass_promtool(chart, tmp_path: Path) -> None:
    folder = chart("defaults")
    (rule,) = [o for o in _template(folder, "--set-json", "metrics.prometheusRule.errorRatio=0.07")
               if o["kind"] == "PrometheusRule"]
    rules = tmp_path / "rules.yml"
    rules.write_text(yaml.safe_dump(rule["spec"]), encoding="utf-8")
    result = _run(tool("promtool"), "check", "rules", str(rules))
    assert result.returncode == 0, result.stdout + result.stderr
    alerts = {a["alert"]: a for group in rule["spec"]["groups"] for a in group["rules"]}
    # The alerts of monitoring/rules/, with their runbooks in this repository.
    assert set(alerts) == {"ServiceDown", "HighErrorRate", "HighLatency", "CertificateExpiringSoon",
                           "MemoryNearLimit", "ServiceRestarting", "DiskSpaceLow"}
    runbooks = f"https://github.com/example/{SLUG}/blob/main/docs/runbooks/"
    assert alerts["ServiceDown"]["annotations"]["runbook_url"] == runbooks + "service-down.md"
    assert all(a["annotations"]["runbook_url"].startswith(runbooks) for a in alerts.values())
    assert alerts["HighErrorRate"]["annotations"]["summary"] == \
        f"{SLUG} fails more than 7% of requests"
    assert f'namespace="{SLUG}-prod"' in alerts["HighErrorRate"]["expr"]
    assert "{{ $labels.pod }}" in json.dumps(alerts)  # Prometheus' templates pass through helm


def test_notes_say_where_it_runs_and_what_is_missing(chart) -> None:
    folder = chart("tls-selfsigned")
    result = _run(tool("helm"), "install", folder.name, str(folder), "--dry-run=client",
                  "--namespace", f"{SLUG}-prod", "-f", str(folder / "values-prod.yaml"))
    assert result.returncode == 0, result.stderr
    notes = result.stdout.split("NOTES:", 1)[1]
    assert f"https://{SLUG}.example.com/" in notes
    assert f"create secret tls {SLUG}-tls" in notes
    assert "postgres password in the Secret demo-service-postgres is empty" in notes
    assert f"helm test {SLUG} -n {SLUG}-prod" in notes


def test_the_test_hook_is_hardened_and_pinned(chart) -> None:
    (pod,) = [o for o in _template(chart("defaults")) if o["kind"] == "Pod"]
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    spec = pod["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["automountServiceAccountToken"] is False
    (container,) = spec["containers"]
    assert "@sha256:" in container["image"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert set(container["resources"]["limits"]) == {"cpu", "memory", "ephemeral-storage"}
    assert container["command"][-1] == f"http://{SLUG}:80/readyz"

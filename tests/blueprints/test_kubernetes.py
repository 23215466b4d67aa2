"""The service blueprint's Kubernetes manifests: k8s/base and one kustomize overlay per
environment (slice 4).

Each answer set is rendered once per module. Its k8s/ folder is then held to scaffold check's
promise with the `.scaffold.yaml` the project ships (every policy on; scaffold builds the base
and every overlay with kustomize and validates what they produce against the strict
Kubernetes 1.35 schemas, KUBE501), and to the real tools: `kubectl kustomize` for every
overlay, yamllint, and checkov once. Only k8s/ is scanned here: the other parts have their own
modules, and test_matrix.py scans whole outputs.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from kit import finding_lines, render, tool, unrendered

from conftest import scan

pytestmark = pytest.mark.blueprints

SLUG = "demo-service"
ENVIRONMENTS = ("dev", "staging", "prod")
EVERY_DATASTORE = ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]
PORTS = {"postgres": 5432, "mariadb": 3306, "mongodb": 27017, "redis": 6379,
         "elasticsearch": 9200}
HOSTILE = {"project_name": 'Café "Bar": v2', "description": "Serves: 'quoted' things — and more",
           "owner_email": "o'brien+ops@example.com", "domain": "xn--caf-dma.example.com"}
LONG_SLUG = "a" * 30 + "-" + "b" * 32  # 63 characters, the most a DNS-1123 label holds
VARIANTS = {
    "defaults": {},
    "prod-only": {"environments": ["prod"]},
    "tls-none": {"tls_mode": "none", "monitoring": "none"},
    "tls-selfsigned": {"tls_mode": "selfsigned", "ingress_class": "traefik",
                       "monitoring": "metrics"},
    "every-datastore": {"datastores": EVERY_DATASTORE, "monitoring": "full", "runtime": "java",
                        "app_port": 9000, "container_uid": 20000},
    "no-datastore": {"datastores": [], "monitoring": "none", "environments": ["dev"]},
    "fixed-replicas": {"replicas": 3, "hpa_min_replicas": 3, "hpa_max_replicas": 3,
                       "cpu_request": "0.25", "memory_request": "1Gi", "memory_limit": "2Gi"},
    "single-pod": {"replicas": 1, "hpa_min_replicas": 1, "hpa_max_replicas": 1,
                   "environments": ["dev", "prod"]},
    "scale-from-one": {"hpa_min_replicas": 1, "hpa_max_replicas": 4},
    "no-isolation": {"network_policy": False, "pod_disruption_budget": False},
    "hostile": HOSTILE,
    "long-names": {"project_name": LONG_SLUG, "domain": f"api.{LONG_SLUG}.example.com",
                   "datastores": ["elasticsearch"]},
}


@pytest.fixture(scope="module")
def rendered(blueprint_template: Path, tmp_path_factory):
    """`rendered(variant)`: the project rendered with that variant's answers, on first use."""
    root = tmp_path_factory.mktemp("kubernetes")
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            done[name] = render(blueprint_template, root / name, **VARIANTS[name])
        return done[name]
    return get


@pytest.fixture(scope="module")
def built(rendered):
    """`built(variant, env)`: the objects `kubectl kustomize k8s/overlays/<env>` produces."""
    done: dict[tuple[str, str], list[dict]] = {}

    def get(name: str, env: str) -> list[dict]:
        if (name, env) not in done:
            overlay = rendered(name) / "k8s" / "overlays" / env
            result = subprocess.run([tool("kubectl"), "kustomize", str(overlay)],
                                    capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, result.stderr
            done[name, env] = [obj for obj in yaml.safe_load_all(result.stdout) if obj]
        return done[name, env]
    return get


def _report(out: Path):
    return scan(out, paths=[out / "k8s"], isolated=False, disabled=("checkov",))


def _slug(out: Path) -> str:
    return yaml.safe_load((out / ".copier-answers.yml").read_text("utf-8"))["project_slug"]


def _one(objects: list[dict], kind: str, name: str | None = None) -> dict:
    (found,) = [o for o in objects if o["kind"] == kind and
                (name is None or o["metadata"]["name"] == name)]
    return found


def _config(objects: list[dict]) -> dict:
    (config,) = [o for o in objects if o["kind"] == "ConfigMap"]
    return config["data"]


def _app(objects: list[dict]) -> dict:
    (app,) = _one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    return app


# -- scaffold check -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "defaults", "prod-only", "tls-none", "tls-selfsigned", "every-datastore", "no-datastore",
    "fixed-replicas", "single-pod", "scale-from-one", "no-isolation", "hostile"])
def test_every_variant_passes_every_policy(rendered, name: str) -> None:
    out = rendered(name)
    report = _report(out)
    assert finding_lines(report) == [], VARIANTS[name]
    assert report.score.score == 100
    assert not report.notes, report.notes
    # The overlays were built for real: the app's exempted image is seen through each build.
    exempted = [f for f in report.findings if f.code == "KUBE201"]
    assert exempted and all(f.path == "k8s/base/deployment.yaml" for f in exempted)
    assert all(f.suppressed for f in exempted)


# -- the files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VARIANTS)
def test_every_file_is_rendered_and_parses(rendered, name: str) -> None:
    k8s = rendered(name) / "k8s"
    assert unrendered(k8s) == []
    for path in sorted(k8s.rglob("*.yaml")):
        text = path.read_text("utf-8")
        assert "None" not in text, f"{path}: a None placeholder"
        assert [doc for doc in yaml.safe_load_all(text) if doc], f"{path}: empty"


def test_only_the_chosen_environments_get_an_overlay(rendered) -> None:
    assert sorted(p.name for p in (rendered("defaults") / "k8s/overlays").iterdir()) == \
        sorted(ENVIRONMENTS)
    assert [p.name for p in (rendered("prod-only") / "k8s/overlays").iterdir()] == ["prod"]


def test_the_monitoring_component_is_used_only_with_monitoring(rendered) -> None:
    def components(name: str) -> list[str] | None:
        base = yaml.safe_load((rendered(name) / "k8s/base/kustomization.yaml").read_text("utf-8"))
        return base.get("components")
    assert components("defaults") == ["../components/monitoring"]
    assert components("tls-none") is None


@pytest.mark.parametrize("name,absent", [
    ("no-datastore", "secrets.yaml"), ("fixed-replicas", "hpa.yaml"),
    ("no-isolation", "pdb.yaml"), ("no-isolation", "networkpolicy.yaml")])
def test_objects_the_answers_do_not_want_have_no_file(rendered, name: str, absent: str) -> None:
    base = rendered(name) / "k8s" / "base"
    assert (base / "kustomization.yaml").is_file() and not (base / absent).exists()


def test_yamllint_passes_every_variant(rendered) -> None:
    """One run over every variant's base and overlays, with the .yamllint.yaml the project
    ships (k8s/components/monitoring is the monitoring part's, tested there)."""
    outputs = [rendered(name) for name in VARIANTS]
    result = subprocess.run([tool("yamllint"), "--strict", "-f", "parsable", "-c",
                             str(outputs[0] / ".yamllint.yaml"),
                             *(str(out / "k8s" / part) for out in outputs
                               for part in ("base", "overlays"))],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


def test_checkov_passes_with_only_the_app_digest_skipped(rendered) -> None:
    """checkov's own Kubernetes checks on the files, as CI's security scan runs them."""
    k8s = rendered("defaults") / "k8s"
    result = subprocess.run([tool("checkov"), "-d", str(k8s), "--framework", "kubernetes",
                             "--skip-download", "--output", "json"],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    summary = json.loads(result.stdout)
    checks = summary["results"]
    assert checks["failed_checks"] == []
    assert {c["check_id"] for c in checks["skipped_checks"]} == {"CKV_K8S_43"}
    assert summary["summary"]["passed"] > 80


# -- what the overlays build --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["defaults", "every-datastore", "single-pod", "hostile",
                                  "long-names"])
def test_every_overlay_builds_into_its_own_restricted_namespace(rendered, built,
                                                                name: str) -> None:
    slug = _slug(rendered(name))
    for overlay in sorted((rendered(name) / "k8s/overlays").iterdir()):
        env = overlay.name
        objects = built(name, env)
        namespace = _one(objects, "Namespace")
        assert namespace["metadata"]["name"] == f"{slug}-{env}"
        assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == \
            "restricted"
        for obj in objects:
            if obj["kind"] != "Namespace":
                assert obj["metadata"]["namespace"] == f"{slug}-{env}", obj["kind"]
                labels = obj["metadata"]["labels"]
                assert labels["app.kubernetes.io/instance"] == slug
                assert labels["app.kubernetes.io/part-of"] == slug
        assert _app(objects)["image"].endswith(f"/{slug}:0.1.0")
        assert _config(objects)["LOG_LEVEL"] == ("debug" if env == "dev" else "info")


def test_the_production_deployment_is_hardened(built) -> None:
    objects = built("defaults", "prod")
    deployment = _one(objects, "Deployment", SLUG)
    assert "replicas" not in deployment["spec"]  # the autoscaler owns the count
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": 0,
                                                               "maxSurge": 1}
    pod = deployment["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == SLUG and pod["automountServiceAccountToken"] is False
    assert pod["enableServiceLinks"] is False
    assert pod["securityContext"] == {"runAsNonRoot": True, "runAsUser": 10001,
                                      "runAsGroup": 10001, "fsGroup": 10001,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    spread = pod["topologySpreadConstraints"]
    assert {c["topologyKey"] for c in spread} == {"topology.kubernetes.io/zone",
                                                   "kubernetes.io/hostname"}
    assert all(c["labelSelector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
               for c in spread)
    app = _app(objects)
    assert app["name"] == "app" and app["imagePullPolicy"] == "Always"
    assert app["image"] == f"ghcr.io/example/{SLUG}:0.1.0"
    assert app["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert app["securityContext"] == {"allowPrivilegeEscalation": False,
                                      "readOnlyRootFilesystem": True, "privileged": False,
                                      "capabilities": {"drop": ["ALL"]}}
    assert app["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "64Mi"},
        "limits": {"cpu": "1", "memory": "256Mi", "ephemeral-storage": "256Mi"}}
    assert app["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    mounts = {m["mountPath"]: m for m in app["volumeMounts"]}
    assert set(mounts) == {"/tmp", "/run/secrets"} and mounts["/run/secrets"]["readOnly"]
    assert _one(objects, "ServiceAccount")["automountServiceAccountToken"] is False
    service = _one(objects, "Service")
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    pdb = _one(objects, "PodDisruptionBudget")["spec"]
    assert pdb["maxUnavailable"] == 1 and pdb["selector"] == deployment["spec"]["selector"]
    hpa = _one(objects, "HorizontalPodAutoscaler")["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 6)
    assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == 70


def test_the_environments_differ_in_scale_host_and_logs(built) -> None:
    hpa = {env: _one(built("defaults", env), "HorizontalPodAutoscaler")["spec"]
           for env in ENVIRONMENTS}
    assert [(hpa[env]["minReplicas"], hpa[env]["maxReplicas"]) for env in ENVIRONMENTS] == \
        [(2, 3), (2, 6), (2, 6)]
    dev, prod = _app(built("defaults", "dev")), _app(built("defaults", "prod"))
    assert dev["resources"]["requests"] == {"cpu": "50m", "memory": "64Mi",
                                            "ephemeral-storage": "64Mi"}
    assert dev["resources"]["limits"] == prod["resources"]["limits"]
    hosts = {env: _one(built("defaults", env), "Ingress")["spec"] for env in ENVIRONMENTS}
    for env, host in (("dev", f"dev.{SLUG}.example.com"),
                      ("staging", f"staging.{SLUG}.example.com"),
                      ("prod", f"{SLUG}.example.com")):
        assert hosts[env]["rules"][0]["host"] == host
        assert hosts[env]["tls"] == [{"hosts": [host], "secretName": f"{SLUG}-tls"}]


def test_equal_autoscaler_bounds_give_a_fixed_count(built) -> None:
    objects = built("fixed-replicas", "dev")
    assert not [o for o in objects if o["kind"] == "HorizontalPodAutoscaler"]
    assert _one(objects, "Deployment")["spec"]["replicas"] == 3
    # Half of 0.25 CPU and of 1Gi: dev's requests.
    assert _app(objects)["resources"]["requests"]["cpu"] == "125m"
    assert _app(objects)["resources"]["requests"]["memory"] == "512Mi"


def test_every_datastore_gets_settings_a_placeholder_secret_and_a_password_file(built) -> None:
    objects = built("every-datastore", "prod")
    slug_ident = SLUG.replace("-", "_")
    config = _config(objects)
    assert config["PORT"] == "9000"
    for name in EVERY_DATASTORE:
        prefix = name.upper()
        assert config[f"{prefix}_HOST"] == name
        assert config[f"{prefix}_PORT"] == str(PORTS[name])
        assert config[f"{prefix}_USER"] == ("default" if name == "redis" else slug_ident)
        assert config[f"{prefix}_DB"] == ("0" if name == "redis" else slug_ident)
    assert not any("PASSWORD" in key for key in config)  # passwords are never settings
    secrets = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Secret"}
    assert set(secrets) == {f"{SLUG}-{name}" for name in EVERY_DATASTORE}
    assert all(s["stringData"] == {"password": ""} and "data" not in s
               for s in secrets.values())
    app = _app(objects)
    assert app["env"] == [{"name": f"{n.upper()}_PASSWORD_FILE",
                           "value": f"/run/secrets/{n}_password"} for n in EVERY_DATASTORE]
    pod = _one(objects, "Deployment")["spec"]["template"]["spec"]
    (projected,) = [v["projected"] for v in pod["volumes"] if "projected" in v]
    assert projected["defaultMode"] == 0o440
    assert [s["secret"] for s in projected["sources"]] == [
        {"name": f"{SLUG}-{n}", "items": [{"key": "password", "path": f"{n}_password"}]}
        for n in EVERY_DATASTORE]
    assert pod["securityContext"]["runAsUser"] == 20000
    assert app["startupProbe"]["failureThreshold"] == 36  # a JVM starts slowly


def test_no_datastore_means_no_secret_and_no_password_mount(built) -> None:
    objects = built("no-datastore", "dev")
    assert not [o for o in objects if o["kind"] == "Secret"]
    app = _app(objects)
    assert "env" not in app and [m["mountPath"] for m in app["volumeMounts"]] == ["/tmp"]
    assert set(_config(objects)) == {"LOG_LEVEL", "PORT"}


def test_network_policies_deny_by_default_and_allow_what_the_app_needs(built) -> None:
    policies = {o["metadata"]["name"]: o["spec"] for o in built("every-datastore", "prod")
                if o["kind"] == "NetworkPolicy"}
    assert policies[f"{SLUG}-default-deny"] == {"podSelector": {},
                                                "policyTypes": ["Ingress", "Egress"]}
    app = policies[SLUG]
    sources = [rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
               for rule in app["ingress"]]
    assert sources == ["ingress-nginx", "monitoring"]
    assert all(rule["ports"] == [{"port": "http", "protocol": "TCP"}] for rule in app["ingress"])
    dns, datastores = app["egress"]
    assert dns["to"][0]["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
    assert {(p["port"], p["protocol"]) for p in dns["ports"]} == {(53, "UDP"), (53, "TCP")}
    assert [p["port"] for p in datastores["ports"]] == [PORTS[n] for n in EVERY_DATASTORE]
    # Without monitoring, Prometheus gets no way in; without datastores, only DNS goes out.
    spec = _one(built("no-datastore", "dev"), "NetworkPolicy", SLUG)["spec"]
    assert len(spec["ingress"]) == 1 and len(spec["egress"]) == 1
    traefik = _one(built("tls-selfsigned", "prod"), "NetworkPolicy", SLUG)["spec"]["ingress"][0]
    assert traefik["from"][0]["namespaceSelector"]["matchLabels"] == \
        {"kubernetes.io/metadata.name": "traefik"}


@pytest.mark.parametrize("name,tls,issuer", [
    ("defaults", True, True), ("tls-selfsigned", True, False), ("tls-none", False, False)])
def test_tls_follows_the_answer(rendered, built, name: str, tls: bool, issuer: bool) -> None:
    ingress = _one(built(name, "prod"), "Ingress")
    annotations = ingress["metadata"].get("annotations", {})
    assert ("tls" in ingress["spec"]) is tls
    assert annotations.get("cert-manager.io/cluster-issuer") == \
        ("letsencrypt-prod" if issuer else None)
    assert ingress["spec"]["ingressClassName"] == VARIANTS[name].get("ingress_class", "nginx")
    text = (rendered(name) / "k8s/base/ingress.yaml").read_text("utf-8")
    assert ("# scaffold: ignore=KUBE304 -- TLS terminates at the load balancer" in text) is \
        (not tls)


def test_switched_off_parts_are_not_deployed(built) -> None:
    kinds = {o["kind"] for o in built("no-isolation", "prod")}
    assert not {"NetworkPolicy", "PodDisruptionBudget"} & kinds
    single = built("single-pod", "prod")
    assert _one(single, "Deployment")["spec"]["replicas"] == 1
    assert "HorizontalPodAutoscaler" not in {o["kind"] for o in single}


def test_hostile_answers_stay_in_comments_and_names_stay_valid(rendered, built) -> None:
    out = rendered("hostile")
    assert (out / "k8s/base/deployment.yaml").read_text("utf-8").startswith(
        '# Café "Bar": v2\n')
    ingress = _one(built("hostile", "prod"), "Ingress")
    assert ingress["metadata"]["name"] == "caf-bar-v2"
    assert ingress["spec"]["rules"][0]["host"] == "xn--caf-dma.example.com"

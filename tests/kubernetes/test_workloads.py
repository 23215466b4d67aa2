"""The workload best-practice pack (KUBE001, KUBE002, KUBE005, KUBE201-KUBE259): Kubernetes
defaults and precedence applied the way the API server and kubelet apply them, findings on the
line to edit, messages that say where, and secrets never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import scan, write_tree
from scaffold.registry import Registry
from scaffold_plugins.kubernetes import check_table
from scaffold_plugins.kubernetes.workloads import _trusted, secret_name, split_image

REGISTRY = Registry.load()
PACK = [p for p in REGISTRY.policies()
        if "workloads" in Path(str(p.source)).parts and p.code.startswith("KUBE")]


def findings(tmp_path: Path, text: str, code: str, config: str | None = None
             ) -> list[tuple[int | None, str]]:
    """(line, message) of the active findings of `code` for one manifest."""
    files = {"manifest.yaml": text}
    if config is not None:
        files[".scaffold.yaml"] = config
    write_tree(tmp_path, files)
    report = scan(tmp_path, config=tmp_path / ".scaffold.yaml" if config else None,
                  disabled=("checkov",))
    return sorted((f.line, f.message) for f in report.findings if f.code == code and f.active)


def lines(tmp_path: Path, text: str, code: str, config: str | None = None) -> list[int | None]:
    return [line for line, _ in findings(tmp_path, text, code, config)]


# -- the pack as a whole ----------------------------------------------------------------------

def test_the_pack_has_its_codes_references_and_own_checks() -> None:
    codes = {p.code for p in PACK}
    assert {"KUBE001", "KUBE002", "KUBE005"} <= codes
    assert len(PACK) >= 30
    # KUBE224 needs the autoscalers of its tree: its check is a cross-resource one.
    own = {check.name for check in (*check_table.WORKLOADS, *check_table.RELATED)}
    for policy in PACK:
        assert policy.code in ("KUBE001", "KUBE002", "KUBE005") or \
            201 <= int(policy.code[4:]) <= 259, policy.code
        assert policy.references, policy.code
        assert policy.check is None or policy.check in own, policy.code


def test_every_workloads_check_is_used_by_a_policy() -> None:
    used = {p.check for p in PACK}
    assert {check.name for check in check_table.WORKLOADS} <= used


# -- images -----------------------------------------------------------------------------------

@pytest.mark.parametrize("reference,expected", [
    ("nginx", ("docker.io", "library/nginx", None, None)),
    ("nginx:1.27", ("docker.io", "library/nginx", "1.27", None)),
    ("bitnami/redis:7.4", ("docker.io", "bitnami/redis", "7.4", None)),
    ("localhost:5000/app", ("localhost:5000", "app", None, None)),
    ("Registry.Example.com:5000/team/app:1.0@sha256:ab",
     ("registry.example.com:5000", "team/app", "1.0", "sha256:ab")),
    ("ghcr.io/org/app@sha256:ab", ("ghcr.io", "org/app", None, "sha256:ab")),
])
def test_split_image_applies_the_runtime_defaults(reference: str, expected: tuple) -> None:
    assert split_image(reference) == expected


@pytest.mark.parametrize("image,registries,trusted", [
    ("nginx:1.27", ["docker.io"], True),
    ("nginx:1.27", ["docker.io/library"], True),
    ("bitnami/redis:7", ["docker.io/library"], False),
    ("registry.example.com/platform/app:1", ["registry.example.com/platform"], True),
    ("registry.example.com/platform-x/app:1", ["registry.example.com/platform"], False),
    ("europe-docker.pkg.dev/p/r/app:1", ["*.pkg.dev"], True),
    ("registry.example.com:5000/app:1", ["*.example.com"], True),
    ("registry.example.com:5000/app:1", ["registry.example.com"], False),
    ("ghcr.io.evil.test/org/app:1", ["ghcr.io"], False),
])
def test_trusted_registry_entries(image: str, registries: list[str], trusted: bool) -> None:
    registry, repository, _, _ = split_image(image)
    assert _trusted(registry, repository, registries) is trusted


def test_trusted_registry_params_come_from_the_config(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - {name: app, image: "registry.example.com/team/web:1.4.0"}
            - {name: hub, image: "nginx:1.27.2"}
        """
    assert [m for _, m in findings(tmp_path, text, "KUBE202")] == [
        "Container app pulls `registry.example.com/team/web:1.4.0` from "
        "`registry.example.com`, which is not a trusted registry."]
    config = "params:\n  KUBE202:\n    registries: [registry.example.com/team]\n"
    assert [m for _, m in findings(tmp_path, text, "KUBE202", config)] == [
        "Container hub pulls `nginx:1.27.2` from `docker.io`, which is not a trusted registry."]


@pytest.mark.parametrize("image,policy,reported", [
    ("nginx:1.27", None, True),              # a tag defaults to IfNotPresent
    ("nginx@sha256:" + "a" * 64, None, True),  # so does a digest alone
    ("nginx", None, False),                  # no tag: `latest`, defaults to Always
    ("nginx:latest", None, False),
    ("nginx:latest@sha256:" + "a" * 64, None, False),
    ("nginx:1.27", "Always", False),
    ("nginx:latest", "IfNotPresent", True),
    ("nginx:1.27", "Never", True),
])
def test_pull_policy_judges_the_default_the_api_server_gives(
        tmp_path: Path, image: str, policy: str | None, reported: bool) -> None:
    pull = f"\n      imagePullPolicy: {policy}" if policy else ""
    text = f"apiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  containers:\n" \
           f"    - name: app\n      image: \"{image}\"{pull}\n"
    found = lines(tmp_path, text, "KUBE203")
    assert found == ([8 if policy else 7] if reported else [])


# -- resources --------------------------------------------------------------------------------

POD_RESOURCES = """\
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      initContainers:
        - name: migrate
          image: app:1.4.0
          resources:
            limits: {cpu: 200m, memory: 64Mi}
      containers:
        - name: app
          image: app:1.4.0
          resources:
            requests: {cpu: 100m}
      ephemeralContainers:
        - name: debug
          image: busybox:1.36.1
    """


def test_a_limit_sets_the_request_and_ephemeral_containers_are_exempt(tmp_path: Path) -> None:
    assert findings(tmp_path, POD_RESOURCES, "KUBE204") == []
    assert findings(tmp_path, POD_RESOURCES, "KUBE205") == [
        (14, "Container app sets no memory request.")]
    assert findings(tmp_path, POD_RESOURCES, "KUBE002") == [
        (13, "Container app sets no memory limit.")]


def test_pod_level_resources_cover_every_container(tmp_path: Path) -> None:
    text = POD_RESOURCES.replace("spec:\n", "spec:\n  resources:\n    limits: {memory: 1Gi}\n", 1)
    assert findings(tmp_path, text, "KUBE002") == []
    assert findings(tmp_path, text, "KUBE205") == []  # the pod's limit sets its request


# -- probes -----------------------------------------------------------------------------------

PROBES = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          initContainers:
            - name: migrate
              image: app:1.4.0
            - name: proxy
              image: proxy:1.0.0
              restartPolicy: Always
          containers:
            - name: app
              image: app:1.4.0
              ports: [{name: http, containerPort: 8080}]
              livenessProbe:
                httpGet: {path: /health, port: http}
              readinessProbe:
                httpGet: {path: /health, port: 8080}
              startupProbe:
                tcpSocket: {port: admin}
    """


def test_probe_policies_cover_regular_and_sidecar_containers_only(tmp_path: Path) -> None:
    report = scan(write_tree(tmp_path, {"m.yaml": PROBES}), disabled=("checkov",))
    subjects = {code: sorted(f.subject.rsplit(" ", 1)[-1] for f in report.findings
                             if f.code == code and f.active)
                for code in ("KUBE005", "KUBE209")}
    assert subjects == {"KUBE005": ["proxy"], "KUBE209": ["proxy"]}


def test_identical_probes_resolve_named_ports(tmp_path: Path) -> None:
    assert findings(tmp_path, PROBES, "KUBE211") == [
        (19, "The liveness and readiness probes of container app both test HTTP GET /health "
             "on port 8080.")]


def test_undeclared_probe_port_name_points_at_the_port(tmp_path: Path) -> None:
    assert findings(tmp_path, PROBES, "KUBE212") == [
        (24, "The startupProbe of container app uses the port name `admin`, which the "
             "container's `ports` do not declare.")]


def test_probes_of_jobs_and_cronjobs_are_not_required(tmp_path: Path) -> None:
    text = """\
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report}
        spec:
          schedule: "0 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - {name: run, image: "report:1.0.0", livenessProbe: {tcpSocket: {port: 1}}}
        """
    for code in ("KUBE005", "KUBE209", "KUBE210"):
        assert findings(tmp_path, text, code) == [], code


# -- users and groups -------------------------------------------------------------------------

USERS = """\
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      securityContext:
        runAsUser: 1000
        runAsGroup: 0
        supplementalGroups: [0]
      initContainers:
        - name: migrate
          image: app:1.4.0
          securityContext: {runAsUser: 20000, runAsGroup: 20000}
      containers:
        - name: app
          image: app:1.4.0
        - name: sidecar
          image: proxy:1.0.0
          securityContext: {runAsGroup: 0}
    """


def test_high_ids_follow_container_over_pod_precedence(tmp_path: Path) -> None:
    assert findings(tmp_path, USERS, "KUBE215") == [
        (6, "Container app runs with `runAsUser: 1000` (set by its pod), below 10000."),
        (6, "Container sidecar runs with `runAsUser: 1000` (set by its pod), below 10000."),
    ]
    # GID 0 is the root group: KUBE217 reports it, not KUBE216 a second time.
    assert findings(tmp_path, USERS, "KUBE216") == []
    assert [line for line, _ in findings(tmp_path, USERS, "KUBE217")] == [7, 8, 18]


def test_high_id_minimum_is_a_parameter(tmp_path: Path) -> None:
    config = "params:\n  KUBE215:\n    field: runAsUser\n    minimum: 1000\n"
    assert findings(tmp_path, USERS, "KUBE215", config) == []


def test_root_group_reports_each_place_once(tmp_path: Path) -> None:
    assert findings(tmp_path, USERS, "KUBE217") == [
        (7, "`runAsGroup: 0` (the pod) runs processes in the root group."),
        (8, "`supplementalGroups` adds the root group (0) to every process."),
        (18, "`runAsGroup: 0` (container sidecar) runs processes in the root group."),
    ]


def test_unset_user_is_reported_on_the_container(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: app
              image: app:1.4.0
        """
    assert findings(tmp_path, text, "KUBE215") == [
        (6, "Neither container app nor its pod sets `runAsUser`: the image decides, and most "
            "images use an ID below 10000.")]


# -- environment ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,expected", [
    ("DB_PASSWORD", True), ("password", True), ("spring.datasource.password", True),
    ("GITHUB_TOKEN", True), ("JWT_SECRET", True), ("AWS_SECRET_ACCESS_KEY", True),
    ("STRIPE_API_KEY", True), ("SECRET_KEY_BASE", True), ("REDIS_PASS", True),
    ("DB_PASSWORD_FILE", False), ("TOKEN_URL", False), ("PUBLIC_KEY", False),
    ("CACHE_KEY", False), ("PASSWORD_REQUIRED", False), ("BYPASS", False), ("PWD", False),
    ("SECRET_NAME", False), ("TOKEN_TTL", False),
])
def test_secret_names(name: str, expected: bool) -> None:
    assert secret_name(name) is expected


def test_hard_coded_secret_is_redacted_and_points_at_the_value(tmp_path: Path) -> None:
    secret = "correct-horse-battery-staple"
    text = f"""\
        apiVersion: v1
        kind: Pod
        metadata: {{name: web}}
        spec:
          containers:
            - name: app
              image: app:1.4.0
              env:
                - name: ADMIN_PASSWORD
                  value: {secret}
                - name: DB_PASSWORD
                  value: $(ADMIN_PASSWORD)
        """
    found = findings(tmp_path, text, "KUBE221")
    assert found == [(10, "Container app sets `ADMIN_PASSWORD` to the literal co…(28 chars) "
                          "in the manifest.")]
    assert all(secret not in message for _, message in found)


def test_hard_coded_credential_is_found_by_its_format_whatever_the_name(tmp_path: Path) -> None:
    # A name that says nothing: the value's format (an AWS key id, a URL with a password) is
    # enough; the URL whose password comes from another variable is not a literal secret.
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: app
              image: app:1.4.0
              env:
                - name: UPLOAD_ID
                  value: AKIAZ7Q4LMN2OPRSTUVW
                - name: BROKER
                  value: amqp://app:$(BROKER_PASSWORD)@mq:5672/
                - name: MODE
                  value: production
        """
    found = findings(tmp_path, text, "KUBE221")
    assert found == [(10, "Container app sets `UPLOAD_ID` to an AWS access key (AK…(20 chars)) "
                          "in the manifest.")]


def test_duplicate_env_points_at_the_second_entry(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: app
              image: app:1.4.0
              env:
                - {name: A, value: "1"}
                - {name: B, value: "2"}
                - {name: A, value: "3"}
                - {name: A, value: "4"}
        """
    assert findings(tmp_path, text, "KUBE222") == [
        (11, "Container app sets `A` twice (env entries 1 and 3)."),
        (12, "Container app sets `A` twice (env entries 1 and 4)."),
    ]


def test_secret_env_var_points_at_value_from_and_env_from(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: app
              image: app:1.4.0
              envFrom:
                - configMapRef: {name: settings}
                - secretRef: {name: db}
              env:
                - name: TOKEN
                  valueFrom:
                    secretKeyRef: {name: api, key: token}
        """
    assert lines(tmp_path, text, "KUBE220") == [10, 13]


# -- workload objects -------------------------------------------------------------------------

def test_selector_mismatch_points_at_the_selector(tmp_path: Path) -> None:
    text = """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata: {labels: {app: website, tier: frontend}}
            spec:
              containers:
                - {name: app, image: "app:1.4.0"}
        """
    assert findings(tmp_path, text, "KUBE227") == [
        (5, "The selector of Deployment/web does not select its own pod template "
            "(labels: app=website, tier=frontend).")]


def test_spread_is_reported_on_replicas(tmp_path: Path) -> None:
    text = """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          replicas: 3
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              affinity:
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 100
                      podAffinityTerm:
                        topologyKey: kubernetes.io/hostname
                        labelSelector: {matchLabels: {app: other}}
              containers:
                - {name: db, image: "postgres:17.2"}
        """
    assert lines(tmp_path, text, "KUBE225") == [6]


@pytest.mark.parametrize("strategy,line", [
    ("{type: Recreate}", 6),
    ("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}", 6),
    ("{rollingUpdate: {maxUnavailable: 0}}", None),
    ("{rollingUpdate: {maxUnavailable: 0%}}", None),
])
def test_rollout_strategy(tmp_path: Path, strategy: str, line: int | None) -> None:
    text = f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: web}}
        spec:
          replicas: 2
          strategy: {strategy}
          selector: {{matchLabels: {{app: web}}}}
          template:
            metadata: {{labels: {{app: web}}}}
            spec:
              containers:
                - {{name: app, image: "app:1.4.0"}}
        """
    assert lines(tmp_path, text, "KUBE226") == ([line] if line else [])


def test_namespace_default_only_when_explicit(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          namespace: default
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
        """
    assert lines(tmp_path, text, "KUBE223") == [5]

"""The Pod Security Standards pack: where findings land, what they say, the exemptions the
standard makes (Windows pods, user-namespace pods), and the two profiles reported per control.
The per-policy pass/fail fixtures live in tests/policies/KUBE003|004|006|1xx."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, scan, write_tree
from scaffold.registry import Registry

REGISTRY = Registry.load()
BASELINE = ["KUBE003", "KUBE006", *(f"KUBE{n}" for n in range(101, 111))]
RESTRICTED_ONLY = ["KUBE004", *(f"KUBE{n}" for n in range(111, 117))]
PSS = BASELINE + RESTRICTED_ONLY
NO_TOOLS = ("hadolint", "shellcheck", "checkov")

# A Deployment that meets the restricted level everywhere: init, sidecar and app containers.
COMPLIANT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: runtime/default
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
        appArmorProfile: {type: RuntimeDefault}
        seLinuxOptions: {level: "s0:c1,c2"}
        sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "80"}]
      initContainers:
        - name: migrate
          image: web:1.4.0
          securityContext: &locked
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
        - name: proxy
          image: envoyproxy/envoy:v1.31.2
          restartPolicy: Always
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
          readinessProbe: {tcpSocket: {port: 80}}
      containers:
        - name: app
          image: web:1.4.0
          ports: [{containerPort: 8080}]
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
          securityContext: *locked
      volumes:
        - {name: tmp, emptyDir: {}}
        - {name: config, configMap: {name: web}}
"""

# One violation of each control, each on a line of its own (comments name the code).
VIOLATIONS = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined  # KUBE105
spec:
  hostPID: true  # KUBE006
  hostUsers: true
  securityContext:
    runAsNonRoot: false  # KUBE004
    runAsUser: 0  # KUBE113
    seccompProfile:
      type: Unconfined  # KUBE108 KUBE114
    seLinuxOptions:
      role: sysadm_r  # KUBE106
    windowsOptions:
      hostProcess: true  # KUBE101
    sysctls:
      - name: kernel.sem  # KUBE109
        value: "250 32000 100 128"
  containers:
    - name: app
      image: nginx:1.27.2
      ports:
        - containerPort: 80
          hostPort: 80  # KUBE104
      readinessProbe:
        httpGet:
          host: 10.0.0.1  # KUBE110
          port: 80
      securityContext:  # KUBE112
        privileged: true  # KUBE003
        procMount: Unmasked  # KUBE107
        capabilities:  # KUBE115
          add:
            - SYS_PTRACE  # KUBE102 KUBE115
  volumes:
    - name: root
      hostPath: {path: /}  # KUBE103 KUBE111
"""


def _scan(tmp_path: Path, manifest: str, config: str | None = None, **kwargs):
    files = {"manifest.yaml": manifest}
    if config is not None:
        files[".scaffold.yaml"] = config
    write_tree(tmp_path, files)
    return scan(tmp_path, config=tmp_path / ".scaffold.yaml" if config is not None else None,
                disabled=NO_TOOLS, **kwargs)


def _found(report, codes=PSS) -> list[tuple[str, int | None, str]]:
    return sorted((f.code, f.line, f.message) for f in report.findings
                  if f.code in codes and f.active)


def _lines(report, code: str) -> list[int | None]:
    return [line for found, line, _ in _found(report) if found == code]


# -- the pack ---------------------------------------------------------------------------------


def test_every_pss_code_is_a_loaded_policy_with_the_level_severity() -> None:
    policies = {p.code: p for p in REGISTRY.policies()}
    for code in PSS:
        policy = policies[code]
        assert policy.source.replace("\\", "/").split("/")[-2] == "pss", code
        expected = "error" if code in BASELINE else "warning"
        assert str(policy.severity) == expected, code
        assert "Pod Security Standards" in policy.rationale, code
        assert any("pod-security-standards" in r for r in policy.references), code
    in_folder = {p.code for p in policies.values()
                 if Path(p.source).parent.name == "pss"}
    assert in_folder == set(PSS)


def test_a_restricted_compliant_workload_has_no_pss_finding(tmp_path: Path) -> None:
    report = _scan(tmp_path, COMPLIANT)
    assert _found(report) == []
    assert {c.status for c in _scan(tmp_path, COMPLIANT, profile="pss-restricted").controls} \
        == {"pass"}


def test_each_violation_lands_on_its_own_line(tmp_path: Path) -> None:
    report = _scan(tmp_path, VIOLATIONS)
    expected = {}
    for number, text in enumerate(VIOLATIONS.splitlines(), start=1):
        if "# KUBE" in text:
            for code in text.split("#", 1)[1].split():
                expected.setdefault(code, []).append(number)
    assert set(expected) == set(PSS) - {"KUBE116"}  # needs hostUsers: false, tested below
    for code, lines in expected.items():
        assert _lines(report, code) == lines, code


# -- precedence and duplicates ----------------------------------------------------------------


def test_an_inherited_pod_value_is_reported_once_at_the_pod(tmp_path: Path) -> None:
    manifest = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    runAsNonRoot: false
    seccompProfile: {type: Unconfined}
  initContainers:
    - {name: setup, image: "busybox:1.36.1"}
  containers:
    - {name: app, image: "nginx:1.27.2"}
    - {name: worker, image: "nginx:1.27.2"}
"""
    found = _found(_scan(tmp_path, manifest), ("KUBE004", "KUBE108", "KUBE114"))
    assert found == [
        ("KUBE004", 6, "the pod sets runAsNonRoot: false"),
        ("KUBE108", 7, "the pod sets seccompProfile.type: Unconfined (the container runs "
                       "without syscall filtering)"),
        ("KUBE114", 7, "the pod sets seccompProfile.type: Unconfined (allowed: RuntimeDefault, "
                       "Localhost)"),
    ]


def test_a_missing_setting_points_at_each_container_that_lacks_it(tmp_path: Path) -> None:
    manifest = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: setup
              image: busybox:1.36.1
          containers:
            - name: report
              image: report:1.2.0
              securityContext:
                runAsNonRoot: true
                seccompProfile: {type: RuntimeDefault}
          ephemeralContainers:
            - name: debugger
              image: busybox:1.36.1
              securityContext: {runAsNonRoot: true}
"""
    found = _found(_scan(tmp_path, manifest), ("KUBE004", "KUBE114"))
    assert found == [
        ("KUBE004", 12, "initContainer setup does not set runAsNonRoot: true, and neither "
                        "does the pod"),
        ("KUBE114", 12, "initContainer setup sets no seccompProfile (RuntimeDefault or "
                        "Localhost), and neither does the pod"),
        # the ephemeral container has a securityContext: the finding lands there
        ("KUBE114", 23, "ephemeralContainer debugger sets no seccompProfile (RuntimeDefault or "
                        "Localhost), and neither does the pod"),
    ]


def test_container_settings_override_the_pod_for_the_required_controls(tmp_path: Path) -> None:
    manifest = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: Localhost, localhostProfile: web.json}
  containers:
    - name: app
      image: nginx:1.27.2
      securityContext:
        runAsNonRoot: false
        seccompProfile: {type: Unconfined}
    - {name: ok, image: "nginx:1.27.2"}
"""
    found = _found(_scan(tmp_path, manifest), ("KUBE004", "KUBE114"))
    assert found == [
        ("KUBE004", 12, "container app sets runAsNonRoot: false"),
        ("KUBE114", 13, "container app sets seccompProfile.type: Unconfined (allowed: "
                        "RuntimeDefault, Localhost)"),
    ]


def test_run_as_user_false_is_not_uid_zero(tmp_path: Path) -> None:
    manifest = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsUser: false}
  containers:
    - name: app
      image: nginx:1.27.2
      securityContext: {runAsUser: 0}
"""
    assert _found(_scan(tmp_path, manifest), ("KUBE113",)) == [
        ("KUBE113", 9, "container app sets runAsUser: 0 (root)")]


# -- exemptions the standard makes ------------------------------------------------------------


WINDOWS = """\
apiVersion: v1
kind: Pod
metadata: {name: win}
spec:
  os: {name: windows}
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
"""


def test_windows_pods_are_exempt_from_the_linux_only_restricted_controls(tmp_path: Path) -> None:
    codes = {code for code, _, _ in _found(_scan(tmp_path, WINDOWS))}
    assert codes == {"KUBE004"}  # runAsNonRoot is not Linux-only
    linux = WINDOWS.replace("os: {name: windows}", "os: {name: linux}")
    codes = {code for code, _, _ in _found(_scan(tmp_path, linux))}
    assert codes == {"KUBE004", "KUBE112", "KUBE114", "KUBE115"}


def test_user_namespace_pods_are_exempt_from_the_root_controls(tmp_path: Path) -> None:
    manifest = """\
apiVersion: v1
kind: Pod
metadata: {name: nested}
spec:
  hostUsers: false
  securityContext:
    runAsUser: 0
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: buildkit
      image: moby/buildkit:v0.16.0-rootless
      securityContext:
        procMount: Unmasked
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
"""
    found = _found(_scan(tmp_path, manifest))
    # baseline allows the unmasked /proc in a user namespace; restricted (KUBE116) does not
    assert [code for code, _, _ in found] == ["KUBE116"]
    assert found[0][1] == 13


# -- allow-lists are params -------------------------------------------------------------------


def test_a_config_can_follow_its_cluster_version_for_the_allow_lists(tmp_path: Path) -> None:
    manifest = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: "16384"}]
    seLinuxOptions: {type: container_engine_t}
  containers:
    - {name: app, image: "nginx:1.27.2"}
  volumes:
    - name: model
      image: {reference: "registry.example.com/model:1.0"}
"""
    assert {c for c, _, _ in _found(_scan(tmp_path, manifest))} >= {"KUBE109"}
    assert not {"KUBE106", "KUBE111"} & {c for c, _, _ in _found(_scan(tmp_path, manifest))}
    config = """\
params:
  KUBE109: {allowed: [net.ipv4.tcp_notsent_lowat]}
  KUBE106: {allowed: [container_t]}
  KUBE111: {allowed: [configMap, emptyDir, persistentVolumeClaim, projected, secret]}
"""
    found = _found(_scan(tmp_path, manifest, config), ("KUBE106", "KUBE109", "KUBE111"))
    assert [(code, line) for code, line, _ in found] == [("KUBE106", 7), ("KUBE111", 12)]


def test_messages_name_the_container_kind_and_value(tmp_path: Path) -> None:
    messages = [message for _, _, message in _found(_scan(tmp_path, VIOLATIONS))]
    assert "the pod sets windowsOptions.hostProcess: true (a Windows HostProcess container " \
           "has the node's privileges)" in messages
    assert "the pod sets sysctl kernel.sem, which is not in the safe set" in messages
    assert any(m.startswith("volume root uses the hostPath volume type") for m in messages)
    assert any(m.startswith("annotation container.apparmor.security.beta.kubernetes.io/app is "
                            "unconfined") for m in messages)


# -- profiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name,codes", [("pss-baseline", BASELINE), ("pss-restricted", PSS)])
def test_profiles_select_the_level_and_map_every_control(name: str, codes: list[str]) -> None:
    profile = REGISTRY.profile(name)
    assert sorted(profile.select) == sorted(codes)
    mapped = {code for control in profile.controls.values() for code in control}
    assert mapped == set(codes)
    for control, control_codes in profile.controls.items():
        assert control.startswith(("Baseline: ", "Restricted: ")), control
        assert control_codes and set(control_codes) <= set(profile.select), control


def test_the_restricted_profile_includes_every_baseline_control() -> None:
    baseline = REGISTRY.profile("pss-baseline").controls
    restricted = REGISTRY.profile("pss-restricted").controls
    assert {k: v for k, v in restricted.items() if k.startswith("Baseline: ")} == dict(baseline)
    assert len(baseline) == 12 and len(restricted) == 19


def test_scaffold_policies_lists_both_profiles(tmp_path: Path) -> None:
    table = run_cli("policies", cwd=tmp_path)
    assert table.returncode == 0
    assert "pss-baseline" in table.stdout and "pss-restricted" in table.stdout
    data = json.loads(run_cli("policies", "--profile", "pss-baseline", "--format", "json",
                              cwd=tmp_path).stdout)
    assert sorted(p["code"] for p in data["policies"] if p["code"].startswith("KUBE")) \
        == sorted(BASELINE)


def test_check_with_the_restricted_profile_reports_per_control(tmp_path: Path) -> None:
    write_tree(tmp_path, {"web.yaml": COMPLIANT.replace("runAsNonRoot: true", "runAsNonRoot: false")
                          .replace("hostPort", "x"),
                          "agent.yaml": VIOLATIONS.replace("hostPID: true  # KUBE006", "")})
    result = run_cli("check", "--profile", "pss-restricted", "--disable-plugin", "checkov",
                     "--format", "json", ".", cwd=tmp_path)
    report = json.loads(result.stdout)
    controls = {c["control"]: c for c in report["controls"]}
    assert len(controls) == 19
    assert controls["Baseline: Host Namespaces"]["status"] == "pass"
    assert controls["Restricted: Running as Non-root"]["status"] == "fail"
    assert controls["Restricted: Running as Non-root"]["failed"] == 2  # both files
    assert all(c["status"] == "fail" for name, c in controls.items()
               if name != "Baseline: Host Namespaces")
    text = run_cli("check", "--profile", "pss-restricted", "--disable-plugin", "checkov", ".",
                   cwd=tmp_path).stdout
    assert "Controls of profile pss-restricted:" in text
    assert "Baseline: Host Probes / Lifecycle Hooks" in text

"""Validation against the Kubernetes API: schemas per version, custom resource schemas, and
the removed and deprecated apiVersions."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_tree
from conftest import scan_without_checkov as scan
from scaffold_plugins.kubernetes import apischema

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: nginx:1.27.2
          resouces: {limits: {memory: 128Mi}}
          ports:
            - containerPort: "80"
"""


def _findings(report, prefix="KUBE5"):
    return [(f.path, f.line, f.code, f.message) for f in report.findings
            if f.code.startswith(prefix)]


def test_schema_errors_point_at_the_field_and_name_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"web.yaml": DEPLOYMENT})
    found = _findings(scan(tmp_path, select=("KUBE501",)))
    assert found == [
        ("web.yaml", 12, "KUBE501", "spec.template.spec.containers[0]: unknown field `resouces`"),
        ("web.yaml", 14, "KUBE501", 'spec.template.spec.containers[0].ports[0].containerPort: '
                                    '"80" is not of type "integer"'),
    ]


def test_quantities_follow_the_api_servers_grammar(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": """\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: app
              image: nginx:1.27.2
              resources:
                requests: {cpu: 250m, memory: 1Gi, ephemeral-storage: 1e3}
                limits: {cpu: 0.5, memory: 1 Gi, ephemeral-storage: 256MB}
        """})
    found = [(line, message.split(":")[0]) for _, line, _, message in
             _findings(scan(tmp_path, select=("KUBE501",)))]
    assert found == [(10, "spec.containers[0].resources.limits.ephemeral-storage"),
                     (10, "spec.containers[0].resources.limits.memory")]


def test_json_manifests_are_validated_with_lines(tmp_path: Path) -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
               "spec": {"ports": [{"port": "http"}]}}
    write_tree(tmp_path, {"svc.json": json.dumps(service, indent=2),
                          "package.json": '{"name": "not a manifest"}'})
    found = _findings(scan(tmp_path, select=("KUBE501",)))
    assert [(path, line) for path, line, _, _ in found] == [("svc.json", 10)]


def test_the_kubernetes_version_comes_from_the_config(tmp_path: Path) -> None:
    cronjob = ("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\n"
               "spec: {schedule: '* * * * *'}\n")
    write_tree(tmp_path, {"cron.yaml": cronjob, ".scaffold.yaml": 'kubernetes-version: "1.24"\n'})
    old = scan(tmp_path, config=tmp_path / ".scaffold.yaml", select=("KUBE503", "KUBE504"))
    assert [code for _, _, code, _ in _findings(old)] == ["KUBE504"]
    new = scan(tmp_path, select=("KUBE503", "KUBE504"))
    assert [code for _, _, code, _ in _findings(new)] == ["KUBE503"]


def test_a_version_without_schemas_is_said_plainly(tmp_path: Path) -> None:
    write_tree(tmp_path, {"web.yaml": DEPLOYMENT, ".scaffold.yaml": 'kubernetes-version: "1.19"\n'})
    (finding,) = _findings(scan(tmp_path, config=tmp_path / ".scaffold.yaml",
                                select=("KUBE501", "KUBE502")))
    assert "no API schemas for Kubernetes 1.19" in finding[3]
    assert f"{apischema.versions()[0]} to {apischema.versions()[-1]}" in finding[3]


def test_a_malformed_version_is_a_config_error_naming_the_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"web.yaml": DEPLOYMENT,
                          ".scaffold.yaml": "fail-on: error\nkubernetes-version: 1.30\n"})
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert ".scaffold.yaml:2: kubernetes-version" in result.stderr


def test_custom_resources_are_validated_against_a_given_schema(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas" / "cert-manager.io"
    schemas.mkdir(parents=True)
    (schemas / "certificate_v1.json").write_text(json.dumps({
        "type": "object", "properties": {"spec": {"type": "object", "required": ["secretName"],
                                                  "additionalProperties": False,
                                                  "properties": {"secretName": {}}}}}))
    write_tree(tmp_path, {"cert.yaml": "apiVersion: cert-manager.io/v1\nkind: Certificate\n"
                                       "metadata: {name: web}\nspec:\n  dnsName: x\n"})
    params = {"schema-locations": [str(tmp_path / "schemas")]}
    config = write_tree(tmp_path / "cfg", {".scaffold.yaml": json.dumps(
        {"params": {"KUBE501": params, "KUBE502": params}})}) / ".scaffold.yaml"
    found = _findings(scan(tmp_path, [tmp_path / "cert.yaml"], config=config))
    assert [(line, code) for _, line, code, _ in found] == [(4, "KUBE501"), (5, "KUBE501")]
    assert "spec: missing required field `secretName`" in found[0][3]
    assert "spec: unknown field `dnsName`" in found[1][3]
    without = _findings(scan(tmp_path, [tmp_path / "cert.yaml"]))
    assert [code for _, _, code, _ in without] == ["KUBE502"]


def test_a_badly_broken_object_reports_the_first_errors_only(tmp_path: Path) -> None:
    fields = "\n".join(f"  field{i}: {i}" for i in range(40))
    write_tree(tmp_path, {"cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n"
                                     f"spec:\n{fields}\nother: 1\n" + "\n".join(
                                         f"x{i}: {i}" for i in range(30))})
    found = _findings(scan(tmp_path, select=("KUBE501",)))
    assert len(found) <= 21
    assert found[-1][3].startswith("more than 20 schema errors") or len(found) < 21


def test_schemas_are_compiled_once_per_kind(tmp_path: Path) -> None:
    many = "---\n".join(DEPLOYMENT.replace("name: web", f"name: web{i}") for i in range(50))
    write_tree(tmp_path, {"many.yaml": many})
    apischema.validator.cache_clear()
    scan(tmp_path, select=("KUBE501",))
    assert apischema.validator.cache_info().misses == 1


def test_the_command_line_version_wins_over_the_config(tmp_path: Path) -> None:
    cronjob = ("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\n"
               "spec: {schedule: '* * * * *'}\n")
    write_tree(tmp_path, {"cron.yaml": cronjob, ".scaffold.yaml": 'kubernetes-version: "1.30"\n'})
    args = ("check", "--select", "KUBE503,KUBE504", "--format", "json", "--disable-plugin",
            "checkov")
    codes = [[f["code"] for f in json.loads(run_cli(*args, *extra, cwd=tmp_path).stdout)[
        "findings"]] for extra in ((), ("--kubernetes-version", "1.24"))]
    assert codes == [["KUBE503"], ["KUBE504"]]
    bad = run_cli("check", "--kubernetes-version", "v1.24", cwd=tmp_path)
    assert bad.returncode == 2 and "--kubernetes-version takes a minor version" in bad.stderr

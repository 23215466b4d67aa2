"""Manifests -> documents: every object, pod spec and container, with subjects and lines."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from scaffold.sources import SourceFile
from scaffold_plugins.kubernetes import scaffold_parse

CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: ops}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {container.apparmor.security.beta.kubernetes.io/job: runtime/default}
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: wait
              image: busybox:1.36
          containers:
            - name: job
              image: busybox:1.36
          ephemeralContainers:
            - name: debug
              image: busybox:1.36
"""


def _parse(tmp_path: Path, name: str, text: str | bytes):
    write_tree(tmp_path, {name: text})
    return scaffold_parse(SourceFile(tmp_path / name, name))


def test_cronjob_pod_and_every_kind_of_container(tmp_path: Path) -> None:
    documents = _parse(tmp_path, "cron.yaml", CRONJOB)
    assert [(d.target, d.subject, d.line) for d in documents] == [
        ("kubernetes.object", "CronJob/nightly", 2),
        ("kubernetes.pod", "CronJob/nightly", 11),
        ("kubernetes.container", "CronJob/nightly container job", 17),
        ("kubernetes.container", "CronJob/nightly initContainer wait", 14),
        ("kubernetes.container", "CronJob/nightly ephemeralContainer debug", 20),
    ]
    pod = documents[1]
    assert pod.data["metadata"]["annotations"]  # the template's, where AppArmor lives
    container = documents[2]
    assert container.data["pod"] is pod.data["spec"] and container.container == "job"
    assert container.resource.namespace == "ops"


def test_lists_nested_lists_and_other_yaml_in_one_file(tmp_path: Path) -> None:
    text = """\
# settings for a tool, not Kubernetes
tool: {verbose: true}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
  - apiVersion: v1
    kind: ServiceList
    items:
      - apiVersion: v1
        kind: Service
        metadata: {name: b}
  - not: an object
"""
    documents = _parse(tmp_path, "list.yaml", text)
    assert [(d.subject, d.line) for d in documents] == [("ConfigMap/a", 8), ("Service/b", 14)]


def test_crlf_files_keep_their_lines(tmp_path: Path) -> None:
    text = "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n" \
           "    - {name: app, image: x}\r\n"
    documents = _parse(tmp_path, "pod.yaml", text.encode())
    assert [d.line for d in documents] == [2, 4, 6]


def test_json_manifests_and_other_json(tmp_path: Path) -> None:
    documents = _parse(tmp_path, "pod.json", '{"apiVersion": "v1", "kind": "Pod",\n'
                                             '"metadata": {"name": "p"}, "spec": {}}')
    assert [d.subject for d in documents] == ["Pod/p", "Pod/p"]
    assert _parse(tmp_path, "package.json", '{"name": "app"}') is None
    assert _parse(tmp_path, "broken.json", '{"apiVersion": ') is None  # not ours to report


def test_helm_templates_are_left_to_the_helm_plugin(tmp_path: Path) -> None:
    write_tree(tmp_path, {"t.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"})
    source = SourceFile(tmp_path / "t.yaml", "t.yaml", kind="helm.template")
    assert scaffold_parse(source) is None


def test_extension_workloads_have_pods_only_in_their_own_api_group(tmp_path: Path) -> None:
    pod = "  template:\n    spec:\n      containers:\n        - {name: app, image: app:1.0.0}\n"
    text = "---\n".join(f"apiVersion: {version}\nkind: {kind}\nmetadata: {{name: {name}}}\n"
                        f"spec:\n{pod}"
                        for version, kind, name in (
                            ("apps.openshift.io/v1", "DeploymentConfig", "oc"),
                            ("v1", "DeploymentConfig", "legacy"),
                            ("argoproj.io/v1alpha1", "Rollout", "canary"),
                            ("example.com/v1", "Rollout", "other")))
    documents = _parse(tmp_path, "extensions.yaml", text)
    assert [d.subject for d in documents if d.target == "kubernetes.pod"] == [
        "DeploymentConfig/oc", "DeploymentConfig/legacy", "Rollout/canary"]

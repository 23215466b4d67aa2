"""Cross-resource checks: what counts as the tree, and where findings land."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from conftest import scan_without_checkov as scan
from conftest import write_tree
from scaffold import LineIndex
from scaffold_plugins.kubernetes.documents import documents
from scaffold_plugins.kubernetes.related import related_documents

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  serviceAccountName: web
  containers:
    - name: app
      image: nginx:1.27.2
      envFrom:
        - configMapRef: {name: settings}
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.27.2"}]
"""
HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
"""


def _found(report, prefix="KUBE4"):
    return sorted((f.path, f.line, f.code) for f in report.findings if f.code.startswith(prefix))


def test_findings_point_at_the_reference(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD})
    assert _found(scan(tmp_path, select=("KUBE407", "KUBE408"))) == [
        ("pod.yaml", 5, "KUBE407"), ("pod.yaml", 10, "KUBE408")]


def test_a_folder_is_one_tree_across_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD, "more/settings.yaml":
                          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"})
    assert _found(scan(tmp_path, select=("KUBE408",))) == []


def test_several_files_are_a_partial_tree_where_nothing_is_reported_missing(tmp_path: Path):
    write_tree(tmp_path, {"pod.yaml": POD, "deploy.yaml": DEPLOYMENT, "hpa.yaml": HPA})
    report = scan(tmp_path, [tmp_path / "pod.yaml", tmp_path / "deploy.yaml",
                             tmp_path / "hpa.yaml"])
    # Nothing is "missing" from a partial tree, but what is there is still related.
    assert _found(report) == [("deploy.yaml", 5, "KUBE404")]


def test_one_file_is_a_whole_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, {"all.yaml": DEPLOYMENT + "---\n" + HPA})
    assert _found(scan(tmp_path, [tmp_path / "all.yaml"])) == [
        ("all.yaml", 2, "KUBE406"), ("all.yaml", 5, "KUBE404"), ("all.yaml", 5, "KUBE405")]


def _object_documents(text: str, tree: str | None):
    import yaml

    obj = yaml.safe_load(text)
    return list(documents(obj, "x.yaml", LineIndex(), 1,
                          parsed=SimpleNamespace(tree=tree) if tree else None))


def test_renders_are_trees_of_their_own() -> None:
    kept = [d for tree in (None, "chart:values-dev.yaml", "chart:values-prod.yaml")
            for d in _object_documents(DEPLOYMENT, tree) + _object_documents(HPA, tree)
            if d.target == "kubernetes.object"]
    related = related_documents(kept, complete=True)
    assert len(related) == 6
    for document in related:
        members = [d for kind in document.parsed.tree.by_kind.values() for d in kind]
        assert len(members) == 2  # its own Deployment and HPA, not the other renders'
        assert document.parsed.origin is kept[related.index(document)].parsed

"""kustomize overlays, built with the real kubectl (tests/install-tools.sh puts it on PATH)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from conftest import scan_without_checkov as scan

pytestmark = pytest.mark.skipif(not (shutil.which("kubectl") or shutil.which("kustomize")),
                                reason="needs kubectl or kustomize: run tests/run.sh")

BASE = {
    "base/kustomization.yaml": "resources: [deployment.yaml, service.yaml]\n",
    "base/deployment.yaml": """\
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
""",
    "base/service.yaml": """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
""",
    "overlays/prod/kustomization.yaml": """\
resources: [../../base]
namePrefix: prod-
namespace: prod
images: [{name: nginx, newTag: latest}]
configMapGenerator:
  - name: settings
    literals: [LOG_LEVEL=info]
""",
}


def _found(report, code):
    return sorted((f.path, f.line, f.subject) for f in report.findings if f.code == code)


def test_an_overlay_finding_lands_on_the_line_its_base_wrote(tmp_path: Path) -> None:
    write_tree(tmp_path, BASE)
    report = scan(tmp_path)
    # The overlay pins `latest`: reported on the base's image line, for the overlay's object.
    assert _found(report, "KUBE001") == [
        ("base/deployment.yaml", 11, "Deployment/prod-web container app")]


def test_base_problems_are_reported_once_not_once_per_build(tmp_path: Path) -> None:
    write_tree(tmp_path, BASE)
    found = _found(scan(tmp_path), "KUBE005")  # no liveness probe: in the base
    # the base as a file, and the base's own build, are one finding; the overlay's object
    # is another object (prod-web) with the same problem.
    assert found == [("base/deployment.yaml", 10, "Deployment/prod-web container app"),
                     ("base/deployment.yaml", 10, "Deployment/web container app")]


def test_generated_objects_are_checked_at_the_kustomization(tmp_path: Path) -> None:
    write_tree(tmp_path, BASE)
    report = scan(tmp_path, select=("KUBE501",))
    assert report.documents > 0
    results = {(r.path, r.subject) for r in report.results if r.code == "KUBE501"}
    assert any(path == "overlays/prod/kustomization.yaml" and subject.startswith(
        "ConfigMap/prod-settings") for path, subject in results)


def test_each_build_is_a_tree_of_its_own(tmp_path: Path) -> None:
    files = {**BASE, "overlays/prod/kustomization.yaml":
             "resources: [../../base]\nnamePrefix: prod-\nlabels:\n"
             "  - pairs: {team: shop}\n    includeSelectors: true\n"}
    write_tree(tmp_path, files)
    # With selectors rewritten by the overlay, its Service still selects its Deployment.
    assert _found(scan(tmp_path), "KUBE401") == []


def test_a_build_that_fails_is_an_error_at_the_kustomization(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/kustomization.yaml": "namePrefix: x-\nresources:\n  - missing.yaml\n"})
    report = scan(tmp_path)
    (finding,) = [f for f in report.findings if f.code == "KUST001"]
    assert (finding.path, finding.line) == ("app/kustomization.yaml", 3)
    assert str(tmp_path) not in finding.message
    assert "missing.yaml" in finding.message and "scaffold-kustomize-" not in finding.message


def test_without_kustomize_the_files_are_checked_and_it_is_said_once(tmp_path: Path) -> None:
    write_tree(tmp_path, {**BASE, "overlays/dev/kustomization.yaml": "resources: [../../base]\n"})
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path, env={"PATH": "/nonexistent"})
    report = json.loads(result.stdout)
    notes = [f for f in report["findings"] if f["code"] == "KUST002"]
    assert len(notes) == 1 and "(and 2 more)" in notes[0]["message"]
    latest = [f for f in report["findings"] if f["code"] == "KUBE001"]
    assert latest == []  # only the overlay sets latest, and it was not built
    assert any(f["code"] == "KUBE005" and f["path"] == "base/deployment.yaml"
               for f in report["findings"])


def test_a_container_an_overlay_adds_is_reported_at_its_object(tmp_path: Path) -> None:
    patch = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
             "  template:\n    spec:\n      containers:\n"
             "        - {name: sidecar, image: 'proxy:latest'}\n")
    write_tree(tmp_path, {**BASE, "overlays/prod/kustomization.yaml":
                          "resources: [../../base]\npatches:\n  - path: sidecar.yaml\n",
                          "overlays/prod/sidecar.yaml": patch})
    found = [(f.path, f.line, f.subject) for f in scan(tmp_path).findings if f.code == "KUBE001"]
    # Not on the base's `app` container (line 10): on the object the sidecar was added to.
    assert found == [("base/deployment.yaml", 2, "Deployment/web container sidecar")]


def test_patches_are_not_read_as_manifests_wherever_they_are(tmp_path: Path) -> None:
    patch = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
             "  replicas: 3\n")
    write_tree(tmp_path, {**BASE, "overlays/prod/kustomization.yaml":
                          "resources: [../../base]\nnamePrefix: prod-\n"
                          "patchesStrategicMerge: [patches/replicas.yaml]\n",
                          "overlays/prod/patches/replicas.yaml": patch})
    report = scan(tmp_path)
    assert not [f for f in report.findings if f.path.startswith("overlays/prod/patches")]
    # The patch took effect in the build: the overlay's Deployment runs 3 replicas, the base's 1.
    single = {f.subject for f in report.findings if f.code == "KUBE224"}
    assert single == {"Deployment/web"}


def test_kustomizations_with_kind_are_recipes_and_components_build(tmp_path: Path) -> None:
    """`kind: Kustomization` is a build recipe, not an object (no KUBE502), and a Component is
    built the only way it can be: included, into an empty base."""
    write_tree(tmp_path, {
        **BASE,
        "base/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                                   "kind: Kustomization\nresources: [deployment.yaml, service.yaml]\n"
                                   "components: [../extra]\n",
        "extra/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\n"
                                    "kind: Component\nresources: [config.yaml]\n",
        "extra/config.yaml": "apiVersion: v1\nkind: ConfigMap\n"
                             "metadata: {name: extra, namespace: default}\ndata: {level: info}\n",
    })
    report = scan(tmp_path)
    assert _found(report, "KUBE502") == [] and _found(report, "KUST001") == []
    # The component's objects are checked, at their own lines (`default` namespace: KUBE223).
    assert ("extra/config.yaml", 3, "ConfigMap/extra") in _found(report, "KUBE223")


def test_generated_config_maps_exist_for_the_manifests_a_build_consumed(tmp_path: Path) -> None:
    """The Deployment refers to a ConfigMap only the build generates: not missing (KUBE408)."""
    write_tree(tmp_path, {
        "k/kustomization.yaml": "resources: [deploy.yaml]\n"
                                "configMapGenerator: [{name: web, literals: [LOG_LEVEL=info]}]\n",
        "k/deploy.yaml": BASE["base/deployment.yaml"]
        + "          envFrom: [{configMapRef: {name: web}}]\n",
    })
    assert _found(scan(tmp_path), "KUBE408") == []

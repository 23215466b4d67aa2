"""Which files are a chart's templates, values files and dependencies, decided from where they
are, quickly for the many files that are not in a chart."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import write_tree
from scaffold.sources import SourceFile
from scaffold_plugins.helm import layout, scaffold_classify

CHART = "apiVersion: v2\nname: web\nversion: 1.0.0\n"


def _kind(root: Path, name: str) -> str | None:
    return scaffold_classify(source=SourceFile(root / name, name))


def test_everything_under_a_charts_templates_is_a_template(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "web/Chart.yaml": CHART, "web/values.yaml": "a: 1\n",
        "web/templates/deployment.yaml": "kind: {{ .Values.kind }}\n",
        "web/templates/_helpers.tpl": "{{- define \"x\" }}{{ end }}\n",
        "web/templates/NOTES.txt": "hi\n",
        "web/templates/tests/test-connection.yaml": "kind: Pod\n",
        "web/charts/db/Chart.yaml": CHART,
        "web/charts/db/templates/pod.yaml": "kind: Pod\n",
        "web/crds/crd.yaml": "kind: CustomResourceDefinition\n",
        "docs/templates/page.yaml": "not: a chart\n",
        "k8s/deployment.yaml": "kind: Deployment\n",
    })
    templates = ["web/templates/deployment.yaml", "web/templates/_helpers.tpl",
                 "web/templates/NOTES.txt", "web/templates/tests/test-connection.yaml",
                 "web/charts/db/templates/pod.yaml"]
    assert [_kind(root, n) for n in templates] == ["helm.template"] * len(templates)
    others = ["web/Chart.yaml", "web/values.yaml", "web/crds/crd.yaml",
              "docs/templates/page.yaml", "k8s/deployment.yaml"]
    assert [_kind(root, n) for n in others] == [None] * len(others)
    assert layout.template_chart(root / "web/charts/db/templates/pod.yaml") == root / "web/charts/db"
    assert layout.top_chart(root / "web/charts/db") == root / "web"


def test_classify_costs_nothing_outside_templates_folders(tmp_path: Path) -> None:
    sources = [SourceFile(tmp_path / f"app/k8s/file{i}.yaml", f"app/k8s/file{i}.yaml")
               for i in range(20_000)]
    started = time.perf_counter()
    for source in sources:
        scaffold_classify(source=source)
    assert time.perf_counter() - started < 0.5  # ~1 µs a file; no file system access


def test_values_files(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "web/Chart.yaml": CHART, "web/values.yaml": "", "web/values-prod.yaml": "",
        "web/values-dev.yml": "", "web/ci/smoke-values.yaml": "", "web/ci/notes.yaml": "",
        "web/other.yaml": "", "web/config/values-x.yaml": "", "values-dev.yaml": "",
    })
    chart = root / "web"
    found = {n: layout.values_chart(root / n) for n in (
        "web/values.yaml", "web/values-prod.yaml", "web/values-dev.yml",
        "web/ci/smoke-values.yaml", "web/ci/notes.yaml", "web/other.yaml",
        "web/config/values-x.yaml", "values-dev.yaml")}
    assert found == {"web/values.yaml": chart, "web/values-prod.yaml": chart,
                     "web/values-dev.yml": chart, "web/ci/smoke-values.yaml": chart,
                     "web/ci/notes.yaml": None, "web/other.yaml": None,
                     "web/config/values-x.yaml": None, "values-dev.yaml": None}
    assert [p.relative_to(chart).as_posix() for p in layout.environment_values(chart)] == [
        "ci/smoke-values.yaml", "values-dev.yml", "values-prod.yaml"]


def test_dependencies_present_unpacked_or_archived(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "web/Chart.yaml": CHART, "web/charts/db/Chart.yaml": CHART,
        "web/charts/cache-7.4.2.tgz": b"\x1f\x8b",
        "web/charts/queue/README.md": "not a chart\n",
    })
    metadata = {"dependencies": [{"name": "db"}, {"name": "cache"}, {"name": "queue"},
                                 {"name": "search"}, "junk", {"version": "1"}]}
    assert [(d.index, d.name, d.present) for d in layout.dependencies(root / "web", metadata)] \
        == [(0, "db", True), (1, "cache", True), (2, "queue", False), (3, "search", False)]

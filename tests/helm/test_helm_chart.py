"""A chart rendered by the real helm binary, once per values file: its objects are checked as
Kubernetes documents located in the templates, and what helm reports becomes findings."""

from __future__ import annotations

import os
from pathlib import Path

from helm_support import helm_on_path, web_chart, with_replicas_policy, without_renderer

from conftest import active_at, codes, scan
from scaffold.sources import SourceFile
from scaffold_plugins.helm import layout, render
from scaffold_plugins.helm.chart import HelmOrigin, chart_documents


def _documents(chart: Path, root: Path) -> list:
    source = SourceFile(chart / "Chart.yaml", (chart / "Chart.yaml").relative_to(root).as_posix())
    return chart_documents(source)


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*")}


def test_rendered_objects_are_located_in_their_templates(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    documents = _documents(web, web.parent)
    by_subject = {}
    for document in documents:
        if document.target.startswith("kubernetes.") and document.parsed.values is None:
            by_subject[(document.target, document.subject)] = document
    deployment = by_subject[("kubernetes.object", "Deployment/web")]
    assert deployment.path == "web/templates/deployment.yaml"
    assert deployment.line == 2  # `kind:`
    assert deployment.locate(("spec", "replicas")) == 8
    app = by_subject[("kubernetes.container", "Deployment/web container app")]
    assert app.line == 18
    assert app.locate(("container", "securityContext", "runAsNonRoot")) == 25  # from toYaml
    assert app.locate(("container", "ports", 1, "containerPort")) == 31
    sidecar = by_subject[("kubernetes.container", "Deployment/web container sidecar")]
    assert sidecar.line == 32
    assert sidecar.locate(("container", "command")) == 34
    # Two documents in service.yaml, helm prints the ConfigMap first: each finds its own.
    config = by_subject[("kubernetes.object", "ConfigMap/web-config")]
    assert config.path == "web/templates/service.yaml"
    assert config.locate(("metadata", "name")) == 19
    assert config.locate(("data", "level")) == 25
    service = by_subject[("kubernetes.object", "Service/web")]
    assert service.locate(("spec", "ports", 0, "port")) == 10
    assert service.locate(("metadata", "labels", "helm.sh/chart")) == 5  # from an include
    # `range` renders one CronJob per worker, all from the same template lines.
    for name in ("mailer", "reports"):
        job = by_subject[("kubernetes.container", f"CronJob/web-{name} container {name}")]
        assert (job.path, job.line) == ("web/templates/workers.yaml", 15)


def test_each_values_file_is_rendered_and_tests_hooks_are_skipped(tmp_path: Path,
                                                                  monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    documents = _documents(web, web.parent)
    origins = {d.parsed for d in documents if isinstance(d.parsed, HelmOrigin)}
    assert origins == {HelmOrigin("web", values, "helm") for values in (
        None, "web/values-dev.yaml", "web/values-prod.yaml", "web/ci/smoke-values.yaml")}
    replicas = {d.parsed.values: d.data["spec"]["replicas"] for d in documents
                if d.target == "kubernetes.object" and d.subject == "Deployment/web"}
    assert replicas == {None: 2, "web/values-dev.yaml": 1, "web/values-prod.yaml": 3,
                        "web/ci/smoke-values.yaml": 2}
    jobs = [d for d in documents if d.target == "kubernetes.object"
            and d.subject == "CronJob/web-mailer"]
    assert sorted(str(d.parsed.values) for d in jobs) == [
        "None", "web/values-dev.yaml", "web/values-prod.yaml"]  # smoke-values: no workers
    assert not [d for d in documents if d.resource and d.resource.kind == "Pod"]  # hook test
    render_documents = [d for d in documents if d.target == "helm.render"]
    assert [d.data["problem"] for d in render_documents] == [None]


def test_a_difference_between_environments_is_seen_where_it_is(tmp_path: Path,
                                                               monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    config = with_replicas_policy(web.parent)
    report = scan(web.parent, config=config)
    assert active_at(report, "TEST001") == [("web/templates/deployment.yaml", 8)]
    results = [r for r in report.results if r.code == "TEST001"]
    assert len(results) == 4 and sum(not r.passed for r in results) == 1  # values-dev.yaml
    assert not [c for c in codes(report) if c.startswith(("HELM", "CORE"))]


def test_no_file_of_the_chart_is_written_or_changed(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    before = _files(web)
    home = web.parent / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HELM_REPOSITORY_CONFIG", str(home / "repositories.yaml"))
    monkeypatch.setenv("SCAFFOLD_NO_CACHE", "1")
    scan(web)
    assert _files(web) == before
    assert not list(home.rglob("*"))  # helm's caches and settings went to a scratch folder


def test_a_template_named_alone_brings_its_chart_in(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    monkeypatch.chdir(web.parent)  # as pre-commit runs: from the top, naming changed files
    report = scan(web.parent, paths=[web / "templates" / "deployment.yaml"])
    assert ("web/templates/deployment.yaml", 32) in active_at(report, "KUBE002")
    values = scan(web.parent, paths=[web / "values-prod.yaml"])
    assert ("web/templates/deployment.yaml", 32) in active_at(values, "KUBE002")


def test_template_files_are_not_read_as_yaml(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n"
                                      "appVersion: '1'\n", "utf-8")
    (chart / "templates" / "cm.yaml").write_text(
        "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        "  name: {{ .Release.Name }}\n{{- end }}\n", "utf-8")
    report = scan(tmp_path)
    assert "CORE001" not in codes(report)
    assert report.files == 2  # the template is claimed: checked through its chart


def test_without_helm_each_chart_gets_one_not_rendered_finding(tmp_path: Path,
                                                               monkeypatch) -> None:
    web_chart(tmp_path)
    sub = tmp_path / "web" / "charts" / "db"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: db\nversion: 1.0.0\n"
                                    "appVersion: '16'\n", "utf-8")
    (sub / "templates" / "x.yaml").write_text("{{ .Values.x | toYaml }}\n", "utf-8")
    other = tmp_path / "other"
    (other / "templates").mkdir(parents=True)
    (other / "Chart.yaml").write_text("apiVersion: v2\nname: other\nversion: 1.0.0\n"
                                      "appVersion: '1'\n", "utf-8")
    without_renderer(monkeypatch)
    assert render.renderer() is None
    report = scan(tmp_path)
    assert active_at(report, "HELM008") == [("other/Chart.yaml", 1), ("web/Chart.yaml", 1)]
    message = next(f.message for f in report.findings if f.code == "HELM008")
    assert "install helm" in message and "pip install 'scaffold[helm]'" in message
    assert "CORE001" not in codes(report)  # no YAML errors from unrendered templates
    assert not [c for c in codes(report) if c.startswith("KUBE")]


def test_a_broken_template_is_reported_at_its_line(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    deployment = web / "templates" / "deployment.yaml"
    deployment.write_text(deployment.read_text("utf-8").replace(
        "{{ .Values.replicaCount }}", "{{ .Values.scaling.replicas }}"), "utf-8")
    report = scan(web.parent)
    assert active_at(report, "HELM007") == [("web/templates/deployment.yaml", 8)]
    finding = next(f for f in report.findings if f.code == "HELM007")
    assert "nil pointer" in finding.message and "rendering with" not in finding.message
    assert "CORE001" not in codes(report)


def test_an_error_only_one_environment_triggers_names_it(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    (web / "values-prod.yaml").write_text("image: null\n", "utf-8")
    report = scan(web.parent)
    finding = next(f for f in report.findings if f.code == "HELM007")
    # Both templates read .Values.image.repository: helm names the first it renders.
    assert (finding.path, finding.line) in {("web/templates/deployment.yaml", 19),
                                            ("web/templates/workers.yaml", 16)}
    assert "nil pointer" in finding.message
    assert finding.message.endswith("(rendering with values-prod.yaml)")


def test_invalid_yaml_output_is_located_in_the_template(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    service = web / "templates" / "service.yaml"
    service.write_text(service.read_text("utf-8").replace("  type: ClusterIP",
                                                          " type: ClusterIP"), "utf-8")
    report = scan(web.parent)
    found = active_at(report, "HELM007")
    assert len(found) == 1 and found[0][0] == "web/templates/service.yaml"
    assert 7 <= found[0][1] <= 9  # go-yaml names the line where it gave up


def test_missing_values_schema(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    (web / "values.schema.json").unlink()
    report = scan(web.parent)
    assert active_at(report, "HELM004") == [("web/Chart.yaml", 2)]


def test_a_values_file_invalid_against_the_schema(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    (web / "values-prod.yaml").write_text("replicaCount: 3\nimage:\n  tag: 127\n", "utf-8")
    report = scan(web.parent)
    assert active_at(report, "HELM005") == [("web/values-prod.yaml", 3)]
    assert "image.tag: 127 is not of type" in next(
        f.message for f in report.findings if f.code == "HELM005")
    # helm's own schema check is skipped when rendering: the objects are still checked.
    assert "HELM007" not in codes(report)


def test_a_missing_dependency_is_reported_and_nothing_rendered(tmp_path: Path,
                                                               monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    with (web / "Chart.yaml").open("a", encoding="utf-8") as handle:
        handle.write("dependencies:\n  - name: redis\n    version: 20.1.0\n"
                     "    repository: oci://registry-1.docker.io/bitnamicharts\n")
    report = scan(web.parent)
    assert active_at(report, "HELM009") == [("web/Chart.yaml", 8)]
    assert "HELM007" not in codes(report) and not [c for c in codes(report)
                                                   if c.startswith("KUBE")]


def test_subcharts_render_with_the_parent_and_are_located_in_their_files(tmp_path: Path,
                                                                         monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    sub = web / "charts" / "db"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: db\nversion: 1.0.0\n"
                                    "appVersion: '16'\n", "utf-8")
    (sub / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-db\nspec:\n"
        "  containers:\n    - name: db\n      image: postgres:16.4\n"
        "      securityContext:\n        privileged: true\n", "utf-8")
    assert layout.template_chart(sub / "templates" / "pod.yaml") == sub
    report = scan(web.parent)
    assert active_at(report, "KUBE003") == [("web/charts/db/templates/pod.yaml", 10)]
    results = [r for r in report.results if r.code == "KUBE003" and r.subject ==
               "Pod/web-db container db"]
    assert len(results) == 4  # one per values file of the parent, none of its own


def test_a_packaged_subchart_is_located_at_its_dependency(tmp_path: Path, monkeypatch) -> None:
    helm = helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    import subprocess

    source = tmp_path / "src" / "db"
    (source / "templates").mkdir(parents=True)
    (source / "Chart.yaml").write_text("apiVersion: v2\nname: db\nversion: 1.0.0\n", "utf-8")
    (source / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n"
        "    - name: db\n      image: postgres:16.4\n      securityContext:\n"
        "        privileged: true\n", "utf-8")
    (web / "charts").mkdir()
    subprocess.run([helm, "package", str(source), "--destination", str(web / "charts")],
                   check=True, capture_output=True)
    with (web / "Chart.yaml").open("a", encoding="utf-8") as handle:
        handle.write("dependencies:\n  - name: db\n    version: 1.0.0\n"
                     "    repository: file://../src/db\n")
    report = scan(web, paths=[web])
    assert active_at(report, "KUBE003") == [("Chart.yaml", 8)]


def test_an_ignore_annotation_in_a_template_works_at_the_mapped_line(tmp_path: Path,
                                                                     monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    deployment = web / "templates" / "deployment.yaml"
    deployment.write_text(deployment.read_text("utf-8").replace(
        "  labels:\n    {{- include \"web.labels\" . | nindent 4 }}\n",
        "  annotations:\n    scaffold.dev/ignore: \"KUBE002 -- sidecar memory is bounded\"\n"
        "  labels:\n    {{- include \"web.labels\" . | nindent 4 }}\n", 1), "utf-8")
    report = scan(web.parent)
    suppressed = [f for f in report.findings if f.code == "KUBE002"
                  and f.path == "web/templates/deployment.yaml"]
    assert suppressed and all(f.suppressed == "annotation" for f in suppressed)


def test_a_slow_helm_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    fake = tmp_path / "helm"
    fake.write_text("#!/bin/sh\nsleep 30\n", "utf-8")
    fake.chmod(0o755)
    outcome = render.BinaryRenderer(str(fake)).run(tmp_path, "x", [None], lint=True,
                                                    timeout=0.3)
    assert outcome.seconds < 5
    assert outcome.renders[0].error.message == "helm template timed out after 0.3 s"
    assert outcome.lint[0].message == "helm lint timed out after 0.3 s"


def test_the_binary_on_path_is_preferred(monkeypatch) -> None:
    helm = helm_on_path(monkeypatch)
    monkeypatch.setattr(render, "sdk_available", lambda: True)
    chosen = render.renderer()
    assert isinstance(chosen, render.BinaryRenderer) and chosen.binary == helm
    monkeypatch.setenv("PATH", os.devnull)
    assert isinstance(render.renderer(), render.SdkRenderer)


def test_an_ignore_comment_in_a_template_covers_the_line_below(tmp_path: Path,
                                                               monkeypatch) -> None:
    helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    deployment = web / "templates" / "deployment.yaml"
    deployment.write_text(deployment.read_text("utf-8").replace(
        "        - name: sidecar\n",
        "        # scaffold: ignore=KUBE002 -- the sidecar only sleeps\n"
        "        - name: sidecar\n"), "utf-8")
    report = scan(web.parent)
    sidecar = [f for f in report.findings if f.code == "KUBE002" and f.line == 33]
    assert sidecar and all(f.suppressed == "inline" for f in sidecar)
    assert [f.line for f in report.findings if f.code == "KUBE002" and f.active
            and f.path == "web/templates/deployment.yaml"] == [18]


def test_objects_in_the_release_namespace_are_not_in_default(tmp_path: Path,
                                                             monkeypatch) -> None:
    """`helm install -n` puts `{{ .Release.Namespace }}` somewhere real: the render does too."""
    helm_on_path(monkeypatch)
    chart = tmp_path / "web"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0.0\n", "utf-8")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"
        "  namespace: {{ .Release.Namespace }}\ndata:\n  level: info\n", "utf-8")
    namespaces = {d.resource.namespace for d in _documents(chart, tmp_path)
                  if d.target == "kubernetes.object"}
    assert namespaces == {"web"}
    assert "KUBE223" not in codes(scan(tmp_path, disabled=("checkov",)))

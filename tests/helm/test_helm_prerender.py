"""Charts are rendered in the background from the start of a scan (`scaffold_prepare`), and
what is found is the same as rendering when the scan reaches `Chart.yaml`."""

from __future__ import annotations

from pathlib import Path

from helm_support import helm_on_path, web_chart

from conftest import scan
from scaffold.sources import SourceFile
from scaffold_plugins.helm import chart as chart_module
from scaffold_plugins.helm.chart import PREPARED, chart_documents, prerender


def _source(chart: Path, root: Path) -> SourceFile:
    path = chart / "Chart.yaml"
    return SourceFile(path, path.relative_to(root).as_posix())


def _summary(documents: list) -> list:
    return [(d.target, d.path, d.line, d.subject) for d in documents]


def test_a_prerender_is_picked_up_and_finds_the_same(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    chart = web_chart(tmp_path)
    source = _source(chart, tmp_path)
    prerender([source])
    plan, future = source.prepared[PREPARED]
    assert plan[0] == chart and len(plan[2]) >= 3  # values.yaml and the environment files
    prerendered = chart_documents(source)
    assert future.done() and PREPARED not in source.prepared  # used, then let go
    assert _summary(prerendered) == _summary(chart_documents(_source(chart, tmp_path)))


def test_a_scan_renders_each_chart_once(tmp_path: Path, monkeypatch) -> None:
    helm_on_path(monkeypatch)
    for name in ("one", "two"):
        web_chart(tmp_path / name)
    runs = []
    original = chart_module.prerender

    def counting(sources):
        runs.append(len(sources))
        original(sources)

    monkeypatch.setattr(chart_module, "prerender", counting)
    report = scan(tmp_path, disabled=("checkov",))
    assert runs == [2]  # both charts, at the start of the scan
    assert {f.path.split("/")[0] for f in report.findings if f.code.startswith("KUBE")} == {
        "one", "two"}

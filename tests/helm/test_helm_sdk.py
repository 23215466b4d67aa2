"""Rendering with the Helm SDK for Python (`pip install 'scaffold[helm]'`) when there is no
helm binary: the same documents and problems as the binary gives."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from helm_support import helm_on_path, web_chart

from conftest import active_at, scan
from scaffold_plugins.helm import render


class _HelmError(Exception):
    pass


class _FakeChart:
    """Stands for `helm_python.Chart`: records what it was asked, returns canned output."""

    calls: list = []

    @classmethod
    def load(cls, path: str) -> _FakeChart:
        if "broken" in path:
            raise _HelmError("validation: chart.metadata.name is required")
        return cls()

    def __enter__(self) -> _FakeChart:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def render(self, values, *, name, namespace):
        self.calls.append((values, name, namespace))
        if values and values.get("fail"):
            raise _HelmError('web/templates/cm.yaml:4:12\n  executing "web/templates/cm.yaml" '
                             'at <.Values.a.b>:\n    nil pointer evaluating interface {}.b')
        replicas = (values or {}).get("replicas", 1)
        return {
            "web/templates/NOTES.txt": "Thanks for installing.",
            "web/templates/_helpers.tpl": "",
            "web/templates/deploy.yaml": (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                                          f"  name: web\nspec:\n  replicas: {replicas}\n"),
            "web/templates/cm.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
                                      "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                      "  name: b\n   bad: indent\n"),
            "web/templates/empty.yaml": "\n",
        }


def _fake_sdk() -> types.ModuleType:
    import yaml

    module = types.ModuleType("helm_python")
    module.HelmError = _HelmError
    module.Chart = _FakeChart
    module.values_from_yaml = lambda text: yaml.safe_load(text) or {}
    module.lint = lambda path, values, skip_schema_validation: {"messages": [
        {"severity": 1, "path": "Chart.yaml", "error": "icon is recommended"},
        {"severity": 3, "path": "Chart.yaml", "error": "invalid icon URL 'x'"}]}
    return module


def test_the_sdk_renders_each_values_file_in_process(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "helm_python", _fake_sdk())
    _FakeChart.calls = []
    (tmp_path / "values-prod.yaml").write_text("replicas: 3\n", "utf-8")
    (tmp_path / "values-bad.yaml").write_text("fail: true\n", "utf-8")
    outcome = render.SdkRenderer().run(
        tmp_path, "web", [None, tmp_path / "values-prod.yaml", tmp_path / "values-bad.yaml"],
        lint=True)
    assert _FakeChart.calls == [(None, "web", "web"), ({"replicas": 3}, "web", "web"),
                                ({"fail": True}, "web", "web")]
    defaults, prod, bad = outcome.renders
    assert [m.source for m in defaults.manifests] == [
        "web/templates/cm.yaml", "web/templates/cm.yaml", "web/templates/deploy.yaml"]
    assert "replicas: 3" in prod.manifests[-1].text
    assert bad.error.location == render.messages.Location("web/templates/cm.yaml", 4)
    assert [p.message for p in outcome.lint] == ["invalid icon URL 'x'"]
    failed = render.SdkRenderer().run(tmp_path / "broken", "web", [None], lint=False)
    assert failed.renders[0].error.message == "validation: chart.metadata.name is required"


def test_a_scan_with_the_sdk_locates_its_yaml_errors(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "helm_python", _fake_sdk())
    monkeypatch.setattr(render, "find_helm", lambda: None)
    monkeypatch.setattr(render, "sdk_available", lambda: True)
    chart = tmp_path / "web"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0.0\n"
                                      "appVersion: '1'\n", "utf-8")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\n"
        "kind: ConfigMap\nmetadata:\n  name: {{ .Values.b }}\n   bad: indent\n", "utf-8")
    report = scan(tmp_path)
    assert active_at(report, "HELM007") == [("web/templates/cm.yaml", 10)]
    assert active_at(report, "HELM006") == [("web/Chart.yaml", 1)]
    assert not active_at(report, "HELM008")


def test_the_real_sdk_renders_what_the_binary_does(tmp_path: Path, monkeypatch) -> None:
    helm = helm_on_path(monkeypatch)
    web = web_chart(tmp_path)
    pytest.importorskip("helm_python")
    values = [None, web / "values-dev.yaml", web / "values-prod.yaml"]
    by_binary = render.BinaryRenderer(helm).run(web, "web", values, lint=True)
    by_sdk = render.SdkRenderer().run(web, "web", values, lint=True)
    for binary, sdk in zip(by_binary.renders, by_sdk.renders, strict=True):
        assert sorted(_objects(binary)) == sorted(_objects(sdk))
    assert by_binary.lint == by_sdk.lint == ()


def _objects(result: render.Render) -> list[str]:
    from scaffold.yamlfile import load_documents

    return [repr(d.data) for m in result.manifests for d in load_documents(m.text)
            if d.data]

"""Shared by the helm tests: the real helm binary on PATH, and a copy of the test chart."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WEB_CHART = REPO / "tests" / "fixtures" / "charts" / "web"
TOOLS = REPO / ".tools" / "bin"  # tests/install-tools.sh puts helm there


def helm_on_path(monkeypatch) -> str:
    """The helm binary, on PATH: the one tests/run.sh installed when PATH has none."""
    if shutil.which("helm") is None and (TOOLS / "helm").is_file():
        monkeypatch.setenv("PATH", f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}")
    found = shutil.which("helm")
    assert found, "helm is not installed: run tests/run.sh (it runs tests/install-tools.sh)"
    return found


def web_chart(tmp_path: Path) -> Path:
    """A copy of the test chart, as `<tmp>/web`, to scan or change."""
    return Path(shutil.copytree(WEB_CHART, tmp_path / "web"))


def without_renderer(monkeypatch) -> None:
    """No helm on PATH and no Helm SDK importable."""
    from scaffold_plugins.helm import render

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(render, "sdk_available", lambda: False)


REPLICAS_POLICY = """\
code: TEST001
name: two-replicas
title: Deployments run at least two replicas
category: reliability
severity: warning
target: kubernetes.object
kinds: [Deployment]
message: The Deployment runs fewer than two replicas.
rationale: A test policy.
remediation: Raise replicas.
schema:
  required: [spec]
  properties:
    spec:
      required: [replicas]
      properties:
        replicas: {minimum: 2}
"""


def with_replicas_policy(root: Path) -> Path:
    """A config beside `root`'s chart adding the TEST001 replicas policy; returns it."""
    (root / "test-policies").mkdir()
    (root / "test-policies" / "replicas.yaml").write_text(REPLICAS_POLICY, "utf-8")
    config = root / ".scaffold.yaml"
    config.write_text("policy-paths: [test-policies]\n", "utf-8")
    return config

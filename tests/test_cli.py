"""The real console script: exit codes, formats, gates, and clear errors for bad input."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, SCAFFOLD, run_cli, write_tree

SARIF_SCHEMA = Path(os.environ.get("SCAFFOLD_SARIF_SCHEMA",
                                   REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"))

KNOWN_PROBLEMS = {
    "k8s/deploy.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: app
                  image: nginx:latest
                  securityContext:
                    privileged: true
        """,
    "k8s/broken.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: [oops\n",
}


@pytest.fixture
def project(tree) -> Path:
    return tree(KNOWN_PROBLEMS)


def _json(project: Path, *args: str) -> dict:
    result = run_cli("check", "--format", "json", *args, cwd=project)
    return json.loads(result.stdout)


def test_known_problems_are_reported_at_their_file_and_line(project: Path) -> None:
    found = {(f["path"], f["line"], f["code"]) for f in _json(project)["findings"]}
    assert ("k8s/deploy.yaml", 12, "KUBE001") in found
    assert ("k8s/deploy.yaml", 14, "KUBE003") in found
    assert ("k8s/broken.yaml", 3, "CORE001") in found
    assert ("k8s/deploy.yaml", 11, "KUBE005") in found


def test_text_output_groups_by_file_and_ends_with_the_score(project: Path) -> None:
    result = run_cli("check", cwd=project)
    assert "k8s/deploy.yaml:14: KUBE003 [error]" in result.stdout
    assert "Score:" in result.stdout.splitlines()[-5] or "Score:" in result.stdout
    assert result.returncode == 1  # errors fail the default gate


@pytest.mark.parametrize("args,code", [
    (["--fail-on", "never"], 0),
    (["--fail-on", "error"], 1),
    (["--select", "KUBE001,KUBE005", "--fail-on", "warning"], 1),
    (["--select", "KUBE001,KUBE005", "--fail-on", "error"], 1),  # CORE001 is always on
    (["--select", "KUBE001", "--ignore", "CORE", "--fail-on", "error"], 0),
    (["--fail-on", "never", "--min-score", "100"], 1),
    (["--fail-on", "never", "--min-score", "0"], 0),
])
def test_gate_exit_codes(project: Path, args: list[str], code: int) -> None:
    result = run_cli("check", *args, cwd=project)
    assert result.returncode == code, result.stdout + result.stderr
    if code == 1:
        assert "gate failed" in result.stderr


def test_several_formats_in_one_run(project: Path) -> None:
    result = run_cli("check", "--format", "sarif", "--output", "out/report.sarif",
                     "--format", "junit", "--output", "out/report.xml",
                     "--format", "markdown", "--output", "out/summary.md",
                     "--format", "text", "--output", "-", cwd=project)
    assert result.returncode == 1
    assert "KUBE003" in result.stdout
    sarif = json.loads((project / "out/report.sarif").read_text())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    rules = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"KUBE001", "KUBE003", "CORE001"} <= rules
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
               for r in sarif["runs"][0]["results"]}
    assert ("KUBE003", 14) in located
    suite = ElementTree.parse(project / "out/report.xml").getroot()
    assert int(suite.get("failures")) >= 3
    assert "KUBE003" in (project / "out/summary.md").read_text()


def test_sarif_marks_suppressed_findings(tree) -> None:
    project = tree({"pod.yaml": """\
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: app
              image: nginx:latest  # scaffold: ignore=KUBE001 -- tag pinned by the deployer
        """})
    sarif = json.loads(run_cli("check", "--format", "sarif", cwd=project).stdout)
    suppressed = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "KUBE001"]
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"
    assert suppressed[0]["suppressions"][0]["justification"] == "tag pinned by the deployer"


def test_write_baseline_then_check_against_it(project: Path) -> None:
    written = run_cli("check", "--write-baseline", "baseline.json", cwd=project)
    assert written.returncode == 0 and "wrote" in written.stderr
    again = run_cli("check", "--baseline", "baseline.json", cwd=project)
    assert again.returncode == 0, again.stdout
    assert "Suppressed" in again.stdout


def test_config_in_pyproject_drives_the_gate(project: Path) -> None:
    write_tree(project, {"pyproject.toml": "[tool.scaffold]\nfail-on = 'never'\n"})
    assert run_cli("check", cwd=project).returncode == 0


# -- commands -------------------------------------------------------------------------------


def test_policies_table_and_json(tmp_path: Path) -> None:
    table = run_cli("policies", cwd=tmp_path)
    assert table.returncode == 0 and "KUBE001" in table.stdout and "security" in table.stdout
    data = json.loads(run_cli("policies", "--format", "json", cwd=tmp_path).stdout)
    assert {"KUBE001", "CORE001"} <= {p["code"] for p in data["policies"]}
    assert "security" in {p["name"] for p in data["profiles"]}


def test_explain_shows_rationale_remediation_and_examples(tmp_path: Path) -> None:
    result = run_cli("explain", "kube001", cwd=tmp_path)
    assert result.returncode == 0
    for part in ("KUBE001 image-tag", "Why it matters:", "How to fix:", "Fails:", "Passes:",
                 "nginx:latest"):
        assert part in result.stdout


def test_explain_unknown_code(tmp_path: Path) -> None:
    result = run_cli("explain", "KUBE999", cwd=tmp_path)
    assert result.returncode == 2 and "did you mean" in result.stderr


# -- bad input: a clear message and exit 2, never a traceback -------------------------------


@pytest.mark.parametrize("files,args,message", [
    ({".scaffold.yaml": "fail-on: sometimes\n"}, [], ".scaffold.yaml:1: fail-on"),
    ({".scaffold.yaml": "select: [KUBE\n"}, [], "invalid YAML"),
    ({".scaffold.yaml": "policy-paths: [mine]\n",
      "mine/p.yaml": "code: MY001\nname: mine\ntitle: Mine\ncategory: security\n"
                     "severity: fatal\ntarget: kubernetes.object\nmessage: m m\n"
                     "rationale: because because\nremediation: fix it fix it\nschema: {}\n"},
     [], "mine/p.yaml:5: severity"),
    ({".scaffold.yaml": "policy-paths: [mine]\n",
      "mine/p.yaml": "code: MY001\nname: mine\ntitle: Mine\ncategory: security\n"
                     "severity: error\ntarget: terraform\nmessage: m m\n"
                     "rationale: because because\nremediation: fix it fix it\nschema: {}\n"},
     [], "unknown target 'terraform'"),
    ({".scaffold.yaml": "policy-paths: [mine]\n",
      "mine/p.yaml": "code: MY001\nname: mine\ntitle: Mine\ncategory: security\n"
                     "severity: error\ntarget: kubernetes.object\nmessage: m m\n"
                     "rationale: because because\nremediation: fix it fix it\n"},
     [], "needs exactly one of `schema`"),
    ({}, ["--format", "yaml"], "unknown format 'yaml'"),
    ({}, ["--select", "NOPE1"], "matches no policy"),
    ({}, ["--format", "json", "--format", "sarif"], "one --output per --format"),
    ({}, ["--profile", "paranoid"], "unknown profile 'paranoid'"),
    ({}, ["missing-dir"], "no such file or directory"),
    ({}, ["--baseline", "nope.json"], "cannot read baseline"),
])
def test_bad_input_exits_2_with_a_clear_message(tree, files, args, message) -> None:
    project = tree(files)
    result = run_cli("check", *args, cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_error_from_argparse_exits_2(tmp_path: Path) -> None:
    result = run_cli("check", "--fail-on", "sometimes", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_python_dash_m_works(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "scaffold", "--version"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("scaffold ")


def test_malformed_files_are_findings_at_their_line_and_fail_the_gate(tree) -> None:
    project = tree({
        "bad.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [web\n",
        "logo.yaml": b"\x89PNG\r\n\x1a\n\x00\x00",
        "Dockerfile": "",
        "empty.yaml": "",
        "crlf/Dockerfile": "FROM python:3.12.7-slim\r\nUSER 10001\r\nRUN cd /app\r\n",
    })
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "bad.yaml:4: CORE001 [error] invalid YAML" in result.stdout
    assert "logo.yaml: CORE001 [error] binary file: expected text" in result.stdout
    assert "Dockerfile:1: CORE001 [error] Dockerfile has no instructions" in result.stdout
    assert "crlf/Dockerfile:3: DF006" in result.stdout
    assert "empty.yaml" not in result.stdout


def test_team_policies_from_the_config_need_no_python(tree) -> None:
    project = tree({
        ".scaffold.yaml": "policy-paths: [policies]\n",
        "policies/team-label.yaml": """\
            code: TEAM001
            name: team-label
            title: Workload has no team label
            category: maintainability
            severity: warning
            target: kubernetes.object
            kinds: [Deployment]
            message: The workload has no `team` label.
            rationale: On-call needs to know whom to page.
            remediation: Add metadata.labels.team.
            schema:
              properties:
                metadata:
                  required: [labels]
                  properties:
                    labels: {required: [team]}
            """,
        "policies/profiles/team.yaml": "name: team\ntitle: Team gate\ndescription: ours\n"
                                       "select: [TEAM]\n",
        "deploy.yaml": KNOWN_PROBLEMS["k8s/deploy.yaml"],
        "configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    })
    result = run_cli("check", "--profile", "team", "--fail-on", "warning", cwd=project)
    assert "deploy.yaml:3: TEAM001 [warning] The workload has no `team` label." in result.stdout
    assert "configmap.yaml" not in result.stdout  # `kinds` restricts it to Deployments
    assert "KUBE001" not in result.stdout  # the profile selects only TEAM
    assert result.returncode == 1
    assert "TEAM001" in run_cli("explain", "TEAM001", cwd=project).stdout


def test_dockerfile_inline_ignore_above_an_instruction(tree) -> None:
    project = tree({"Dockerfile": """\
        # scaffold: ignore=DF001 -- the base is pinned by the build system
        FROM python
        USER 10001
        """})
    data = json.loads(run_cli("check", "--format", "json", cwd=project).stdout)
    (finding,) = [f for f in data["findings"] if f["code"] == "DF001"]
    assert finding["suppressed"] == "inline" and finding["line"] == 2


def test_secrets_are_never_echoed_in_full(tree) -> None:
    secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    project = tree({"Dockerfile": f"FROM python:3.12.7-slim\nENV GITHUB_TOKEN={secret}\n"})
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        result = run_cli("check", "--format", fmt, cwd=project)
        assert "DF007" in result.stdout and secret not in result.stdout, fmt


def test_pre_commit_hook_definition_matches_infrastructure_files() -> None:
    import re

    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["entry"] == "scaffold check" and hook["require_serial"] is True
    pattern = re.compile(hook["files"])
    for name in ("Dockerfile", "api/Dockerfile.prod", "web.dockerfile", "Containerfile",
                 "k8s/deploy.yaml", "compose.yml", ".dockerignore", "scripts/deploy.sh",
                 "api/Dockerfile.dockerignore"):
        assert pattern.search(name), name
    for name in ("README.md", "app/main.py"):
        assert not pattern.search(name), name


def test_progress_bar_only_on_a_terminal(tree) -> None:
    import os
    import pty
    import subprocess

    project = tree({f"k8s/pod{i}.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
                    for i in range(60)})
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    leader, follower = pty.openpty()
    try:
        result = subprocess.run([str(SCAFFOLD), "check"], cwd=project, stdout=subprocess.PIPE,
                                stderr=follower, env=environment, timeout=60)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    assert b"60/60 files" in shown and b"\r" in shown
    piped = run_cli("check", cwd=project, env={"CI": ""})
    assert "files" not in piped.stderr  # not a terminal: no bar

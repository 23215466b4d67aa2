"""The checkov plugin runs the real checkov once per scan over the Kubernetes manifests:
codes, lines, severities, folding with native KUBE policies, ignores, its time limit, and what
happens when it is not installed.

checkov takes ~3 s to start, so one real run over a shared tree (`checked`) serves most tests:
later scans of that tree reuse its ToolRun instead of starting checkov again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import REPO, active_at, codes, run_cli, scan, write_tree
from scaffold import Severity, ToolRun
from scaffold.sources import SourceFile
from scaffold_plugins import checkov as plugin
from scaffold_plugins.checkov import equivalents, locate, rules
from scaffold_plugins.checkov import run as checkov_run
from scaffold_plugins.shell import tools

# tests/install-tools.sh installs checkov in .tools/checkov, off the PATH of the other tests
# (they would each pay its 3-second start); these tests put it on PATH. CI must run them.
INSTALLED = Path(__file__).resolve().parents[2] / ".tools" / "checkov" / "bin"
SEARCH_PATH = f"{INSTALLED}{os.pathsep}{os.environ.get('PATH', '')}"
BINARY = shutil.which("checkov", path=SEARCH_PATH)
pytestmark = pytest.mark.skipif(BINARY is None and not os.environ.get("CI"),
                                reason="checkov is not installed (bash tests/install-tools.sh)")


@pytest.fixture(autouse=True, scope="module")
def _checkov_on_path():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", SEARCH_PATH)
        yield

WEB = """\
# The web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      hostNetwork: true
      containers:
        - name: app
          # the tag is what the test is about
          image: nginx:latest
          securityContext:
            privileged: true
        # scaffold: ignore=CKV_K8S_30 -- the sidecar image runs as nobody, read-only
        - name: sidecar
          image: busybox:1.36.1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""
TREE = {
    "deploy/web.yaml": WEB,
    "deploy/pod.json": '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", '
                       '"namespace": "jobs"}, "spec": {"containers": [{"name": "c", '
                       '"image": "busybox"}]}}\n',
    "deploy/list.yaml": ("apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n"
                         "    kind: Pod\n    metadata: {name: listed, namespace: jobs}\n"
                         "    spec:\n      hostPID: true\n"
                         "      containers: [{name: c, image: 'busybox:1.36.1'}]\n"),
    # Go templates under a chart's templates/: the helm plugin renders them, checkov never
    # sees them (even one that happens to be plain YAML).
    "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
    "chart/templates/pod.yaml": ("apiVersion: v1\nkind: Pod\nmetadata: {name: tpl}\n"
                                 "spec: {containers: [{name: c, image: nginx}]}\n"),
    "notes.yaml": "title: not a manifest\nkind: notes\n",
    "values.json": '{"apiVersion": "only a key"}\n',
    ".checkov.yaml": "skip-check: [CKV_K8S_9]\n",  # not read: scaffold's config decides
    "deploy/ingress.yaml": """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/configuration-snippet: |
      alias /etc/;
      content_by_lua_block { ngx.say("hi") }
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: web-tls}]
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
""",
}


# The chart in TREE shows that its templates never reach checkov (the plugin knows a chart's
# templates/ folder itself); rendering it is the helm plugin's business and its tests'.
NOT_HELM = ("helm",)


class Checked:
    """The shared tree, the report of one real scan, the ToolRun and checkov's argv."""

    def __init__(self, root: Path, report, run: ToolRun, argv: list[str]):
        self.root, self.report, self.run, self.argv = root, report, run, argv

    def rescan(self, monkeypatch, **kwargs):
        """Scan the tree again with checkov's run of the first scan (no new process)."""
        monkeypatch.setattr(plugin, "_run", lambda manifests, root, binary: self.run)
        return scan(self.root, disabled=NOT_HELM, **kwargs)

    def found(self, code: str, path: str = "deploy/web.yaml") -> list[tuple[int | None, str]]:
        return sorted((f.line, f.equivalent or "") for f in self.run.findings
                      if f.code == code and f.path == path)


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> Checked:
    root = write_tree(tmp_path_factory.mktemp("checkov"), TREE)
    runs: list[ToolRun] = []
    argvs: list[list[str]] = []
    real_run, real_execute = plugin._run, checkov_run.execute
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CKV_SKIP_CHECK", "CKV_K8S_8")  # not read either
        patch.setattr(plugin, "_run", lambda *args: runs.append(real_run(*args)) or runs[-1])
        patch.setattr(checkov_run, "execute",
                      lambda argv, *args: argvs.append(argv) or real_execute(argv, *args))
        report = scan(root, disabled=NOT_HELM)
    assert len(runs) == 1 and len(argvs) == 1, "one checkov run per scan"
    return Checked(root, report, runs[0], argvs[0])


# -- one run, the right files, offline ---------------------------------------------------------


def test_one_offline_run_over_the_manifests_only(checked: Checked) -> None:
    argv = checked.argv
    sent = sorted(Path(arg).relative_to(checked.root).as_posix() for arg in argv
                  if arg.startswith(str(checked.root)))
    assert sent == ["deploy/ingress.yaml", "deploy/list.yaml", "deploy/pod.json",
                    "deploy/web.yaml"]
    assert all(Path(arg).is_absolute() for arg in argv[argv.index("-f") + 1:])
    assert {"--skip-download", "--framework", "kubernetes", "json"} <= set(argv)
    assert checked.run.checked == ("deploy/ingress.yaml", "deploy/list.yaml", "deploy/pod.json",
                                   "deploy/web.yaml")
    assert [n for n in checked.report.notes if n.startswith("checkov:")] == [
        "checkov: .checkov.yaml is not read: set codes and severities in scaffold's config "
        "(`ignore:`, `severity:`) instead"]
    assert checked.run.seconds is not None and checked.run.seconds > 0


def test_manifest_detection(tmp_path: Path) -> None:
    def source(name: str, text: str, kind: str | None = None) -> SourceFile:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return SourceFile(tmp_path / name, name, kind)

    assert plugin.is_manifest(source("a.yaml", "apiVersion: v1\nkind: Pod\n"))
    assert plugin.is_manifest(source("b.yml", "---\n- apiVersion: v1\n  kind: Pod\n"))
    assert plugin.is_manifest(source("c.json", '{"kind": "Pod", "apiVersion": "v1"}'))
    assert not plugin.is_manifest(source("d.yaml", "apiVersion: v1\nkind: Pod\n",
                                         kind="helm.template"))
    assert not plugin.is_manifest(source("e.yaml", "name: ci\non: push\n"))
    assert not plugin.is_manifest(source("f.txt", "apiVersion: v1\nkind: Pod\n"))
    assert not plugin.is_manifest(source("g.json", '{"kind": "Pod"}'))
    # A policy quoting a manifest in a block, a kustomization: not manifests.
    assert not plugin.is_manifest(source("h.yaml", "code: X001\nexamples:\n  fail: |\n"
                                                   "    apiVersion: v1\n    kind: Pod\n"))
    assert not plugin.is_manifest(source("kustomization.yaml", "apiVersion: v1\nkind: Kustomization\n",
                                         kind="kustomize.kustomization"))


# -- findings: codes, lines, severities ------------------------------------------------------------


def test_findings_keep_checkov_codes_at_the_line_of_the_field(checked: Checked) -> None:
    assert checked.found("CKV_K8S_14") == [(19, "KUBE001")]
    assert [line for line, _ in checked.found("CKV_K8S_16")] == [21]  # privileged: true
    assert [line for line, _ in checked.found("CKV_K8S_19")] == [15]  # hostNetwork (no key)
    assert [line for line, _ in checked.found("CKV_K8S_8")] == [17]  # the container lacking it
    assert [line for line, _ in checked.found("CKV_K8S_21")] == [27]  # Service: `kind:` line
    assert [line for line, _ in checked.found("CKV_K8S_17", "deploy/list.yaml")] == [8]
    assert [line for line, _ in checked.found("CKV_K8S_14", "deploy/pod.json")] == [1]
    assert not [f for f in checked.run.findings if f.path.startswith("chart/")]


def test_messages_name_the_object_and_container(checked: Checked) -> None:
    (privileged,) = [f for f in checked.run.findings if f.code == "CKV_K8S_16"]
    assert privileged.message == "Container should not be privileged (Deployment/web container app)"
    (listed,) = [f for f in checked.run.findings
                 if f.code == "CKV_K8S_17" and f.path == "deploy/list.yaml"]
    assert listed.message.endswith("(Pod/listed)")


def test_severities_and_categories_come_from_scaffolds_table(checked: Checked) -> None:
    found = {(f.code, f.path): f for f in checked.run.findings}
    probe = found["CKV_K8S_9", "deploy/web.yaml"]
    assert probe.severity == Severity.INFO and probe.category == "reliability"
    assert found["CKV_K8S_17", "deploy/list.yaml"].severity == Severity.ERROR
    assert found["CKV_K8S_10", "deploy/web.yaml"].category == "efficiency"
    assert found["CKV_K8S_22", "deploy/web.yaml"].severity == Severity.WARNING
    assert found["CKV_K8S_22", "deploy/web.yaml"].category == "security"
    assert rules.severity("CKV_K8S_9999") == Severity.WARNING  # a check newer than the table
    assert rules.category("CKV2_K8S_99") == "security"
    # In the report (a check with no native equivalent, so not folded):
    (context,) = [f for f in checked.report.findings
                  if f.code == "CKV_K8S_29" and f.path == "deploy/web.yaml"]
    assert context.severity == Severity.INFO and context.category == "security"


def test_inline_ignore_of_a_checkov_code(checked: Checked) -> None:
    (context,) = [f for f in checked.report.findings
                  if f.code == "CKV_K8S_30" and f.path == "deploy/web.yaml"]
    assert context.line == 23 and context.suppressed == "inline"
    assert "runs as nobody" in context.suppression_reason
    assert "CORE004" not in codes(checked.report)  # CKV_K8S_30 is a known code


def test_annotations_and_exemptions_apply_to_checkov_findings(checked: Checked, monkeypatch,
                                                              tmp_path: Path) -> None:
    # The same files, with an ignore annotation where the namespace line was (lines unmoved),
    # and checkov's run of the first scan.
    root = write_tree(tmp_path, {**TREE, "deploy/web.yaml": WEB.replace(
        "  namespace: shop\n",
        '  annotations: {scaffold.dev/ignore: "CKV_K8S_29 -- the pod context is set by the '
        'platform"}\n')})
    monkeypatch.setattr(plugin, "_run", lambda manifests, root, binary: checked.run)
    (context,) = [f for f in scan(root, disabled=NOT_HELM).findings
                  if f.code == "CKV_K8S_29" and f.path == "deploy/web.yaml"]
    assert context.suppressed == "annotation" and "platform" in context.suppression_reason
    exempt = write_tree(tmp_path / "exempt", {**TREE, ".scaffold.yaml": (
        "exemptions:\n  - reason: the app container is vendored\n    kind: Deployment\n"
        "    container: app\n    codes: [CKV]\n")})
    report = scan(exempt, config=exempt / ".scaffold.yaml", disabled=NOT_HELM)
    web = [(f.line, f.code, f.suppressed) for f in report.findings
           if f.code.startswith("CKV") and f.path == "deploy/web.yaml"]
    app = [how for line, _, how in web if 17 <= line <= 21]  # the app container's lines
    assert app and set(app) == {"exemption"}
    assert all(how is None for line, _, how in web if line < 17)  # the Deployment's own


def test_select_and_ignore_apply_to_checkov_codes(checked: Checked, monkeypatch) -> None:
    assert not [c for c in codes(checked.rescan(monkeypatch, ignore=("CKV",)))
                if c.startswith("CKV")]
    only = checked.rescan(monkeypatch, select=("CKV_K8S_16",))
    assert {c for c in codes(only) if not c.startswith("CORE")} == {"CKV_K8S_16"}


# -- folding with the native policies ----------------------------------------------------------


@pytest.mark.parametrize("code,path,line", [
    ("CKV_K8S_14", "deploy/web.yaml", 19), ("CKV_K8S_16", "deploy/web.yaml", 21),
    ("CKV_K8S_19", "deploy/web.yaml", 15), ("CKV_K8S_8", "deploy/web.yaml", 17),
    ("CKV2_K8S_6", "deploy/web.yaml", 3), ("CKV_K8S_17", "deploy/list.yaml", 8),
    ("CKV_K8S_153", "deploy/ingress.yaml", 7),
])
def test_a_problem_a_native_policy_reports_is_one_finding(checked: Checked, monkeypatch,
                                                          code: str, path: str,
                                                          line: int) -> None:
    native = equivalents.EQUIVALENTS[code]
    both = checked.rescan(monkeypatch)
    assert (path, line) in active_at(both, native)
    assert (path, line) not in active_at(both, code)  # folded: one finding
    alone = checked.rescan(monkeypatch, ignore=(native,))
    assert (path, line) in active_at(alone, code)  # checkov's, at the same line


def test_every_equivalent_is_a_native_policy() -> None:
    from scaffold.registry import Registry

    known = {policy.code for policy in Registry.load().policies()}
    mapped = set(equivalents.EQUIVALENTS.values())
    assert mapped <= known, f"mapped to no policy: {sorted(mapped - known)}"
    assert all(code.startswith(("CKV_K8S_", "CKV2_K8S_")) for code in equivalents.EQUIVALENTS)


class FixtureRun:
    """checkov over every failing KUBE fixture at once, and the native findings there."""

    def __init__(self, run: ToolRun, native: set[tuple[str, str, int | None]]):
        self.run = run
        self.mismatched: list[str] = []
        self.folded: set[str] = set()
        lines: dict[tuple[str, str], set[int | None]] = {}
        for code, path, line in native:
            lines.setdefault((code, path), set()).add(line)
        for finding in run.findings:
            at = lines.get((finding.equivalent, finding.path)) if finding.equivalent else None
            if at and finding.line in at:
                self.folded.add(finding.code)
            elif at:
                self.mismatched.append(f"{finding.path}:{finding.line} {finding.code}, but "
                                       f"{finding.equivalent} at {sorted(at)}")


@pytest.fixture(scope="module")
def fixture_run() -> FixtureRun:
    """(Run through the linked folder that very long command lines use, to cover it too.)"""
    sources = []
    for fixture in sorted((REPO / "tests" / "policies").glob("KUBE*/fail*")):
        files = sorted(fixture.rglob("*")) if fixture.is_dir() else [fixture]
        sources += [SourceFile(path, path.relative_to(REPO).as_posix()) for path in files
                    if path.is_file() and plugin.is_manifest(SourceFile(path, path.name))]
    real_command = checkov_run.command
    mapped = ",".join(sorted(equivalents.EQUIVALENTS))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checkov_run, "_MAX_COMMAND_LINE", 0)
        # Only the mapped checks: the others cannot fold, and each costs time.
        patch.setattr(checkov_run, "command", lambda *args: [*real_command(*args), "-c", mapped])
        run = checkov_run.run(sources, REPO, BINARY)
    assert run.checked and not run.notes
    # One native scan of them all: a file's own policies report the same lines however many
    # files are scanned beside it.
    report = scan(REPO, paths=sorted({REPO / source.path for source in sources}),
                  disabled=("checkov",))
    return FixtureRun(run, {(f.code, f.path, f.line) for f in report.findings})


def test_mapped_checks_land_on_the_native_findings_line(fixture_run: FixtureRun) -> None:
    """On every failing KUBE fixture, a mapped checkov finding lands on a line where the
    native policy also reports: otherwise one problem would show as two findings."""
    assert not fixture_run.mismatched


def test_every_mapping_folds_somewhere(fixture_run: FixtureRun, checked: Checked,
                                       monkeypatch) -> None:
    """Each entry of the table folds at least once, on the KUBE fixtures or the shared tree:
    an entry that never meets its native finding would be dead weight."""
    report = checked.rescan(monkeypatch)
    native = {(f.code, f.path, f.line) for f in report.findings}
    folded_here = {f.code for f in checked.run.findings
                   if f.equivalent and (f.equivalent, f.path, f.line) in native}
    assert set(equivalents.EQUIVALENTS) - fixture_run.folded - folded_here == set()


# -- time: limit, report, --timings -------------------------------------------------------------


def test_time_limit_stops_checkov_with_a_note(tree, monkeypatch) -> None:
    monkeypatch.setenv(checkov_run.TIMEOUT_VARIABLE, "0.2")
    root = tree({"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                             "spec: {containers: [{name: c, image: nginx}]}\n"})
    started = time.perf_counter()
    report = scan(root)
    assert time.perf_counter() - started < 5  # checkov alone takes ~3 s to start
    (note,) = [n for n in report.notes if n.startswith("checkov:")]
    assert "did not finish within 0.2 s and was stopped" in note
    assert checkov_run.TIMEOUT_VARIABLE in note and "native checks" in note
    assert not [c for c in codes(report) if c.startswith("CKV")]
    assert "KUBE001" in codes(report)


def test_time_limit_setting(monkeypatch) -> None:
    monkeypatch.delenv(checkov_run.TIMEOUT_VARIABLE, raising=False)
    assert checkov_run.time_limit() == (300.0, None)
    monkeypatch.setenv(checkov_run.TIMEOUT_VARIABLE, "42.5")
    assert checkov_run.time_limit() == (42.5, None)
    for wrong in ("soon", "0", "-5"):
        monkeypatch.setenv(checkov_run.TIMEOUT_VARIABLE, wrong)
        limit, note = checkov_run.time_limit()
        assert limit == 300.0 and f"{wrong!r} is not a positive number" in note


def test_reports_do_not_contain_the_tools_time(checked: Checked, monkeypatch) -> None:
    from scaffold_plugins.reports import json_report

    rendered = []
    for seconds in (1.0, 99.0):
        run = checked.run._replace(seconds=seconds)
        monkeypatch.setattr(plugin, "_run", lambda manifests, root, binary, run=run: run)
        rendered.append(json_report.render(scan(checked.root, disabled=NOT_HELM)))
    assert rendered[0] == rendered[1]


def test_timings_option_prints_the_tools_time_to_stderr(checked: Checked, monkeypatch,
                                                       capsys) -> None:
    from scaffold import cli

    run = checked.run._replace(seconds=3.25)
    monkeypatch.setattr(plugin, "_run", lambda manifests, root, binary: run)
    monkeypatch.chdir(checked.root)
    report = checked.root / "report.json"
    assert cli.main(["check", "--isolated", "--disable-plugin", "helm", "--timings",
                     "--format", "json", "-o", str(report)]) in (0, 1)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines()
             if line.startswith("scaffold: timing:")]
    assert "scaffold: timing: checkov 3.25 s" in lines  # beside other plugins' lines
    assert lines[-1].startswith("scaffold: timing: check ")
    assert "CKV_K8S_29" in {f["code"] for f in json.loads(report.read_text())["findings"]}
    assert cli.main(["check", "--isolated", "--disable-plugin", "helm", "-o", str(report),
                     "--format", "json"]) in (0, 1)
    assert "timing" not in capsys.readouterr().err  # only on request


# -- when checkov cannot run ----------------------------------------------------------------------


def test_not_installed_is_a_note_that_says_how_to_install(tree, monkeypatch) -> None:
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if not (Path(p) / "checkov").exists())
    monkeypatch.setenv("PATH", path)
    assert tools.find_binary("checkov") is None
    root = tree({"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                             "spec: {containers: [{name: c, image: nginx}]}\n"})
    report = scan(root)
    (note,) = [n for n in report.notes if n.startswith("checkov:")]
    assert "not installed" in note and "1 Kubernetes manifest(s)" in note
    assert "pip install 'scaffold[checkov]'" in note and "pipx install checkov" in note
    assert not [c for c in codes(report) if c.startswith("CKV")]
    assert "KUBE001" in codes(report)


def test_no_manifest_starts_no_checkov(tree, monkeypatch) -> None:
    monkeypatch.setattr(checkov_run, "execute", lambda *args: pytest.fail("checkov started"))
    report = scan(tree({"notes.yaml": "a: 1\n", "values.json": '{"apiVersion": 1}'}))
    assert not [n for n in report.notes if n.startswith("checkov")]


def test_a_broken_binary_is_one_note(tree) -> None:
    broken = tree({"bin/checkov": "#!/bin/sh\necho 'checkov: cannot start' >&2\nexit 2\n"})
    (broken / "bin" / "checkov").chmod(0o755)
    root = tree({"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                             "spec: {containers: [{name: c, image: nginx}]}\n"})
    run = checkov_run.run([SourceFile(root / "pod.yaml", "pod.yaml")], root,
                          str(broken / "bin" / "checkov"))
    assert run.findings == () and run.checked == ()
    (note,) = run.notes
    assert "wrote no report (checkov: cannot start)" in note and "native checks" in note


def test_checkovs_own_configuration_is_not_read(checked: Checked) -> None:
    # The shared scan ran with CKV_SKIP_CHECK=CKV_K8S_8 and a .checkov.yaml skipping CKV_K8S_9.
    assert checked.found("CKV_K8S_8") and checked.found("CKV_K8S_9")
    assert "checkov: .checkov.yaml is not read: set codes and severities in scaffold's config " \
        "(`ignore:`, `severity:`) instead" in checked.report.notes
    assert checkov_run.environment(checked.root)["HOME"] == str(checked.root)


def test_explain_a_checkov_code(tmp_path: Path) -> None:
    result = run_cli("explain", "CKV_K8S_16", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "checkov" in result.stdout and plugin.RULES_URL in result.stdout


def test_anchor_paths_are_well_formed() -> None:
    for code, anchors in locate.ANCHORS.items():
        assert code.startswith("CKV") and anchors
        assert all(isinstance(part, (str, int, locate.Pick))
                   for anchor in anchors for part in anchor)

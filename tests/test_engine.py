"""The scan: walking, inline ignores, exemptions, baselines and what the report keeps."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from conftest import codes, scan, write_tree
from scaffold import ExternalRules, Severity, ToolFinding, ToolRun, api, baseline, hookimpl

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: app
      image: nginx:latest
      livenessProbe: {httpGet: {path: /, port: 80}}
      resources: {requests: {cpu: 1, memory: 1Gi}, limits: {memory: 1Gi}}
      securityContext: {runAsNonRoot: true}
"""


def _active(report, code="KUBE001"):
    return [f for f in report.findings if f.code == code and f.active]


def _suppressed(report, code="KUBE001"):
    return [f for f in report.findings if f.code == code and not f.active]


# -- walking --------------------------------------------------------------------------------


def test_gitignore_and_nested_negation_are_honoured(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".gitignore": "build/\n*.gen.yaml\n",
        "build/pod.yaml": POD,
        "a.gen.yaml": POD,
        "sub/.gitignore": "!keep.gen.yaml\n",
        "sub/keep.gen.yaml": POD,
        "sub/pod.yaml": POD,
    })
    report = scan(tmp_path)
    assert sorted({f.path for f in _active(report)}) == ["sub/keep.gen.yaml", "sub/pod.yaml"]


def test_explicit_file_is_checked_even_if_gitignored(tmp_path: Path) -> None:
    write_tree(tmp_path, {".gitignore": "*.yaml\n", "pod.yaml": POD})
    assert _active(scan(tmp_path, paths=[tmp_path / "pod.yaml"]))
    assert not _active(scan(tmp_path))


def test_configured_excludes_apply_to_walks_and_explicit_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {".scaffold.yaml": "exclude: ['vendor/', 'skip-*.yaml']\n",
                          "vendor/pod.yaml": POD, "skip-me.yaml": POD, "pod.yaml": POD})
    config = tmp_path / ".scaffold.yaml"
    assert [f.path for f in _active(scan(tmp_path, config=config))] == ["pod.yaml"]
    assert not _active(scan(tmp_path, paths=[tmp_path / "skip-me.yaml"], config=config))


def test_symlinks_out_of_the_root_are_not_followed_and_are_reported(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"pod.yaml": POD, "dir/pod.yaml": POD})
    root = write_tree(tmp_path / "root", {"pod.yaml": POD})
    os.symlink(outside / "pod.yaml", root / "link.yaml")
    os.symlink(outside / "dir", root / "linkdir")
    report = scan(root)
    assert [f.path for f in _active(report)] == ["pod.yaml"]
    assert {(s.path, s.reason) for s in report.skipped} == {
        ("link.yaml", "symlink pointing outside the root"),
        ("linkdir", "symlinked directory, not followed"),
    }


def test_symlink_inside_the_root_is_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/pod.yaml": POD})
    os.symlink(tmp_path / "real" / "pod.yaml", tmp_path / "alias.yaml")
    assert {f.path for f in _active(scan(tmp_path))} == {"real/pod.yaml", "alias.yaml"}


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    import pytest

    from scaffold.errors import UsageError

    with pytest.raises(UsageError, match="no such file or directory"):
        scan(tmp_path, paths=[tmp_path / "nope"])


def test_unreadable_inputs_become_findings_not_crashes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bad.yaml": "a: [1\n", "bin.yaml": b"\x00\x01\x02",
                          "empty.yaml": "", "crlf.yaml": POD.replace("\n", "\r\n")})
    report = scan(tmp_path)
    parse = {f.path: (f.line, f.message) for f in report.findings if f.code == "CORE001"}
    assert parse["bad.yaml"][0] == 1 and "invalid YAML" in parse["bad.yaml"][1]
    assert parse["bin.yaml"] == (None, "binary file: expected text")
    assert "empty.yaml" not in parse
    assert [f.line for f in _active(report) if f.path == "crlf.yaml"] == [9]


# -- inline ignores -------------------------------------------------------------------------


def test_trailing_ignore_with_reason_suppresses(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD.replace(
        "nginx:latest", "nginx:latest  # scaffold: ignore=KUBE001 -- pinned at deploy time")})
    report = scan(tmp_path)
    assert not _active(report)
    (finding,) = _suppressed(report)
    assert finding.suppressed == "inline" and finding.suppression_reason == "pinned at deploy time"


def test_ignore_on_the_line_above_covers_the_next_code_line(tmp_path: Path) -> None:
    text = POD.replace("      image: nginx:latest",
                       "      # scaffold: ignore=KUBE001 -- pinned at deploy time\n"
                       "      # another comment\n"
                       "      image: nginx:latest")
    write_tree(tmp_path, {"pod.yaml": text})
    assert not _active(scan(tmp_path)) and _suppressed(scan(tmp_path))


def test_ignore_without_reason_suppresses_nothing_and_is_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD.replace(
        "nginx:latest", "nginx:latest  # scaffold: ignore=KUBE001")})
    report = scan(tmp_path)
    assert _active(report)
    (bad,) = _active(report, "CORE002")
    assert bad.line == 9 and "has no reason" in bad.message


def test_inline_ignores_can_be_refused_by_central_ci(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD.replace(
        "nginx:latest", "nginx:latest  # scaffold: ignore=KUBE001 -- pinned at deploy time")})
    report = scan(tmp_path, inline_ignores=False)
    assert _active(report)
    assert any("inline ignores are disabled" in note for note in report.notes)


def test_annotation_suppresses_the_object_and_its_containers(tmp_path: Path) -> None:
    text = POD.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n"
                       "    scaffold.dev/ignore: KUBE001,KUBE002 -- vendor image, tag fixed\n")
    write_tree(tmp_path, {"pod.yaml": text})
    report = scan(tmp_path)
    assert not _active(report)
    assert _suppressed(report)[0].suppressed == "annotation"


def test_comment_ignore_of_a_code_at_another_line_does_not_apply(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD.replace(
        "  name: web", "  name: web  # scaffold: ignore=KUBE001 -- wrong line")})
    assert _active(scan(tmp_path))


# -- exemptions -----------------------------------------------------------------------------


def _exempt(tmp_path: Path, exemption: str):
    write_tree(tmp_path, {".scaffold.yaml": "exemptions:\n" + exemption, "k8s/pod.yaml": POD})
    return scan(tmp_path, config=tmp_path / ".scaffold.yaml")


def test_exemption_by_path_glob(tmp_path: Path) -> None:
    report = _exempt(tmp_path, "  - {paths: ['k8s/**'], codes: [KUBE001], reason: legacy}\n")
    assert not _active(report) and _suppressed(report)[0].suppressed == "exemption"


def test_exemption_by_resource(tmp_path: Path) -> None:
    report = _exempt(tmp_path, "  - {kind: Pod, name: web, namespace: shop, reason: vendor}\n")
    assert not _active(report)


def test_exemption_for_another_namespace_does_not_apply(tmp_path: Path) -> None:
    report = _exempt(tmp_path, "  - {kind: Pod, name: web, namespace: other, reason: vendor}\n")
    assert _active(report)


def test_exemption_by_container(tmp_path: Path) -> None:
    assert not _active(_exempt(tmp_path, "  - {container: app, reason: sidecar of vendor}\n"))
    assert _active(_exempt(tmp_path, "  - {container: other, reason: sidecar of vendor}\n"))


def test_expired_exemption_stops_applying_and_says_so(tmp_path: Path) -> None:
    report = _exempt(tmp_path, "  - {paths: ['k8s/'], reason: legacy, expires: 2020-01-01}\n")
    assert _active(report)
    (expired,) = _active(report, "CORE005")
    assert expired.path == ".scaffold.yaml" and expired.line == 2
    assert "expired on 2020-01-01" in expired.message


def test_exemption_expiring_today_no_longer_applies(tmp_path: Path) -> None:
    today = datetime.date.today().isoformat()
    report = _exempt(tmp_path, f"  - {{paths: ['k8s/'], reason: legacy, expires: {today}}}\n")
    assert _active(report) and _active(report, "CORE005")


# -- baselines ------------------------------------------------------------------------------


def test_baseline_absorbs_known_findings_but_not_new_ones(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD})
    first = scan(tmp_path)
    (tmp_path / "baseline.json").write_text(baseline.render(first.findings))
    # Move the offending line down and add a second, identical violation in a new container.
    moved = POD.replace("spec:\n", "spec:\n  restartPolicy: Always\n")
    moved += ("    - name: app\n      image: nginx:latest\n"
              "      livenessProbe: {httpGet: {path: /, port: 80}}\n"
              "      resources: {requests: {cpu: 1, memory: 1Gi}, limits: {memory: 1Gi}}\n"
              "      securityContext: {runAsNonRoot: true}\n")
    write_tree(tmp_path, {"pod.yaml": moved})
    report = scan(tmp_path, baseline=tmp_path / "baseline.json")
    assert [f.suppressed for f in report.findings if f.code == "KUBE001"] == ["baseline", None]


def test_baseline_entry_for_another_file_does_not_absorb(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/pod.yaml": POD})
    (tmp_path / "baseline.json").write_text(baseline.render(scan(tmp_path).findings))
    write_tree(tmp_path, {"b/pod.yaml": POD})
    report = scan(tmp_path, baseline=tmp_path / "baseline.json")
    assert [f.path for f in _active(report)] == ["b/pod.yaml"]


def test_bad_baseline_is_a_config_error(tmp_path: Path) -> None:
    import pytest

    from scaffold.errors import ConfigError

    write_tree(tmp_path, {"pod.yaml": POD, "baseline.json": "{not json"})
    with pytest.raises(ConfigError, match="baseline is not valid JSON"):
        scan(tmp_path, baseline=tmp_path / "baseline.json")


# -- selection and the report ---------------------------------------------------------------


def test_select_and_ignore_take_prefixes_and_keep_parse_errors(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD, "bad.yaml": "a: [\n"})
    assert codes(scan(tmp_path, select=("KUBE00",), ignore=("KUBE001",))) == ["CORE001"]


def test_profile_selects_by_category(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD.replace("runAsNonRoot: true", "privileged: true")})
    found = codes(scan(tmp_path, profile="security"))
    assert "KUBE003" in found and "KUBE001" not in found


def test_empty_tree_scores_nothing(tmp_path: Path) -> None:
    report = scan(tmp_path)
    assert report.files == 0 and report.score.score is None and report.score.grade == "n/a"
    assert api.gate(report, "error", 90) == []


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD, "b/bad.yaml": "x: [", "c/pod.yaml": POD})
    context = api.load_context([tmp_path], isolated=True)
    outputs = {fmt: {api.render(context, api.check(context, [tmp_path]), fmt) for _ in range(2)}
               for fmt in context.registry.formats}
    assert all(len(texts) == 1 for texts in outputs.values())


# -- wrapped tools --------------------------------------------------------------------------


class _Tool:
    """A tool plugin whose findings are given, to test what the engine does with them."""

    def __init__(self, findings=(), notes=(), raises=False):
        self.findings, self.notes, self.raises = findings, notes, raises

    @hookimpl
    def scaffold_external_rules(self):
        return [ExternalRules("TL", "tool", "A tool", "https://example.com/{code}", "security")]

    @hookimpl
    def scaffold_run_tool(self, files, root):
        if self.raises:
            raise RuntimeError("tool crashed")
        return [ToolRun("tool", tuple(f.path for f in files), tuple(self.findings),
                        tuple(self.notes))]


def _tool_scan(tmp_path: Path, tool: _Tool, **kwargs):
    write_tree(tmp_path, {"pod.yaml": POD})
    context = api.load_context([tmp_path], isolated=True, extra_plugins={"tool": tool})
    return api.check(context, [tmp_path], **kwargs)


def _tool_finding(code="TL001", line=9, equivalent=None):
    return ToolFinding(code, Severity.WARNING, "tool says so", "pod.yaml", line, equivalent)


def test_tool_finding_equivalent_to_a_native_one_is_folded(tmp_path: Path) -> None:
    report = _tool_scan(tmp_path, _Tool([_tool_finding(equivalent="KUBE001"),
                                         _tool_finding("TL002", 9, equivalent="KUBE005")]))
    assert "TL001" not in codes(report)  # KUBE001 reports the same problem at line 9
    assert "TL002" in codes(report)  # KUBE005 is at another line: a different problem


def test_tool_finding_kept_when_the_native_policy_is_ignored(tmp_path: Path) -> None:
    report = _tool_scan(tmp_path, _Tool([_tool_finding(equivalent="KUBE001")]),
                        ignore=("KUBE001",))
    assert "TL001" in codes(report)


def test_tool_codes_follow_select_ignore_and_severity(tmp_path: Path) -> None:
    assert "TL001" not in codes(_tool_scan(tmp_path, _Tool([_tool_finding()]), ignore=("TL",)))
    assert codes(_tool_scan(tmp_path, _Tool([_tool_finding()]), select=("TL001",))) == ["TL001"]
    write_tree(tmp_path, {".scaffold.yaml": "severity: {TL001: error}\n"})
    context = api.load_context([tmp_path], extra_plugins={"tool": _Tool([_tool_finding()])})
    report = api.check(context, [tmp_path])
    (finding,) = [f for f in report.findings if f.code == "TL001"]
    assert str(finding.severity) == "error" and finding.category == "security"


def test_tool_notes_reach_the_report(tmp_path: Path) -> None:
    report = _tool_scan(tmp_path, _Tool(notes=["not installed: pip install tool"]))
    assert "tool: not installed: pip install tool" in report.notes


def test_tool_raising_is_reported(tmp_path: Path) -> None:
    report = _tool_scan(tmp_path, _Tool(raises=True))
    assert any(f.code == "CORE003" and "tool crashed" in f.message for f in report.findings)
    assert "KUBE001" in codes(report)


def test_tool_findings_score_against_the_files_it_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"more/pod{i}.yaml": POD.replace("nginx:latest", "nginx:1.27.2")
                          for i in range(9)})
    report = _tool_scan(tmp_path, _Tool([_tool_finding()]), select=("TL",))
    results = [r for r in report.results if r.code == "TL001"]
    assert len(results) == 10 and sum(not r.passed for r in results) == 1
    assert report.score.score == 94  # a warning in 1 of 10 files, not in all of them


def test_profile_controls_are_reported_per_control(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".scaffold.yaml": "policy-paths: [policies]\nprofile: bench\n",
        "policies/profiles/bench.yaml": """\
            name: bench
            title: A benchmark
            description: maps controls to codes
            controls:
              "1.1": [KUBE001]
              "1.2": [KUBE003]
              "2.1": [DF]
            """,
        "pod.yaml": POD,
    })
    report = scan(tmp_path, config=tmp_path / ".scaffold.yaml")
    assert report.profile == "bench"
    assert [(c.control, c.status, c.failed) for c in report.controls] == [
        ("1.1", "fail", 1), ("1.2", "pass", 0), ("2.1", "n/a", 0)]
    context = api.load_context([tmp_path], config_file=tmp_path / ".scaffold.yaml")
    assert "Controls of profile bench:" in api.render(context, report, "text")
    assert "| 1.1 | fail | 1 |" in api.render(context, report, "markdown")


class _Referrer:
    """Claims `*.refs` files, each line naming a Dockerfile with an unusual name."""

    @hookimpl
    def scaffold_parse(self, source):
        if not source.name.endswith(".refs"):
            return None
        for line in source.lines:
            if line.strip():
                source.refer(line.strip(), "dockerfile")
        return []


def test_files_referred_to_are_checked_as_their_kind(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "build.refs": "ci/app.build\n../outside.build\nmissing.build\n",
        "ci/app.build": "FROM python:latest\nUSER 10001\n",
        "b.refs": "ci/app.build\n",  # named twice: checked once
    })
    (tmp_path.parent / "outside.build").write_text("FROM python:latest\n")
    context = api.load_context([tmp_path], isolated=True, extra_plugins={"refs": _Referrer()})
    report = api.check(context, [tmp_path])
    found = [(f.path, f.line) for f in report.findings if f.code == "DF001"]
    assert found == [("ci/app.build", 1)]  # and never outside the root


def test_policy_cache_hits_misses_on_edit_and_prunes(tmp_path: Path, monkeypatch) -> None:
    import os

    from scaffold.policies import load_policy_set

    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SCAFFOLD_NO_CACHE", raising=False)
    write_tree(tmp_path, {"policies/p.yaml": """\
        code: MY001
        name: mine
        title: Mine
        category: security
        severity: warning
        target: kubernetes.object
        message: a message
        rationale: a rationale here
        remediation: a remediation here
        schema: {}
        """})
    first = load_policy_set([tmp_path / "policies"])
    entries = list((tmp_path / "cache").glob("policies-*.pickle"))
    assert len(entries) == 1 and load_policy_set([tmp_path / "policies"]) == first
    os.utime(entries[0], (0, 0))  # an entry untouched for ages
    text = (tmp_path / "policies/p.yaml").read_text().replace("warning", "error")
    (tmp_path / "policies/p.yaml").write_text(text + "\n")  # a new size: a new key
    assert str(load_policy_set([tmp_path / "policies"]).policies[0].severity) == "error"
    assert entries[0] not in list((tmp_path / "cache").glob("policies-*.pickle"))

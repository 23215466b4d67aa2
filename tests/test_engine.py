"""The scan: walking, inline ignores, exemptions, baselines and what the report keeps."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from conftest import codes, scan, write_tree
from scaffold import api, baseline

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

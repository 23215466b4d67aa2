"""The built-in report formats, rendered from small hand-built reports."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from scaffold.models import (
    CATEGORIES,
    CategoryScore,
    Finding,
    Policy,
    Report,
    Result,
    Score,
    Severity,
    Skipped,
)
from scaffold.reports import REPORT_SCHEMA_VERSION
from scaffold_plugins import reports
from scaffold_plugins.reports import json_report, junit, markdown, sarif, text

FORMATS = ("text", "json", "sarif", "junit", "markdown")
TRICKY = "Don't use `latest` | pin a digest — «ü» <none>"


# -- a small report ------------------------------------------------------------------------


def policy(code: str, name: str, category: str = "security",
           severity: Severity = Severity.ERROR, references: tuple[str, ...] = ()) -> Policy:
    return Policy(code=code, name=name, title=f"Title of {name}", category=category,
                  severity=severity, target="dockerfile", message=f"{name} failed",
                  rationale=f"Why {name} matters.", remediation=f"Fix {name}.",
                  references=references, source=f"policies/{code}.yaml")


def finding(code: str, path: str | None, line: int | None, severity: Severity = Severity.ERROR,
            message: str = "something is wrong", subject: str | None = None,
            category: str = "security", **extra) -> Finding:
    return Finding(code=code, severity=severity, category=category, message=message, path=path,
                   line=line, subject=subject, fingerprint=f"fp-{code}-{line}", **extra)


def make_report(**changes) -> Report:
    """Two files, a suppressed finding, a finding about no file, an external tool's code."""
    df_error = finding("DF001", "app/Dockerfile", 1, message=TRICKY)
    df_warning = finding("DF002", "app/Dockerfile", 7, Severity.WARNING, "no HEALTHCHECK",
                         category="reliability")
    df_suppressed = finding("DF001", "app/Dockerfile", 3, message="unpinned base image",
                            suppressed="inline", suppression_reason="pinned by renovate")
    k8s_error = finding("K8S001", "deploy/web.yaml", 12, message="runs as root",
                        subject="Deployment/web container app")
    k8s_info = finding("K8S002", "deploy/web.yaml", 20, Severity.INFO, "no owner label",
                       category="maintainability", subject="Deployment/web")
    exempted = finding("K8S001", "deploy/web.yaml", 40, message="runs as root",
                       subject="Deployment/web container sidecar", suppressed="exemption",
                       suppression_reason="vendor image")
    plugin_crash = finding("CORE003", None, None, message="plugin helm raised KeyError")
    external = finding("DL3008", "app/Dockerfile", 5, Severity.WARNING, "pin apt versions")
    policies = (
        policy("DF001", "image-tag-pinned", references=("CIS Docker 4.1", "https://x.test/df1")),
        policy("DF002", "healthcheck-present", "reliability", Severity.WARNING),
        policy("K8S001", "run-as-non-root"),
        policy("K8S002", "owner-label", "maintainability", Severity.INFO),
        policy("K8S099", "never-evaluated"),  # no result, no finding: not a SARIF rule
        policy("CORE003", "plugin-failed", "reliability"),
    )
    results = (
        Result("DF001", "app/Dockerfile", None, False, (df_error, df_suppressed)),
        Result("DF002", "app/Dockerfile", None, False, (df_warning,)),
        Result("K8S001", "deploy/web.yaml", "Deployment/web container app", False, (k8s_error,)),
        Result("K8S001", "deploy/web.yaml", "Deployment/web container sidecar", False,
               (exempted,)),
        Result("K8S002", "deploy/web.yaml", "Deployment/web", False, (k8s_info,)),
        Result("DF002", "other/Dockerfile", None, True),
    )
    categories = {name: CategoryScore(None, 0, 0) for name in CATEGORIES}
    categories.update(security=CategoryScore(61, 4, 2), reliability=CategoryScore(90, 3, 1),
                      maintainability=CategoryScore(98, 1, 1))
    values = dict(
        version="0.1.0", root="/srv/repo", files=3, documents=4, policies=policies,
        results=results,
        findings=(k8s_info, plugin_crash, df_suppressed, external, df_warning, exempted,
                  k8s_error, df_error),  # deliberately unsorted
        score=Score(54, "F", categories),
        skipped=(Skipped("vendor/big.yaml", "larger than 1 MiB"),),
        notes=("hadolint not found: its checks were skipped",),
    )
    values.update(changes)
    return Report(**values)


def empty_report() -> Report:
    categories = {name: CategoryScore(None, 0, 0) for name in CATEGORIES}
    return Report(version="0.1.0", root="repo", files=0, documents=0, policies=(), results=(),
                  findings=(), score=Score(None, "n/a", categories))


# -- every format ----------------------------------------------------------------------------


def test_plugin_declares_the_five_formats():
    formats = reports.scaffold_report_formats()
    assert [f.name for f in formats] == list(FORMATS)
    assert all(f.description and callable(f.render) for f in formats)


@pytest.mark.parametrize("fmt", reports.FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("build", [make_report, empty_report])
def test_rendering_is_deterministic_and_ends_with_a_newline(fmt, build):
    first = fmt.render(build())
    assert first == fmt.render(build())
    # The order findings arrive in does not matter either.
    report = build()
    shuffled = report._replace(findings=tuple(reversed(report.findings)),
                       results=tuple(reversed(report.results)))
    assert fmt.render(shuffled) == first
    assert first.endswith("\n") and not first.endswith("\n\n")


# -- text ------------------------------------------------------------------------------------


def test_text_groups_active_findings_by_file_with_no_file_last():
    lines = text.render(make_report()).splitlines()
    findings = lines[:lines.index("Checked 3 files (4 documents).")]
    assert findings == [
        f"app/Dockerfile:1: DF001 [error] {TRICKY}",
        "app/Dockerfile:5: DL3008 [warning] pin apt versions",
        "app/Dockerfile:7: DF002 [warning] no HEALTHCHECK",
        "",
        "deploy/web.yaml:12: K8S001 [error] runs as root (Deployment/web container app)",
        "deploy/web.yaml:20: K8S002 [info] no owner label (Deployment/web)",
        "",
        "(no file): CORE003 [error] plugin helm raised KeyError",
        "",
    ]


def test_text_summary():
    output = text.render(make_report())
    summary = output[output.index("Checked"):]
    assert summary == (
        "Checked 3 files (4 documents).\n"
        "Found 6 findings: 3 errors, 2 warnings, 1 info.\n"
        "Suppressed 2 findings (not counted in the score).\n"
        "Score: 54/100 (grade F)\n"
        "  security          61  2 of 4 failed\n"
        "  reliability       90  1 of 3 failed\n"
        "  efficiency       n/a  nothing evaluated\n"
        "  maintainability   98  1 of 1 failed\n"
        "Notes:\n"
        "  hadolint not found: its checks were skipped\n"
        "Skipped 1 file:\n"
        "  vendor/big.yaml: larger than 1 MiB\n"
    )
    assert "unpinned base image" not in output  # suppressed: counted, not listed


def test_text_with_nothing_to_report():
    assert text.render(empty_report()) == (
        "Checked 0 files (0 documents).\n"
        "All checks passed.\n"
        "Score: n/a (nothing was evaluated)\n"
        "  security         n/a  nothing evaluated\n"
        "  reliability      n/a  nothing evaluated\n"
        "  efficiency       n/a  nothing evaluated\n"
        "  maintainability  n/a  nothing evaluated\n"
    )


def test_text_keeps_a_multiline_message_under_its_location():
    report = make_report(findings=(finding("DF001", "Dockerfile", 2, message="one\ntwo"),))
    assert text.render(report).startswith("Dockerfile:2: DF001 [error] one\n    two\n\n")


# -- json ------------------------------------------------------------------------------------


def test_json_shape():
    data = json.loads(json_report.render(make_report()))
    assert list(data) == ["schema_version", "tool", "root", "summary", "findings", "results",
                          "policies", "skipped", "notes", "profile", "controls"]
    assert data["schema_version"] == REPORT_SCHEMA_VERSION
    assert data["tool"] == {"name": "scaffold", "version": "0.1.0"}
    assert data["root"] == "/srv/repo"
    summary = data["summary"]
    assert summary["counts"] == {"error": 3, "warning": 2, "info": 1, "suppressed": 2}
    assert (summary["files"], summary["documents"]) == (3, 4)
    assert (summary["score"], summary["grade"]) == (54, "F")
    assert list(summary["categories"]) == list(CATEGORIES)
    assert summary["categories"]["security"] == {"score": 61, "evaluated": 4, "failed": 2}
    assert summary["categories"]["efficiency"] == {"score": None, "evaluated": 0, "failed": 0}
    assert data["skipped"] == [{"path": "vendor/big.yaml", "reason": "larger than 1 MiB"}]
    assert data["notes"] == ["hadolint not found: its checks were skipped"]
    assert [p["code"] for p in data["policies"]] == sorted(p["code"] for p in data["policies"])
    assert data["policies"][0] == {"code": "CORE003", "name": "plugin-failed",
                                   "title": "Title of plugin-failed", "category": "reliability",
                                   "severity": "error", "target": "dockerfile"}
    assert {"code": "DF002", "path": "other/Dockerfile", "subject": None,
            "passed": True} in data["results"]


def test_json_findings_include_suppressed_ones_in_sorted_order():
    report = make_report()
    data = json.loads(json_report.render(report))
    assert len(data["findings"]) == len(report.findings)
    assert [(f["path"], f["line"]) for f in data["findings"]] == [
        (None, None), ("app/Dockerfile", 1), ("app/Dockerfile", 3), ("app/Dockerfile", 5),
        ("app/Dockerfile", 7), ("deploy/web.yaml", 12), ("deploy/web.yaml", 20),
        ("deploy/web.yaml", 40)]
    suppressed = data["findings"][2]
    assert suppressed == {
        "code": "DF001", "severity": "error", "category": "security",
        "message": "unpinned base image", "path": "app/Dockerfile", "line": 3, "subject": None,
        "fingerprint": "fp-DF001-3", "suppressed": "inline",
        "suppression_reason": "pinned by renovate"}
    assert data["findings"][1]["message"] == TRICKY


def test_json_keeps_unicode_readable():
    output = json_report.render(make_report())
    assert "«ü»" in output and "\\u00ab" not in output
    assert output.startswith('{\n  "schema_version": ')


# -- sarif -----------------------------------------------------------------------------------


def sarif_schema() -> dict:
    configured = os.environ.get("SCAFFOLD_SARIF_SCHEMA")
    path = Path(configured) if configured else (
        Path(__file__).resolve().parents[2].parent / "shared/schemas/sarif-schema-2.1.0.json")
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize("build", [make_report, empty_report])
def test_sarif_validates_against_the_oasis_schema(build):
    log = json.loads(sarif.render(build()))
    validator = jsonschema.Draft4Validator(sarif_schema())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_rules_and_rule_indexes():
    run = json.loads(sarif.render(make_report()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    # Policies with a result or finding, plus the external code; never-evaluated ones left out.
    assert [r["id"] for r in rules] == ["CORE003", "DF001", "DF002", "DL3008", "K8S001", "K8S002"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    df001 = rules[1]
    assert df001["name"] == "ImageTagPinned"
    assert df001["shortDescription"] == {"text": "Title of image-tag-pinned"}
    assert df001["fullDescription"] == {"text": "Why image-tag-pinned matters."}
    assert df001["help"]["text"] == "Fix image-tag-pinned."
    assert df001["helpUri"] == "https://x.test/df1"  # the first reference that is a URI
    assert df001["defaultConfiguration"] == {"level": "error"}
    assert df001["properties"] == {"category": "security", "tags": ["security"]}
    assert rules[5]["defaultConfiguration"] == {"level": "note"}  # info
    assert rules[3] == {"id": "DL3008", "shortDescription": {"text": "DL3008"},
                        "defaultConfiguration": {"level": "warning"},
                        "properties": {"category": "security", "tags": ["security"]}}


def test_sarif_results():
    run = json.loads(sarif.render(make_report()))["runs"][0]
    results = run["results"]
    assert len(results) == 8
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/repo/"}}
    crash = results[0]
    assert crash["ruleId"] == "CORE003" and "locations" not in crash
    k8s = next(r for r in results if r["ruleId"] == "K8S001" and "suppressions" not in r)
    assert k8s["message"]["text"] == "runs as root (Deployment/web container app)"
    assert k8s["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "deploy/web.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12}}}]
    assert k8s["partialFingerprints"] == {"scaffold/v1": "fp-K8S001-12"}
    assert k8s["level"] == "error"


def test_sarif_suppressions():
    results = json.loads(sarif.render(make_report()))["runs"][0]["results"]
    suppressions = {r["message"]["text"]: r["suppressions"] for r in results
                    if "suppressions" in r}
    assert suppressions == {
        "unpinned base image": [{"kind": "inSource", "justification": "pinned by renovate"}],
        "runs as root (Deployment/web container sidecar)": [
            {"kind": "external", "justification": "vendor image"}],
    }


def test_sarif_relative_root_has_no_base_uri_and_paths_are_uri_encoded():
    report = make_report(root="repo",
                         findings=(finding("DF001", "my app/Dockerfile#1", None),))
    run = json.loads(sarif.render(report))["runs"][0]
    assert "originalUriBaseIds" not in run
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "my%20app/Dockerfile%231",
                                             "uriBaseId": "%SRCROOT%"}}


# -- junit -----------------------------------------------------------------------------------


def test_junit_counts_and_failures():
    output = junit.render(make_report())
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite ')
    suite = ET.fromstring(output)
    assert suite.tag == "testsuite" and suite.get("name") == "scaffold"
    cases = suite.findall("testcase")
    # Six results, plus one case each for the engine notice and the external tool's finding.
    assert suite.get("tests") == str(len(cases)) == "8"
    failed = [c for c in cases if c.find("failure") is not None]
    assert suite.get("failures") == str(len(failed)) == "6"
    df001 = next(c for c in cases if c.get("classname") == "DF001")
    assert df001.get("name") == "app/Dockerfile"
    failure = df001.find("failure")
    assert failure.get("message") == TRICKY
    assert failure.text == f"app/Dockerfile:1 {TRICKY}"  # the suppressed one is not listed
    assert "pinned by renovate" in df001.find("system-out").text


def test_junit_all_suppressed_result_passes():
    suite = ET.fromstring(junit.render(make_report()))
    sidecar = next(c for c in suite.findall("testcase")
                   if c.get("name") == "deploy/web.yaml (Deployment/web container sidecar)")
    assert sidecar.get("classname") == "K8S001"
    assert sidecar.find("failure") is None
    assert "exemption: vendor image" in sidecar.find("system-out").text


def test_junit_findings_without_a_result_fail_their_own_case():
    suite = ET.fromstring(junit.render(make_report()))
    names = {c.get("classname"): c for c in suite.findall("testcase")}
    assert names["CORE003"].get("name") == "(no file)"
    assert names["CORE003"].find("failure").text == "(no file) plugin helm raised KeyError"
    assert names["DL3008"].find("failure").get("message") == "pin apt versions"


def test_junit_survives_control_characters():
    report = make_report(findings=(finding("DF001", "Dockerfile", 1, message="bad \x1b[0m"),))
    suite = ET.fromstring(junit.render(report))
    assert suite.find("testcase/failure").get("message") == "bad \ufffd[0m"


# -- markdown --------------------------------------------------------------------------------


def test_markdown_summary_tables():
    output = markdown.render(make_report())
    assert output.startswith("## scaffold: 54/100 (grade F)\n\nChecked 3 files (4 documents).")
    assert "| Errors | Warnings | Info | Suppressed |\n| ---: | ---: | ---: | ---: |\n" \
           "| 3 | 2 | 1 | 2 |\n" in output
    assert "| security | 61 | 2 | 4 |\n" in output
    assert "| efficiency | n/a | 0 | 0 |\n" in output
    assert "- hadolint not found: its checks were skipped" in output
    assert "- `vendor/big.yaml`: larger than 1 MiB" in output


def test_markdown_findings_table_escapes_cells():
    lines = markdown.render(make_report()).splitlines()
    rows = lines[lines.index("| File | Line | Code | Severity | Message |") + 2:]
    assert rows[0] == ("| `app/Dockerfile` | 1 | `DF001` | error | "
                       "Don't use `latest` \\| pin a digest — «ü» &lt;none&gt; |")
    assert rows[5] == "| (no file) |  | `CORE003` | error | plugin helm raised KeyError |"
    # Every row has exactly the five cells: no `|` leaked out of a message.
    for row in rows[:6]:
        assert row.replace("\\|", "").count("|") == 6


def test_markdown_escape_cell():
    assert markdown.escape_cell("a|b\nc") == "a\\|b<br>c"
    assert markdown.escape_cell("tag `<none>` vs <none> & co") == \
        "tag `<none>` vs &lt;none&gt; &amp; co"


def test_markdown_caps_the_findings_table():
    many = tuple(finding("DF001", f"f{i:03}/Dockerfile", 1) for i in range(markdown.MAX_ROWS + 7))
    output = markdown.render(make_report(findings=many))
    rows = [line for line in output.splitlines() if line.startswith("| `f")]
    assert len(rows) == markdown.MAX_ROWS
    assert rows[-1].startswith(f"| `f{markdown.MAX_ROWS - 1:03}/Dockerfile`")
    assert "… and 7 more findings" in output


def test_markdown_no_findings():
    output = markdown.render(empty_report())
    assert output.startswith("## scaffold: no score (nothing was evaluated)\n")
    assert "\nNo findings.\n" in output
    assert "### Findings" not in output

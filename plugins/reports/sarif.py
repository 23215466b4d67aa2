"""SARIF 2.1.0 (OASIS), the format GitHub code scanning and most security dashboards read.

One run; one rule per policy that was evaluated or produced a finding, plus a minimal rule for
any other code a finding carries (engine notices, wrapped tools), so every result's `ruleIndex`
points at a rule. Suppressed findings stay in the log with a `suppressions` entry: SARIF
viewers show them as dismissed instead of losing the audit trail.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from scaffold.models import Finding, Policy, Report, Severity
from scaffold.reports import sorted_findings

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
INFORMATION_URI = "https://github.com/scaffold-dev/scaffold"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "scaffold/v1"  # bump the suffix if the fingerprint recipe ever changes

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# Comments and annotations live in the checked file; exemptions and baselines do not.
SUPPRESSION_KINDS = {"inline": "inSource", "annotation": "inSource",
                     "exemption": "external", "baseline": "external"}


def render(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"


def to_sarif(report: Report) -> dict[str, Any]:
    findings = sorted_findings(report.findings)
    rules = _rules(report, findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "scaffold", "version": report.version,
                            "informationUri": INFORMATION_URI, "rules": rules}},
    }
    base = _root_uri(report.root)
    if base is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": base}}
    notifications = _notifications(report)
    if notifications:
        # The run itself succeeded; notes and skipped files are what a reader should know.
        run["invocations"] = [{"executionSuccessful": True,
                               "toolExecutionNotifications": notifications}]
    run["results"] = [_result(f, index[f.code]) for f in findings]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# -- rules -----------------------------------------------------------------------------------


def _rules(report: Report, findings: list[Finding]) -> list[dict[str, Any]]:
    used = {r.code for r in report.results} | {f.code for f in findings}
    policies = {p.code: p for p in report.policies if p.code in used}
    rules = {code: _policy_rule(policy) for code, policy in policies.items()}
    # No policy file describes the other codes: say only what their most severe finding says
    # (the first of equals in sorted order, so the choice is deterministic).
    worst: dict[str, Finding] = {}
    for finding in findings:
        seen = worst.get(finding.code)
        if finding.code not in policies and (seen is None or finding.severity > seen.severity):
            worst[finding.code] = finding
    rules.update((code, _bare_rule(finding)) for code, finding in worst.items())
    return [rules[code] for code in sorted(rules)]


def _policy_rule(policy: Policy) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": policy.code,
        "name": _pascal(policy.name),
        "shortDescription": {"text": policy.title},
        "fullDescription": {"text": policy.rationale},
        "help": {"text": policy.remediation, "markdown": _help_markdown(policy)},
    }
    links = _links(policy.references)
    if links:
        rule["helpUri"] = links[0]
    rule["defaultConfiguration"] = {"level": LEVELS[policy.severity]}
    rule["properties"] = {"category": policy.category, "tags": [policy.category]}
    return rule


def _bare_rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.code,
        "shortDescription": {"text": finding.code},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"category": finding.category, "tags": [finding.category]},
    }


def _help_markdown(policy: Policy) -> str:
    parts = [policy.remediation, f"**Why:** {policy.rationale}"]
    if policy.references:
        parts.append("\n".join(f"- {ref}" for ref in policy.references))
    return "\n\n".join(parts)


def _links(references: tuple[str, ...]) -> list[str]:
    # `helpUri` must be a URI; a reference may be prose ("CIS Docker 4.1").
    return [ref for ref in references if ref.startswith(("https://", "http://"))]


def _pascal(name: str) -> str:
    """`image-tag-pinned` -> `ImageTagPinned`: the identifier style SARIF viewers expect."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").split("-"))


# -- results ---------------------------------------------------------------------------------


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    message = finding.message
    if finding.subject:
        message += f" ({finding.subject})"
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
    }
    if finding.path:
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": quote(finding.path), "uriBaseId": SRCROOT}}
        if finding.line:
            physical["region"] = {"startLine": finding.line}
        result["locations"] = [{"physicalLocation": physical}]
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.suppressed:
        suppression = {"kind": SUPPRESSION_KINDS.get(finding.suppressed, "external")}
        if finding.suppression_reason:
            suppression["justification"] = finding.suppression_reason
        result["suppressions"] = [suppression]
    return result


def _notifications(report: Report) -> list[dict[str, Any]]:
    notes = [{"level": "note", "message": {"text": note}} for note in report.notes]
    for skipped in sorted(report.skipped, key=lambda s: (s.path, s.reason)):
        notes.append({
            "level": "note",
            "message": {"text": f"skipped: {skipped.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {
                "uri": quote(skipped.path), "uriBaseId": SRCROOT}}}],
        })
    return notes


def _root_uri(root: str) -> str | None:
    """`file:///abs/root/` for an absolute root; None for a relative one, which has no URI
    (consumers then resolve %SRCROOT% themselves, e.g. to the repository checkout)."""
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour(root)
        if path.is_absolute():
            uri = path.as_uri()
            return uri if uri.endswith("/") else uri + "/"
    return None

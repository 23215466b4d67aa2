"""The machine-readable report: everything in `Report`, in a shape versioned by
`schema_version` (`scaffold.reports.REPORT_SCHEMA_VERSION`) and documented field by field in
docs/reports.md.

Keys are written in a fixed order (never sorted alphabetically, so a reader sees the summary
before thousands of results) and every list is sorted, so the same report gives the same bytes.
Unlike the text report, suppressed findings are included, marked by `suppressed`: tools that
audit suppressions need them.
"""

from __future__ import annotations

import json
from typing import Any

from scaffold.models import CATEGORIES, CategoryScore, Finding, Policy, Report, Result
from scaffold.reports import REPORT_SCHEMA_VERSION, sorted_findings


def render(report: Report) -> str:
    return dumps(to_dict(report))


def _compact(value: Any) -> str:
    if isinstance(value, _Encoded):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class _Encoded(str):
    """An item already serialized, exactly as `_compact` would have written it."""


def dumps(document: dict[str, Any]) -> str:
    """Indented at the top, one list item a line below it.

    Still easy to read and to diff (one finding, one result a line), and each item goes
    through the C encoder: `indent=` would force the pure-Python one, several times slower on a
    report with a hundred thousand results.
    """
    parts = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(_compact(item) for item in value)
            parts.append(f"  {_compact(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON values, before serialization."""
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "scaffold", "version": report.version},
        "root": report.root,
        "summary": _summary(report),
        "findings": [_finding(f) for f in sorted_findings(report.findings)],
        "results": _results(report.results),
        "policies": [_policy(p) for p in sorted(report.policies, key=lambda p: p.code)],
        "skipped": [{"path": s.path, "reason": s.reason}
                    for s in sorted(report.skipped, key=lambda s: (s.path, s.reason))],
        "notes": list(report.notes),  # in the order the engine noted them
        "profile": report.profile,
        "controls": [{"control": c.control, "status": c.status, "failed": c.failed,
                      "codes": list(c.codes)} for c in report.controls],
    }


def _summary(report: Report) -> dict[str, Any]:
    score = report.score
    return {
        "files": report.files,
        "documents": report.documents,
        "counts": report.counts(),
        "score": score.score,
        "grade": score.grade,
        # Every category, always, in CATEGORIES order: consumers can index without checking.
        "categories": {name: _category(score.categories.get(name)) for name in CATEGORIES},
    }


def _category(category: CategoryScore | None) -> dict[str, Any]:
    if category is None:  # a category nothing was evaluated in
        return {"score": None, "evaluated": 0, "failed": 0}
    return {"score": category.score, "evaluated": category.evaluated, "failed": category.failed}


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "category": finding.category,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "subject": finding.subject,
        "fingerprint": finding.fingerprint,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
    }


def _result_key(result: Result) -> tuple[str, str, str]:
    return (result.path, result.code, result.subject or "")


def _result(result: Result) -> dict[str, Any]:
    # A result's findings are already in "findings"; repeating them here would double the size.
    return {"code": result.code, "path": result.path, "subject": result.subject,
            "passed": result.passed}


def _results(results: tuple[Result, ...]) -> list[_Encoded]:
    """The results, each written straight to its line: a large tree has half a million of
    them, and their few distinct codes, paths and subjects are each encoded once."""
    encoded: dict[str | None, str] = {None: "null"}

    def text(value: str | None) -> str:
        found = encoded.get(value)
        if found is None:
            found = encoded[value] = json.dumps(value, ensure_ascii=False)
        return found

    return [_Encoded(f'{{"code": {text(r.code)}, "path": {text(r.path)}, "subject": '
                     f'{text(r.subject)}, "passed": {"true" if r.passed else "false"}}}')
            for r in sorted(results, key=_result_key)]


def _policy(policy: Policy) -> dict[str, Any]:
    return {"code": policy.code, "name": policy.name, "title": policy.title,
            "category": policy.category, "severity": str(policy.severity),
            "target": policy.target}

"""JUnit XML, for CI systems that show test results (GitLab, Jenkins, Azure, test-reporter
actions): each policy on each document is a test case, and a failing one lists its findings.

Only active findings fail a test case. A result whose findings are all suppressed passes, with
a note in <system-out>, so the CI view agrees with scaffold's exit code. Findings that belong to
no result (engine notices, wrapped tools) get a test case of their own: dropping them would
turn a failed run green in the CI view.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from scaffold.models import Finding, Report
from scaffold.reports import location, sorted_findings

NO_FILE = "(no file)"
# XML 1.0 cannot carry most control characters, even escaped; a message quoting a binary
# file must not make the whole report unparsable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class _Case:
    code: str
    path: str | None
    subject: str | None
    findings: tuple[Finding, ...]
    passed: bool  # as the engine recorded it; active findings always fail the case


def render(report: Report) -> str:
    cases = sorted(_cases(report), key=lambda c: (c.path or "\uffff", c.code, c.subject or ""))
    failures = sum(_failed(case) for case in cases)
    suite = ET.Element("testsuite", {"name": "scaffold", "tests": str(len(cases)),
                                     "failures": str(failures), "errors": "0", "skipped": "0"})
    for case in cases:
        suite.append(_testcase(case))
    ET.indent(suite, space="  ")
    body = ET.tostring(suite, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _cases(report: Report) -> list[_Case]:
    cases = [_Case(r.code, r.path, r.subject, r.findings, r.passed) for r in report.results]
    covered = {f for r in report.results for f in r.findings}
    loose: dict[tuple, list[Finding]] = {}
    for finding in sorted_findings([f for f in report.findings if f not in covered]):
        loose.setdefault((finding.code, finding.path, finding.subject), []).append(finding)
    cases.extend(_Case(code, path, subject, tuple(found), passed=False)
                 for (code, path, subject), found in loose.items())
    return cases


def _failed(case: _Case) -> bool:
    active = [f for f in case.findings if f.active]
    # A failed result with no finding at all still failed; one whose findings were all
    # suppressed did not.
    return bool(active) or (not case.passed and not case.findings)


def _testcase(case: _Case) -> ET.Element:
    name = case.path or NO_FILE
    if case.subject:
        name += f" ({case.subject})"
    element = ET.Element("testcase", {"classname": _clean(case.code), "name": _clean(name)})
    findings = sorted_findings(case.findings)
    active = [f for f in findings if f.active]
    if _failed(case):
        failure = ET.SubElement(element, "failure", {"message": _clean(_headline(active, case)),
                                                     "type": _clean(case.code)})
        failure.text = _clean("\n".join(_line(f) for f in active))
    suppressed = [f for f in findings if not f.active]
    if suppressed:
        out = ET.SubElement(element, "system-out")
        out.text = _clean("\n".join(
            f"suppressed ({f.suppressed}: {f.suppression_reason or 'no reason given'}): "
            f"{_line(f)}" for f in suppressed))
    return element


def _headline(active: list[Finding], case: _Case) -> str:
    if not active:
        return f"{case.code} failed"
    more = len(active) - 1
    return active[0].message + (f" (and {more} more)" if more else "")


def _line(finding: Finding) -> str:
    return f"{location(finding) if finding.path else NO_FILE} {finding.message}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)

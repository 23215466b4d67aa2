"""A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

GitHub caps a comment at 65,536 characters, so the findings table stops at `MAX_ROWS` rows and
says how many it left out; the text, JSON and SARIF reports always have them all. Only active
findings are listed (suppressed ones are counted), as in the text report.
"""

from __future__ import annotations

import re

from scaffold.models import CATEGORIES, Finding, Report
from scaffold.reports import sorted_findings

MAX_ROWS = 200
MAX_SKIPPED = 50
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


def render(report: Report) -> str:
    lines = [_heading(report), "", _checked(report), "",
             *_counts_table(report), "",
             *_categories_table(report), "",
             *_controls_table(report),
             *_findings_table(report),
             *_notes(report)]
    return "\n".join(lines) + "\n"


def _heading(report: Report) -> str:
    score = report.score
    if score.score is None:
        return "## scaffold: no score (nothing was evaluated)"
    return f"## scaffold: {score.score}/100 (grade {score.grade})"


def _checked(report: Report) -> str:
    return (f"Checked {report.files} file{'s' * (report.files != 1)} "
            f"({report.documents} document{'s' * (report.documents != 1)}).")


def _counts_table(report: Report) -> list[str]:
    counts = report.counts()
    return ["| Errors | Warnings | Info | Suppressed |",
            "| ---: | ---: | ---: | ---: |",
            f"| {counts['error']} | {counts['warning']} | {counts['info']} | "
            f"{counts['suppressed']} |"]


def _categories_table(report: Report) -> list[str]:
    rows = ["| Category | Score | Failed | Evaluated |", "| --- | ---: | ---: | ---: |"]
    for name in CATEGORIES:
        category = report.score.categories.get(name)
        if category is None or category.score is None:
            rows.append(f"| {name} | n/a | 0 | 0 |")
        else:
            rows.append(f"| {name} | {category.score} | {category.failed} | "
                        f"{category.evaluated} |")
    return rows


def _controls_table(report: Report) -> list[str]:
    """Per control of the profile (CIS sections...), only when the profile maps them."""
    if not report.controls:
        return []
    rows = [f"**Controls of profile `{report.profile}`**", "",
            "| Control | Status | Findings | Codes |", "| --- | --- | ---: | --- |"]
    rows += [f"| {escape_cell(c.control)} | {c.status} | {c.failed} | "
             f"{', '.join(_code(code) for code in c.codes)} |" for c in report.controls]
    return rows + [""]


def _findings_table(report: Report) -> list[str]:
    ordered = sorted_findings(report.active_findings)
    # Findings about no file last, as in the text report.
    findings = [f for f in ordered if f.path] + [f for f in ordered if not f.path]
    if not findings:
        return ["No findings."]
    rows = ["### Findings", "", "| File | Line | Code | Severity | Message |",
            "| --- | ---: | --- | --- | --- |"]
    rows += [_finding_row(f) for f in findings[:MAX_ROWS]]
    hidden = len(findings) - MAX_ROWS
    if hidden > 0:
        rows += ["", f"… and {hidden} more finding{'s' * (hidden != 1)} "
                     "(see `scaffold check --format text` for all of them)."]
    return rows


def _finding_row(finding: Finding) -> str:
    path = _code(finding.path) if finding.path else "(no file)"
    message = finding.message + (f" ({finding.subject})" if finding.subject else "")
    cells = [path, str(finding.line or ""), _code(finding.code), str(finding.severity),
             escape_cell(message)]
    return "| " + " | ".join(cells) + " |"


def _notes(report: Report) -> list[str]:
    lines: list[str] = []
    if report.notes:
        lines += ["", "**Notes**", ""] + [f"- {escape_cell(note)}" for note in report.notes]
    if report.skipped:
        skipped = sorted(report.skipped, key=lambda s: (s.path, s.reason))
        lines += ["", f"<details><summary>{len(skipped)} file{'s' * (len(skipped) != 1)} "
                      "skipped</summary>", ""]
        lines += [f"- {_code(s.path)}: {escape_cell(s.reason)}" for s in skipped[:MAX_SKIPPED]]
        if len(skipped) > MAX_SKIPPED:
            lines.append(f"- … and {len(skipped) - MAX_SKIPPED} more")
        lines += ["", "</details>"]
    return lines


def escape_cell(text: str) -> str:
    """Make text safe inside one table cell, keeping the author's `code spans`.

    A `|` would start a new cell, so it is escaped everywhere (GFM unescapes `\\|` even
    inside code spans); a newline would end the row, so lines are joined with `<br>`.
    `<`, `>` and `&` are escaped outside code spans only, so a message quoting `<none>` is
    neither eaten as an HTML tag nor shown as `&lt;none&gt;` inside backticks.
    """
    return "<br>".join(_escape_line(line) for line in text.splitlines()).replace("|", "\\|")


def _escape_line(line: str) -> str:
    pieces = []
    start = 0
    for span in _CODE_SPAN.finditer(line):
        pieces.append(_escape_html(line[start:span.start()]))
        pieces.append(span.group())
        start = span.end()
    pieces.append(_escape_html(line[start:]))
    return "".join(pieces)


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    """A code span that survives backticks, `|` and `_` in file names (`__init__.py`)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}".replace("|", "\\|").replace("\n", " ")

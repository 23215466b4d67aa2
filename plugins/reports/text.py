"""The default terminal report: one line per active finding, grouped by file, then a summary.

Lines are `path:line: CODE [severity] message`, the shape editors and terminals already turn
into links (like ruff and gcc). Suppressed findings are only counted: listing them would bury
the ones that need work, and the JSON and SARIF reports keep them in full.
"""

from __future__ import annotations

from itertools import groupby

from scaffold.models import CATEGORIES, Finding, Report
from scaffold.reports import location, sorted_findings

NO_FILE = "(no file)"
_PLURALS = {"error": "errors", "warning": "warnings", "info": "info"}


def render(report: Report) -> str:
    lines: list[str] = []
    for _, group in groupby(_by_file(report.active_findings), key=lambda f: f.path):
        lines.extend(_finding_line(finding) for finding in group)
        lines.append("")  # a blank line between files keeps long reports scannable
    lines.extend(_summary(report))
    return "\n".join(lines) + "\n"


def _by_file(findings: tuple[Finding, ...]) -> list[Finding]:
    """`sorted_findings` order, except that findings about no file come last, after the files
    (they are notices about the run, read best once the per-file detail is on screen)."""
    ordered = sorted_findings(findings)
    return [f for f in ordered if f.path] + [f for f in ordered if not f.path]


def _finding_line(finding: Finding) -> str:
    where = location(finding) if finding.path else NO_FILE
    line = f"{where}: {finding.code} [{finding.severity}] {finding.message}"
    if finding.subject:
        line += f" ({finding.subject})"
    # Indent continuation lines so every finding still starts with its location.
    return line.replace("\r\n", "\n").replace("\n", "\n    ")


def _summary(report: Report) -> list[str]:
    counts = report.counts()
    active = sum(counts[severity] for severity in _PLURALS)
    lines = [f"Checked {_plural(report.files, 'file')} ({_plural(report.documents, 'document')})."]
    if active:
        by_severity = ", ".join(f"{counts[s]} {_PLURALS[s] if counts[s] != 1 else s}"
                                for s in _PLURALS if counts[s])
        lines.append(f"Found {_plural(active, 'finding')}: {by_severity}.")
    else:
        lines.append("All checks passed.")
    if counts["suppressed"]:
        lines.append(f"Suppressed {_plural(counts['suppressed'], 'finding')} "
                     "(not counted in the score).")
    lines.extend(_score_lines(report))
    if report.controls:
        width = max(len(c.control) for c in report.controls)
        lines.append(f"Controls of profile {report.profile}:")
        lines.extend(f"  {c.control:<{width}}  {c.status:<4}  {', '.join(c.codes)}"
                     for c in report.controls)
    if report.notes:
        lines.append("Notes:")
        lines.extend(f"  {note}" for note in report.notes)
    if report.skipped:
        lines.append(f"Skipped {_plural(len(report.skipped), 'file')}:")
        lines.extend(f"  {s.path}: {s.reason}"
                     for s in sorted(report.skipped, key=lambda s: (s.path, s.reason)))
    return lines


def _score_lines(report: Report) -> list[str]:
    score = report.score
    if score.score is None:
        lines = ["Score: n/a (nothing was evaluated)"]
    else:
        lines = [f"Score: {score.score}/100 (grade {score.grade})"]
    width = max(len(name) for name in CATEGORIES)
    for name in CATEGORIES:
        category = score.categories.get(name)
        if category is None or category.score is None:
            lines.append(f"  {name:<{width}}  n/a  nothing evaluated")
            continue
        lines.append(f"  {name:<{width}}  {category.score:>3}  "
                     f"{category.failed} of {category.evaluated} failed")
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

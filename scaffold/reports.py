"""How report formats are declared, and the helpers every renderer shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from scaffold.models import Finding, Report

REPORT_SCHEMA_VERSION = 1  # the JSON report's `schema_version`; bump on incompatible change


class ReportFormat(NamedTuple):
    """A report format contributed by a plugin (hook `scaffold_report_formats`)."""

    name: str  # what --format takes
    render: Callable[[Report], str]
    description: str


def sorted_findings(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """The one order every format uses: by file, line, code, subject, message."""
    return sorted(findings, key=lambda f: (f.path or "", f.line or 0, f.code, f.subject or "",
                                           f.message))


def location(finding: Finding) -> str:
    """`path:line` (or just the path, or `-` for findings about no file)."""
    if not finding.path:
        return "-"
    return f"{finding.path}:{finding.line}" if finding.line else finding.path

"""The built-in report formats, registered through the same hook third-party plugins use.

Each format is one module with a `render(report) -> str` function and no state, so a format
can be read, tested and replaced on its own. Every renderer lists findings in
`scaffold.reports.sorted_findings` order and writes no timestamps: the same report always
renders to the same bytes, which keeps CI diffs and caches meaningful.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from scaffold import hookimpl
from scaffold.models import Report
from scaffold.reports import ReportFormat


def _lazy(module: str) -> Callable[[Report], str]:
    """Import a renderer only when its format is asked for: a pre-commit run that prints
    text should not pay for XML and SARIF imports."""
    def render(report: Report) -> str:
        return import_module(f"scaffold_plugins.reports.{module}").render(report)
    return render


FORMATS = (
    ReportFormat("text", _lazy("text"),
                 "Findings grouped by file, one per line, then a summary (the default)."),
    ReportFormat("json", _lazy("json_report"),
                 "Everything in the report, versioned by `schema_version` (docs/reports.md)."),
    ReportFormat("sarif", _lazy("sarif"),
                 "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."),
    ReportFormat("junit", _lazy("junit"),
                 "JUnit XML, one test case per policy and document, for CI test views."),
    ReportFormat("markdown", _lazy("markdown"),
                 "A summary for a pull-request comment or $GITHUB_STEP_SUMMARY."),
)


@hookimpl
def scaffold_report_formats() -> list[ReportFormat]:
    return list(FORMATS)

"""The built-in report formats, registered through the same hook third-party plugins use.

Each format is one module with a `render(report) -> str` function and no state, so a format
can be read, tested and replaced on its own. Every renderer lists findings in
`scaffold.reports.sorted_findings` order and writes no timestamps: the same report always
renders to the same bytes, which keeps CI diffs and caches meaningful.
"""

from __future__ import annotations

from scaffold import hookimpl
from scaffold.reports import ReportFormat
from scaffold_plugins.reports import json_report, junit, markdown, sarif, text

FORMATS = (
    ReportFormat("text", text.render,
                 "Findings grouped by file, one per line, then a summary (the default)."),
    ReportFormat("json", json_report.render,
                 "Everything in the report, versioned by `schema_version` (docs/reports.md)."),
    ReportFormat("sarif", sarif.render,
                 "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."),
    ReportFormat("junit", junit.render,
                 "JUnit XML, one test case per policy and document, for CI test views."),
    ReportFormat("markdown", markdown.render,
                 "A summary for a pull-request comment or $GITHUB_STEP_SUMMARY."),
)


@hookimpl
def scaffold_report_formats() -> list[ReportFormat]:
    return list(FORMATS)

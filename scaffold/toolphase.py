"""The wrapped-tool phase of a scan: run each tool once beside the per-file scan, then fold
its findings in (selection, severities, inline ignores, one finding per problem, results)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from scaffold.models import Finding, Result, Severity, ToolFinding, ToolRun
from scaffold.plugins import PluginFailure
from scaffold.sources import SourceFile

if TYPE_CHECKING:
    from scaffold.engine import Scan


class RuleInfo(NamedTuple):
    """What scoring needs to know of a wrapped tool's code (a policy has it built in)."""

    category: str
    severity: Severity


def tool_runs(scan: Scan, files: list[SourceFile]) -> list[tuple[str, Any]]:
    """Run every wrapped tool once over `files` (copies: the scan releases its own)."""
    copies = [SourceFile(source.abspath, source.path, source.kind) for source in files]
    runs, failures = scan.registry.host.run_tools(copies, scan.config.root)
    return [*runs, *(("", failure) for failure in failures)]


def add_tool_runs(scan: Scan, runs: list[tuple[str, Any]], files: list[SourceFile]) -> None:
    """Fold the tools' runs into the scan: notes, failures, findings and results."""
    native = {(f.code, f.path, f.line) for result in scan.results for f in result.findings}
    sources = {source.path: source for source in files}
    for plugin, run in runs:
        if isinstance(run, PluginFailure):
            scan.add_core("CORE003", None, None, f"plugin {run.plugin!r} failed running "
                          f"its tool: {run.message}")
        elif not isinstance(run, ToolRun):
            scan.add_core("CORE003", None, None,
                          f"plugin {plugin!r} returned {run!r:.80}, not a ToolRun")
        else:
            scan.notes.extend(f"{run.tool}: {note}" for note in run.notes)
            _add_tool_results(scan, run, native, sources)
            if run.seconds is not None:
                _log_time(run)


def _log_time(run: ToolRun) -> None:
    """A tool's wall time goes to the `scaffold.timings` log (`scaffold check --timings`
    shows it), never into the report, which must stay the same bytes run to run."""
    import logging  # only when a tool ran

    logging.getLogger("scaffold.timings").info("%s %.2f s", run.tool, run.seconds)


def _tool_finding(scan: Scan, found: ToolFinding) -> Finding | None:
    rules = scan.registry.external_rules_for(found.code)
    category = found.category or (rules.category if rules else "maintainability")
    if not scan.codes.allows(found.code, category):
        return None
    severity = scan.codes.severity(found.code, found.severity)
    known = scan.by_code.get(found.code)
    if known is None or severity > known.severity:
        scan.by_code[found.code] = RuleInfo(category, severity)
    return Finding(found.code, severity, category, found.message, found.path, found.line)


def _add_tool_results(scan: Scan, run: ToolRun, native: set, sources: dict) -> None:
    """One result per code the tool reported and file it checked, so a tool code failing
    in one file of a hundred scores like a policy would."""
    by_code: dict[str, dict[str, list[Finding]]] = {}
    for found in run.findings:
        if found.equivalent and (found.equivalent, found.path, found.line) in native:
            continue  # the native policy already reports this problem here: one finding
        finding = _tool_finding(scan, found)
        if finding is None:
            continue
        source = sources.get(found.path)
        comments = scan.comments.get(found.path)
        if comments is None and source is not None:
            comments = scan.comment_suppressions(source)
        # The object at the finding's line lends its annotations (`scaffold.dev/ignore`) and
        # its kind, name and container to exemptions, as for a native finding.
        final = scan.finalize(finding, scan.document_at(found.path, found.line), source,
                              comments or [])
        by_code.setdefault(found.code, {}).setdefault(found.path, []).append(final)
    for code in sorted(by_code):
        for path in sorted({*run.checked, *by_code[code]}):
            findings = tuple(by_code[code].get(path, ()))
            scan.results.append(Result(code, path, None, not findings, findings))

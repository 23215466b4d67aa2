"""A third-party plugin as a team would write one: it uses only scaffold's public API.

It declares an `ini` target for `*.ini` files, contributes a policy directory with a code-check
policy and a schema policy, the code check itself, and a report format.
"""

from __future__ import annotations

from pathlib import Path

from scaffold import Check, Document, LineIndex, ParseError, Target, Violation, hookimpl, redact
from scaffold.reports import ReportFormat

POLICIES = Path(__file__).with_name("sample_policies")


@hookimpl
def scaffold_targets():
    return [Target("sample.ini", "An INI file", "settings.ini")]


@hookimpl
def scaffold_policy_dirs():
    return [POLICIES]


def _password_check(document, params):
    for key, (value, line) in document.parsed.items():
        if key in params["keys"] and value:
            yield Violation(message=f"{key} holds a literal secret ({redact(value)})", line=line)


@hookimpl
def scaffold_checks():
    return [Check("sample.literal-secret", _password_check,
                  {"type": "object", "required": ["keys"],
                   "properties": {"keys": {"type": "array", "items": {"type": "string"}}}})]


@hookimpl
def scaffold_report_formats():
    return [ReportFormat("codes", lambda report: "".join(
        f"{f.code}\n" for f in report.active_findings), "one code a line")]


@hookimpl
def scaffold_parse(source):
    if not source.name.endswith(".ini"):
        return None
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

"""Where helm says a problem is: its error and lint messages, read into file and line.

Helm names files by chart (`web/templates/deployment.yaml`, `web/charts/db/templates/x.yaml`)
or, for values files, by the path it was given. Template errors give the template line;
YAML errors in rendered output give a line of that output (to be mapped back, see
`template_lines.line_for_text`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Helm 4: `web/templates/x.yaml:9:22\n  executing "..." at <...>:\n    nil pointer ...`;
# Helm 3: `template: web/templates/x.yaml:9:22: executing "..." at <...>: nil pointer ...`.
# An error inside an `include` chains them: the last one is where the failing action is.
_EXECUTING = re.compile(r"(?:template: )?(?P<file>[^\s:]+):(?P<line>\d+):(?P<column>\d+):? "
                        r"executing \"(?P<name>[^\"]*)\" at <(?P<action>.*?)>: ")
_FAILED = re.compile(r"execution error at \((?P<file>[^\s:()]+):(?P<line>\d+):\d+\): "
                     r"(?P<text>.*)")
_PARSE = re.compile(r"parse error at \((?P<file>[^\s:()]+):(?P<line>\d+)\): (?P<text>.*)")
_RENDERED_YAML = re.compile(r"YAML parse error on (?P<file>\S+): .*?\byaml: line (?P<line>\d+): "
                            r"(?P<text>.*)")
_VALUES_FILE = re.compile(r"failed to parse (?P<file>.+?): .*?\byaml: line (?P<line>\d+): "
                          r"(?P<text>.*)")
_YAML_LINE = re.compile(r"\byaml: line (?P<line>\d+): ")
_METADATA_FIELD = re.compile(r"\bchart\.metadata\.(?P<field>\w+)|^(?P<first>\w+) (?:is|should)\b")
_NOISE = ("Use --debug flag to render out invalid YAML",)


class Location(NamedTuple):
    file: str | None  # helm's name for the file, None when it names none
    line: int | None
    rendered: bool = False  # the line is one of the rendered output, not of the file


class Explained(NamedTuple):
    location: Location
    text: str  # the message to show, without what the location already says


def one_line(text: str) -> str:
    """Helm's multi-line message as one line, without `Error:` and its debugging advice."""
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("level=") and line.strip() not in _NOISE]
    message = " ".join(lines)
    while message.startswith("Error: "):
        message = message[len("Error: "):]
    return message


def in_chart(helm_name: str) -> str:
    """`web/templates/x.yaml` -> `templates/x.yaml`: helm prefixes files with the chart name."""
    return helm_name.split("/", 1)[1] if "/" in helm_name else helm_name


def explain(message: str) -> Explained:
    """Where a (one-line) helm message says the problem is, and what it says about it."""
    match = _FAILED.search(message)  # `required` and `fail` in a template
    if match:
        return Explained(Location(match.group("file"), int(match.group("line"))),
                         match.group("text"))
    chain = list(_EXECUTING.finditer(message))
    if chain:
        first, last = chain[0], chain[-1]
        text = f"{message[last.end():]} at <{last.group('action')}>"
        if last.group("name") != last.group("file"):
            text += f" in {last.group('name')!r}"
        if len(chain) > 1:
            text += f", included from {in_chart(first.group('file'))}:{first.group('line')}"
        return Explained(Location(last.group("file"), int(last.group("line"))), text)
    match = _PARSE.search(message)
    if match:
        return Explained(Location(match.group("file"), int(match.group("line"))),
                         f"template syntax error: {match.group('text')}")
    match = _RENDERED_YAML.search(message)
    if match:
        line = int(match.group("line"))
        return Explained(Location(match.group("file"), line, rendered=True),
                         f"renders invalid YAML: {match.group('text')} "
                         f"(line {line} of the rendered output)")
    match = _VALUES_FILE.search(message)
    if match:
        name = match.group("file").rsplit("/", 1)[-1]
        return Explained(Location(match.group("file"), int(match.group("line"))),
                         f"helm cannot read {name}: {match.group('text')}")
    return Explained(Location(None, None), message)


def locate(message: str) -> Location:
    """The file and line a (one-line) helm message names."""
    return explain(message).location


def chart_field(message: str) -> str | None:
    """The Chart.yaml field a chart validation message is about (`version should be...`,
    `validation: chart.metadata.name is required`), if it names one."""
    match = _METADATA_FIELD.search(message)
    if not match:
        return None
    return match.group("field") or match.group("first")


def yaml_line(message: str) -> int | None:
    """The `yaml: line N` of a YAML error message, if any."""
    match = _YAML_LINE.search(message)
    return int(match.group("line")) if match else None


class LintMessage(NamedTuple):
    severity: str  # "ERROR", "WARNING", "INFO"
    path: str  # as helm printed it: relative to the chart, or the chart folder itself
    message: str


_LINT_LINE = re.compile(r"^\[(?P<severity>[A-Z]+)\] (?P<path>[^:]*): (?P<message>.*)$")


def lint_messages(output: str) -> list[LintMessage]:
    """`[ERROR] templates/: message` lines of `helm lint` output; continuation lines (helm 4
    splits template errors over several) are joined to their message."""
    found: list[LintMessage] = []
    current: list[str] | None = None
    head: re.Match | None = None
    for line in output.splitlines() + [""]:
        match = _LINT_LINE.match(line)
        if match or not line.strip() or line.startswith(("==>", "Error:")):
            if head is not None and current is not None:
                found.append(LintMessage(head.group("severity"), head.group("path"),
                                         one_line("\n".join(current))))
            head, current = (match, [match.group("message")]) if match else (None, None)
        elif current is not None:
            current.append(line)
    return found

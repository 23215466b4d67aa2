"""The values that flow through a scan: policies, documents, findings, results, reports.

Every class here is an immutable NamedTuple with no I/O, so plugins can build and compare them
freely and reports can be rendered from them deterministically. (NamedTuples rather than frozen
dataclasses: creating these classes at import is a tenth of the cost, and every pre-commit run
pays it. Use `value._replace(field=...)` to derive a changed copy.)
"""

from __future__ import annotations

import enum
import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple


class Severity(enum.IntEnum):
    """How bad a failure is. Ordered, so `--fail-on warning` means `>= WARNING`."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]

    def __str__(self) -> str:
        return self.name.lower()


CATEGORIES = ("security", "reliability", "efficiency", "maintainability")
# Shared defaults: values are never mutated (changed copies are made with `_replace`).
_EMPTY: Mapping[str, Any] = {}
_ANY_OBJECT: Mapping[str, Any] = {"type": "object"}


@functools.cache
def _import_function(reference: str) -> Callable[..., Any]:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


class Policy(NamedTuple):
    """One rule, loaded from one YAML file under a policy directory."""

    code: str
    name: str
    title: str
    category: str
    severity: Severity
    target: str
    message: str
    rationale: str
    remediation: str
    references: tuple[str, ...]
    source: str  # the policy file, for error messages and docs
    schema: Mapping[str, Any] | None = None
    check: str | None = None
    params: Mapping[str, Any] = _EMPTY
    kinds: tuple[str, ...] = ()  # restrict to these resource kinds, when the target has kinds
    examples: Mapping[str, str] = _EMPTY  # {"pass": text, "fail": text}
    since: str = "0.1.0"


class Target(NamedTuple):
    """A kind of document a plugin produces, which policies name in their `target` field."""

    name: str
    title: str
    example_filename: str  # the file name an embedded policy example is parsed as
    # Keep this target's documents after the walk and hand them to `scaffold_tree_documents`
    # (cross-resource checks). Off by default: a scan holds files' paths, not their contents.
    whole_tree: bool = False


class Violation(NamedTuple):
    """What a code check returns for each problem it sees in one document.

    Give `path` (keys and indexes into `document.data`) to let the engine find the line, or
    `line` when the check knows it directly. `message` replaces the policy's message; it must
    never contain a secret in full (see `scaffold.redact`).
    """

    message: str | None = None
    path: tuple[str | int, ...] = ()
    line: int | None = None


class Check(NamedTuple):
    """A code check contributed by a plugin, named by a policy's `check:` field.

    `function` is the callable, or a `"package.module:function"` reference imported the first
    time a document needs it: every run registers every check, and a one-file pre-commit run
    should not import the code of checks it never calls. `params_schema` is the JSON Schema
    the policy's `params` must satisfy; it is validated when policies are loaded.
    """

    name: str
    function: Callable[[Document, Mapping[str, Any]], Iterable[Violation]] | str
    params_schema: Mapping[str, Any] = _ANY_OBJECT

    def resolve(self) -> Callable[[Document, Mapping[str, Any]], Iterable[Violation]]:
        return self.function if callable(self.function) else _import_function(self.function)


class ExternalRules(NamedTuple):
    """The codes a wrapped tool reports (hadolint's `DL…`), declared so that `--select`,
    `--ignore`, inline ignores and `scaffold explain` know them."""

    prefix: str  # e.g. "DL"
    tool: str  # e.g. "hadolint"
    title: str
    url: str  # documentation of one rule; `{code}` is replaced by the code
    category: str = "maintainability"


class ToolFinding(NamedTuple):
    """One finding of a wrapped tool, in the tool's own code (`DL3008`, `SC2086`)."""

    code: str
    severity: Severity
    message: str
    path: str
    line: int | None
    equivalent: str | None = None  # the native policy that reports the same problem, if any
    category: str | None = None  # default: the category of the tool's ExternalRules


class ToolRun(NamedTuple):
    """What one run of a wrapped tool over the whole scan found."""

    tool: str
    checked: tuple[str, ...]  # the paths it looked at: a code failing in 1 of 100 scores so
    findings: tuple[ToolFinding, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. how to install a missing binary; a file it could not parse
    # Wall time of the tool's own process(es), for `scaffold check --timings`; never in a
    # report (reports are byte-identical run to run). None when the plugin did not measure it.
    seconds: float | None = None


class Resource(NamedTuple):
    """The Kubernetes-style identity of an object, used by exemptions and reports."""

    kind: str
    name: str
    namespace: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}"


class Suppression(NamedTuple):
    """An inline ignore: a comment or annotation that silences codes at some lines."""

    codes: tuple[str, ...]  # code prefixes; ("*",) is never produced: a code is mandatory
    reason: str
    line: int  # where the comment or annotation is
    applies_to: tuple[int, ...] = ()  # lines it covers; empty means the whole document
    origin: str = "comment"  # "comment" or "annotation"


class Document(NamedTuple):
    """One thing policies are evaluated against: a Dockerfile, a Kubernetes object, a container…

    `data` is the JSON-like value schema policies validate. `lines` maps paths into `data` to
    line numbers. `parsed` is a plugin's own richer object, for its code checks.
    """

    target: str
    path: str  # posix path relative to the scan root
    line: int
    data: Any
    lines: LineIndex
    subject: str | None = None  # e.g. "Deployment/web container app"
    resource: Resource | None = None
    container: str | None = None
    suppressions: tuple[Suppression, ...] = ()
    parsed: Any = None

    def locate(self, path: Iterable[str | int]) -> int:
        return self.lines.locate(self.data, path) or self.line


class LineIndex:
    """Maps a path into a JSON-like value to the line it was read from.

    Containers are keyed by identity, so a plugin can hand out any sub-object of a parsed file
    (a container inside a Deployment) and still find lines for it: no copying, no path strings.
    """

    __slots__ = ("_marks", "_resolve")

    def __init__(self, resolve: Callable[[Any, Any], int | None] | None = None) -> None:
        # An entry is a {key: line} dict, or (with `resolve`) a parser's own node, asked for
        # a key's line only when a finding needs it: most containers never are.
        self._marks: dict[int, Any] = {}
        self._resolve = resolve

    def mark(self, container: Any, key: Any, line: int) -> None:
        self._marks.setdefault(id(container), {})[key] = line

    def mark_all(self, container: Any, lines: Any) -> None:
        self._marks[id(container)] = lines

    def _line(self, container: Any, key: Any) -> int | None:
        entry = self._marks.get(id(container))
        if entry is None:
            return None
        if isinstance(entry, dict):
            return entry.get(key)
        return self._resolve(entry, key) if self._resolve else None

    def locate(self, data: Any, path: Iterable[str | int]) -> int | None:
        """The line of the deepest element of `path` that has one."""
        found = None
        node = data
        for key in path:
            line = self._line(node, key)
            if line is not None:
                found = line
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
        return found


class Finding(NamedTuple):
    """One problem at one place. `suppressed` says why it no longer counts, if it does not."""

    code: str
    severity: Severity
    category: str
    message: str
    path: str | None
    line: int | None
    subject: str | None = None
    fingerprint: str = ""
    suppressed: str | None = None  # "inline", "annotation", "exemption", "baseline"
    suppression_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.suppressed is None


class Result(NamedTuple):
    """The outcome of one policy on one document: passes are kept as well as failures.

    A large scan makes one per policy and document: the one object on the hot path.
    """

    code: str
    path: str
    subject: str | None
    passed: bool
    findings: tuple[Finding, ...] = ()


class Skipped(NamedTuple):
    """A file the walk saw but did not check, and why (never silent)."""

    path: str
    reason: str


class CategoryScore(NamedTuple):
    score: int | None  # None when nothing in the category was evaluated
    evaluated: int
    failed: int


class Score(NamedTuple):
    score: int | None
    grade: str
    categories: Mapping[str, CategoryScore]


class ControlResult(NamedTuple):
    """One control of the active profile (a CIS benchmark section, say) and how it fared."""

    control: str
    codes: tuple[str, ...]  # the codes (or prefixes) that check it
    status: str  # "pass", "fail", or "n/a" when none of its codes was evaluated
    failed: int  # active findings of those codes


class Report(NamedTuple):
    """Everything a renderer needs; rendering it twice gives the same bytes."""

    version: str
    root: str
    files: int
    documents: int
    policies: tuple[Policy, ...]
    results: tuple[Result, ...]
    findings: tuple[Finding, ...]
    score: Score
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    profile: str | None = None
    controls: tuple[ControlResult, ...] = ()  # when the profile maps controls to codes

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.active)

    def counts(self) -> dict[str, int]:
        counts = {str(s): 0 for s in sorted(Severity, reverse=True)}
        for finding in self.active_findings:
            counts[str(finding.severity)] += 1
        counts["suppressed"] = len(self.findings) - len(self.active_findings)
        return counts

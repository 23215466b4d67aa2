"""Evaluate policies against documents: a JSON Schema the document must satisfy, or a code
check. Produces raw findings (no suppression, no fingerprint yet) for each policy x document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from scaffold.models import Check, Document, Finding, Policy, Violation
from scaffold.plugins import describe_exception

FailureSink = Callable[[Document, str, str], None]  # (document, plugin, message)


def _finding(policy: Policy, document: Document, line: int | None,
             message: str | None = None) -> Finding:
    return Finding(policy.code, policy.severity, policy.category, message or policy.message,
                   document.path, line, document.subject)


def _schema_findings(policy: Policy, validator: Any, document: Document) -> list[Finding]:
    if validator.is_valid(document.data):  # the fast path: most documents pass most policies
        return []
    paths = sorted({tuple(error.instance_path) for error in validator.iter_errors(document.data)},
                   key=lambda p: [str(k) for k in p])
    lines = sorted({document.locate(path) for path in paths})
    return [_finding(policy, document, line) for line in lines]


def _check_findings(policy: Policy, check: Check, document: Document) -> list[Finding]:
    findings = []
    for violation in check.resolve()(document, policy.params):
        if not isinstance(violation, Violation):
            raise TypeError(f"check {check.name!r} yielded {type(violation).__name__}, "
                            "expected scaffold.Violation")
        line = violation.line if violation.line is not None else document.locate(violation.path)
        findings.append(_finding(policy, document, line, violation.message))
    return findings


class Evaluator:
    """Policies grouped by target once; then each document meets only the policies for it."""

    def __init__(self, policies: Iterable[Policy], validators: dict[str, Any],
                 checks: dict[str, Check], check_owners: dict[str, str]):
        self.by_target: dict[str, list[Policy]] = defaultdict(list)
        for policy in policies:
            self.by_target[policy.target].append(policy)
        self.validators = validators
        self.checks = checks
        self.check_owners = check_owners

    def evaluate(self, document: Document, on_failure: FailureSink
                 ) -> Iterator[tuple[Policy, list[Finding]]]:
        """(policy, findings) for each policy that applies to the document; [] is a pass."""
        kind = document.resource.kind if document.resource else None
        for policy in self.by_target.get(document.target, ()):
            if policy.kinds and kind not in policy.kinds:
                continue
            if policy.check is None:
                yield policy, _schema_findings(policy, self.validators[policy.code], document)
                continue
            check = self.checks[policy.check]
            try:
                yield policy, _check_findings(policy, check, document)
            except Exception as error:  # a broken check must not stop the scan
                owner = self.check_owners.get(check.name, "?")
                on_failure(document, owner,
                           f"check {check.name!r} ({policy.code}) failed: {describe_exception(error)}")

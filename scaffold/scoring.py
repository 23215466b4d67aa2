"""The 0-100 score and letter grade. The formula is explained in docs/scoring.md.

Each failing policy multiplies the score by (1 - weight x (1/2 + share/2)), where `share` is
the fraction of the documents it checked that fail it. Passing policies multiply by 1, so
adding checks that pass cannot raise a score; and the 1/2 floor means one error in a repo of
ten thousand documents still costs at least half its weight.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from scaffold.models import CATEGORIES, CategoryScore, Finding, Policy, Result, Score, Severity

WEIGHTS = {Severity.ERROR: 0.25, Severity.WARNING: 0.10, Severity.INFO: 0.02}
GRADES = ((97, "A+"), (90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))


def grade(score: int | None) -> str:
    if score is None:
        return "n/a"
    return next(letter for floor, letter in GRADES if score >= floor)


def _percent(factor: float) -> int:
    # The epsilon keeps 100 x 0.9 from flooring to 89 through float error.
    return math.floor(100 * factor + 1e-9)


class _Tally:
    def __init__(self, category: str, severity: Severity) -> None:
        self.category = category
        self.severity = severity
        self.evaluated = 0
        self.failed = 0


def _tally(results: Iterable[Result], findings: Iterable[Finding],
           policies: Mapping[str, Policy]) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    for result in results:
        tally = tallies.get(result.code)
        if tally is None:
            policy = policies[result.code]
            tally = tallies[result.code] = _Tally(policy.category, policy.severity)
        tally.evaluated += 1
        tally.failed += not result.passed and any(f.active for f in result.findings)
    for finding in findings:
        if not finding.active or finding.code in tallies and tallies[finding.code].evaluated:
            continue
        # A finding with no result (engine notices, external tools) fails its code outright.
        tally = tallies.setdefault(finding.code, _Tally(finding.category, finding.severity))
        tally.severity = max(tally.severity, finding.severity)
        tally.failed = 1
    return tallies


def score(results: Iterable[Result], findings: Iterable[Finding],
          policies: Mapping[str, Policy]) -> Score:
    """Score the active findings against every evaluated policy (`policies` by code, with
    the severities in force)."""
    factors = dict.fromkeys(CATEGORIES, 1.0)
    evaluated = dict.fromkeys(CATEGORIES, 0)
    failed = dict.fromkeys(CATEGORIES, 0)
    for tally in _tally(results, findings, policies).values():
        checked = max(tally.evaluated, tally.failed)
        evaluated[tally.category] += checked
        if tally.failed:
            failed[tally.category] += tally.failed
            share = tally.failed / checked
            factors[tally.category] *= 1 - WEIGHTS[tally.severity] * (0.5 + share / 2)
    categories = {
        name: CategoryScore(_percent(factors[name]) if evaluated[name] else None,
                            evaluated[name], failed[name])
        for name in CATEGORIES
    }
    if not any(evaluated.values()):
        return Score(None, grade(None), categories)
    overall = _percent(math.prod(factors.values()))
    return Score(overall, grade(overall), categories)

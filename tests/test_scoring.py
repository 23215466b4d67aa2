"""The score: passes cannot dilute it, one error stays visible in a big tree."""

from __future__ import annotations

from scaffold.models import Finding, Policy, Result, Severity
from scaffold.scoring import grade, score


def _policy(code: str, severity: Severity, category: str = "security") -> Policy:
    return Policy(code, code.lower(), "t", category, severity, "kubernetes.object", "m",
                  "rationale", "remediation", (), "x.yaml", schema={})


def _results(code: str, passed: int, failed: int, severity=Severity.ERROR, category="security"):
    finding = Finding(code, severity, category, "m", "f.yaml", 1)
    return ([Result(code, f"p{i}.yaml", None, True) for i in range(passed)]
            + [Result(code, f"f{i}.yaml", None, False, (finding,)) for i in range(failed)])


def _score(*groups, policies):
    results = [r for group in groups for r in group]
    findings = [f for r in results for f in r.findings]
    return score(results, findings, {p.code: p for p in policies})


def test_all_passing_is_100_and_nothing_evaluated_is_none() -> None:
    p = _policy("KUBE001", Severity.ERROR)
    assert _score(_results("KUBE001", 10, 0), policies=[p]).score == 100
    empty = score([], [], {})
    assert empty.score is None and empty.grade == "n/a"
    assert empty.categories["security"].score is None


def test_one_error_in_ten_thousand_documents_stays_visible() -> None:
    p = _policy("KUBE001", Severity.ERROR)
    result = _score(_results("KUBE001", 9_999, 1), policies=[p])
    assert result.score == 87 and result.grade == "B"  # never rounds back up to an A


def test_adding_passing_checks_cannot_raise_the_score() -> None:
    failing = _policy("KUBE001", Severity.WARNING)
    extra = [_policy(f"KUBE{n:03d}", Severity.ERROR) for n in range(2, 40)]
    base = _score(_results("KUBE001", 0, 3, Severity.WARNING), policies=[failing])
    padded = _score(_results("KUBE001", 0, 3, Severity.WARNING),
                    *(_results(p.code, 50, 0) for p in extra), policies=[failing, *extra])
    assert base.score == padded.score == 90


def test_more_failures_of_one_policy_cost_more_up_to_its_weight() -> None:
    p = _policy("KUBE001", Severity.ERROR)
    few = _score(_results("KUBE001", 9, 1), policies=[p]).score
    all_ = _score(_results("KUBE001", 0, 10), policies=[p]).score
    assert few > all_ == 75


def test_suppressed_findings_leave_the_score() -> None:
    p = _policy("KUBE001", Severity.ERROR)
    finding = Finding("KUBE001", Severity.ERROR, "security", "m", "f", 1, suppressed="inline")
    result = score([Result("KUBE001", "f", None, False, (finding,))], [finding], {"KUBE001": p})
    assert result.score == 100


def test_categories_are_scored_apart() -> None:
    sec = _policy("KUBE001", Severity.ERROR, "security")
    rel = _policy("KUBE002", Severity.WARNING, "reliability")
    result = _score(_results("KUBE001", 0, 1), _results("KUBE002", 1, 0, category="reliability"),
                    policies=[sec, rel])
    assert result.categories["security"].score == 75
    assert result.categories["reliability"].score == 100
    assert result.categories["efficiency"].score is None


def test_grades() -> None:
    assert [grade(s) for s in (100, 97, 96, 90, 89, 80, 70, 60, 59, 0)] == \
        ["A+", "A+", "A", "A", "B", "B", "C", "D", "F", "F"]

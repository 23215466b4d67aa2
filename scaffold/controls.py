"""Per-control results for profiles that map controls (a CIS benchmark section) to codes."""

from __future__ import annotations

import re

from scaffold.models import ControlResult, Finding, Result
from scaffold.policies import Profile
from scaffold.suppressions import matches


def _natural(text: str) -> list:
    """`4.2` before `4.10`: control ids sort by their numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", text) if part]


def control_results(profile: Profile | None, results: list[Result],
                    findings: list[Finding]) -> tuple[ControlResult, ...]:
    """One result per control of the profile, when it maps controls to codes."""
    if profile is None or not profile.controls:
        return ()
    evaluated = {result.code for result in results}
    controls = []
    for control in sorted(profile.controls, key=_natural):
        codes = profile.controls[control]
        failed = sum(1 for f in findings if f.active and matches(codes, f.code))
        checked = any(matches(codes, code) for code in evaluated)
        status = "fail" if failed else ("pass" if checked else "n/a")
        controls.append(ControlResult(control, codes, status, failed))
    return tuple(controls)

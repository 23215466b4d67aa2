"""The Dockerfile and .dockerignore policy pack as a whole: size, profile, cost."""

from __future__ import annotations

import time

from test_real_world import MAIN

from scaffold import Document, LineIndex
from scaffold.registry import Registry
from scaffold_plugins.dockerfile import _data, check_table
from scaffold_plugins.dockerfile.parser import parse

REGISTRY = Registry.load()
PACK = [p for p in REGISTRY.policies() if p.target in ("dockerfile", "dockerignore")]
OWN_CHECKS = {check.name for check in check_table.CHECKS}


def test_the_pack_has_at_least_45_dockerfile_policies_with_references() -> None:
    dockerfile = [p for p in PACK if p.target == "dockerfile"]
    assert len(dockerfile) >= 45
    assert {p.code[:2] for p in PACK} == {"DF", "DI"}
    for policy in PACK:
        assert policy.references, policy.code
        assert policy.check is None or policy.check in OWN_CHECKS, policy.code


def test_cis_profile_maps_controls_to_selected_policies() -> None:
    profile = REGISTRY.profile("cis-docker")
    codes = {p.code for p in REGISTRY.policies()}
    assert profile.controls and all(c.startswith("4.") for c in profile.controls)
    for control, mapped in profile.controls.items():
        assert mapped, control
        for code in mapped:
            assert code in codes and code in profile.select, (control, code)


def test_checking_a_dockerfile_costs_about_a_millisecond() -> None:
    policies = [p for p in PACK if p.target == "dockerfile" and p.check]
    rounds = 100
    started = time.perf_counter()
    for _ in range(rounds):
        dockerfile = parse(MAIN)
        lines = LineIndex()
        data = _data(dockerfile, lines)
        data["dockerignore"] = {"path": None, "present": False}
        document = Document("dockerfile", "Dockerfile", 1, data, lines, parsed=dockerfile)
        for policy in policies:
            list(REGISTRY.checks[policy.check].resolve()(document, policy.params))
    per_file = (time.perf_counter() - started) / rounds
    assert per_file < 0.02, f"{per_file * 1000:.1f} ms per Dockerfile"  # ~1.5 ms measured

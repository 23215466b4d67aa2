"""Every policy fails its failing fixtures and passes its passing ones (Polaris-style), and
the examples embedded in each policy file (shown by `scaffold explain`) tell the truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, codes, scan
from scaffold.registry import Registry

FIXTURES = REPO / "tests" / "policies"

# Policies whose failing case needs a broken plugin, which a fixture file cannot be: the test
# named here exercises them instead, and the meta-test checks that it exists.
TESTED_ELSEWHERE = {
    "CORE003": "tests/test_plugins.py::test_plugin_raising_in_parse_is_reported_and_scan_goes_on",
    # A values file beside a chart and its schema: more than one embedded example can be.
    "HELM005": "tests/helm/test_helm_values.py::"
               "test_environment_file_breaking_the_schema_is_reported_at_its_line",
    # Needs a PATH without helm, and no Helm SDK.
    "HELM008": "tests/helm/test_helm_chart.py::"
               "test_without_helm_each_chart_gets_one_not_rendered_finding",
    # Needs a PATH without kubectl and kustomize.
    "KUST002": "tests/kustomize/test_kustomize.py::"
               "test_without_kustomize_the_files_are_checked_and_it_is_said_once",
}

# The wrapped tools have their own tests (tests/tools); here they would only cost a process per
# fixture, and their findings are not what these tests are about.
WITHOUT_TOOLS = ("hadolint", "shellcheck", "checkov")

REGISTRY = Registry.load()
POLICIES = {policy.code: policy for policy in REGISTRY.policies()}


def _fixtures() -> list[tuple[str, Path]]:
    found = []
    for directory in sorted(FIXTURES.iterdir()):
        for path in sorted(directory.iterdir()):
            if path.name.startswith(("pass", "fail")):
                found.append((directory.name, path))
    return found


def _scan_fixture(path: Path):
    config = path / ".scaffold.yaml"
    return scan(path, config=config if config.is_file() else None, disabled=WITHOUT_TOOLS)


@pytest.mark.parametrize("code,path", _fixtures(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_fixture(code: str, path: Path) -> None:
    assert code in POLICIES, f"fixture folder {code} names no policy"
    found = codes(_scan_fixture(path))
    if path.name.startswith("fail"):
        assert code in found, f"{path} should fail {code}; found {found}"
    else:
        assert code not in found, f"{path} should pass {code}; found {found}"


EXAMPLES = [(code, outcome) for code, policy in sorted(POLICIES.items())
            for outcome in sorted(policy.examples)]


@pytest.mark.parametrize("code,outcome", EXAMPLES)
def test_embedded_example(code: str, outcome: str, tmp_path: Path) -> None:
    policy = POLICIES[code]
    filename = REGISTRY.targets[policy.target].example_filename
    (tmp_path / filename).write_text(policy.examples[outcome], encoding="utf-8")
    found = codes(scan(tmp_path, disabled=WITHOUT_TOOLS))
    assert (code in found) == (outcome == "fail"), f"{code} {outcome} example: found {found}"


@pytest.mark.parametrize("code", sorted(POLICIES))
def test_every_policy_has_passing_and_failing_fixtures(code: str) -> None:
    if code in TESTED_ELSEWHERE:
        module, name = TESTED_ELSEWHERE[code].split("::")
        assert f"def {name}(" in (REPO / module).read_text("utf-8")
        return
    names = [p.name for p in (FIXTURES / code).iterdir()] if (FIXTURES / code).is_dir() else []
    assert any(n.startswith("pass") for n in names), f"{code} has no tests/policies/{code}/pass*"
    assert any(n.startswith("fail") for n in names), f"{code} has no tests/policies/{code}/fail*"


@pytest.mark.parametrize("code", sorted(POLICIES))
def test_builtin_policies_have_examples(code: str) -> None:
    policy = POLICIES[code]
    if code in TESTED_ELSEWHERE or policy.target == "file" and code in ("CORE005",):
        return
    assert policy.examples.get("pass") and policy.examples.get("fail"), \
        f"{policy.source}: built-in policies need a pass and a fail example for `explain`"

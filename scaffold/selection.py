"""Which codes run, at which severity, with which params: profile, then select, then ignore,
then overrides. One `CodeFilter` decides for policies and for wrapped tools' codes alike.
Selectors that match no code are errors, as in ruff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from scaffold.errors import ConfigError, UsageError
from scaffold.models import Policy, Severity
from scaffold.registry import Registry, effective_severity
from scaffold.suppressions import matches

ALWAYS_ON_PREFIX = "CORE"  # parse errors are reported whatever --select says (ignore can drop them)


class Selection(NamedTuple):
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    profile: str | None = None
    severity: Mapping[str, str] | None = None
    params: Mapping[str, Mapping] | None = None
    settings: Mapping[str, object] | None = None  # params shared by every policy taking them
    source: str = "configuration"  # where select/ignore/params came from, for messages


class CodeFilter(NamedTuple):
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    profile_select: tuple[str, ...] = ()
    profile_categories: tuple[str, ...] = ()
    severities: Mapping[str, str] = {}  # shared default: never mutated

    def allows(self, code: str, category: str) -> bool:
        if matches(self.ignore, code):
            return False
        if code.startswith(ALWAYS_ON_PREFIX):
            return True
        if self.profile_select and not matches(self.profile_select, code):
            return False
        if self.profile_categories and category not in self.profile_categories:
            return False
        return self.select is None or matches(self.select, code)

    def severity(self, code: str, default: Severity) -> Severity:
        return effective_severity(code, default, self.severities)


def _check_selectors(selectors: tuple[str, ...], registry: Registry, field_name: str) -> None:
    codes = [policy.code for policy in registry.policies()]
    prefixes = list(registry.external)
    for selector in selectors:
        known = any(code.startswith(selector) for code in codes) or any(
            selector.startswith(prefix) or prefix.startswith(selector) for prefix in prefixes)
        if not known:
            raise UsageError(f"{field_name}: {selector!r} matches no policy code")


def code_filter(registry: Registry, selection: Selection) -> CodeFilter:
    _check_selectors(selection.select or (), registry, "select")
    _check_selectors(selection.ignore, registry, "ignore")
    profile = registry.profile(selection.profile) if selection.profile else None
    return CodeFilter(
        select=selection.select, ignore=selection.ignore,
        profile_select=profile.select if profile else (),
        profile_categories=profile.categories if profile else (),
        severities={**(profile.severity if profile else {}), **(selection.severity or {})},
    )


def select_policies(registry: Registry, selection: Selection,
                    codes: CodeFilter | None = None) -> tuple[Policy, ...]:
    """The policies in force, with the severities and params in force."""
    codes = codes or code_filter(registry, selection)
    chosen = []
    for policy in registry.policies():
        if not codes.allows(policy.code, policy.category):
            continue
        severity = codes.severity(policy.code, policy.severity)
        chosen.append(policy._replace(severity=severity) if severity != policy.severity
                      else policy)
    return tuple(_apply_params(registry, chosen, selection))


def _apply_params(registry: Registry, policies: list[Policy], selection: Selection) -> list[Policy]:
    params = selection.params or {}
    known = {policy.code for policy in registry.policies()}
    for code in params:
        if code not in known:
            raise ConfigError(f"params.{code}: no such policy", path=selection.source)
    chosen = []
    for policy in policies:
        given = {**_shared(registry, policy, selection.settings or {}), **params.get(policy.code, {})}
        chosen.append(registry.with_params(policy, given, selection.source) if given else policy)
    return chosen


def _shared(registry: Registry, policy: Policy, settings: Mapping[str, object]) -> dict:
    """The shared settings this policy's check declares as params."""
    if policy.check is None or not settings:
        return {}
    declared = registry.checks[policy.check].params_schema.get("properties", {})
    return {key: value for key, value in settings.items() if key in declared}

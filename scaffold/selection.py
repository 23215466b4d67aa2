"""Which policies run, at which severity, with which params: profile, then select, then
ignore, then overrides. Selectors that match no policy are errors, as in ruff."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from scaffold.errors import ConfigError, UsageError
from scaffold.models import Policy
from scaffold.registry import Registry, effective_severity
from scaffold.suppressions import matches

ALWAYS_ON_PREFIX = "CORE"  # parse errors are reported whatever --select says (ignore can drop them)


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    profile: str | None = None
    severity: Mapping[str, str] | None = None
    params: Mapping[str, Mapping] | None = None
    source: str = "configuration"  # where select/ignore/params came from, for messages


def _check_selectors(selectors: tuple[str, ...], codes: list[str], field: str, extra: set[str],
                     error: type) -> None:
    for selector in selectors:
        if not any(code.startswith(selector) for code in codes) and selector not in extra:
            raise error(f"{field}: {selector!r} matches no policy code")


def select_policies(registry: Registry, selection: Selection,
                    external_codes: set[str] = frozenset()) -> tuple[Policy, ...]:
    """The policies in force. `external_codes` are codes of wrapped tools, also selectable."""
    all_codes = [policy.code for policy in registry.policies()]
    _check_selectors(selection.select or (), all_codes, "select", external_codes, UsageError)
    _check_selectors(selection.ignore, all_codes, "ignore", external_codes, UsageError)
    profile = registry.profile(selection.profile) if selection.profile else None
    overrides = {**(profile.severity if profile else {}), **(selection.severity or {})}
    chosen = []
    for policy in registry.policies():
        always = policy.code.startswith(ALWAYS_ON_PREFIX)
        if profile and not always:
            if profile.select and not matches(profile.select, policy.code):
                continue
            if profile.categories and policy.category not in profile.categories:
                continue
        if selection.select is not None and not always and not matches(selection.select,
                                                                        policy.code):
            continue
        if matches(selection.ignore, policy.code):
            continue
        severity = effective_severity(policy.code, policy.severity, overrides)
        chosen.append(replace(policy, severity=severity) if severity != policy.severity
                      else policy)
    return tuple(_apply_params(registry, chosen, selection))


def _apply_params(registry: Registry, policies: list[Policy], selection: Selection) -> list[Policy]:
    params = selection.params or {}
    known = {policy.code for policy in registry.policies()}
    for code in params:
        if code not in known:
            raise ConfigError(f"params.{code}: no such policy", path=selection.source)
    return [registry.with_params(p, params[p.code], selection.source) if p.code in params else p
            for p in policies]

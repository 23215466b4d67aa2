"""Everything the plugins contribute, gathered and validated once, before any file is read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import ConfigError, PluginError, PolicyError, UsageError
from scaffold.models import Check, ExternalRules, Policy, Severity, Target
from scaffold.plugins import PluginHost
from scaffold.policies import PolicySet, PolicyValidator, Profile, load_policy_set
from scaffold.reports import ReportFormat

# The engine's own policies (parse errors, bad suppressions...) target plain files and are
# emitted by the engine itself; these entries let them pass the same validation as any other.
FILE_TARGET = Target("file", "Any file a plugin claimed", "manifest.yaml")
ENGINE_CHECKS = ("core.parse-error", "core.invalid-suppression", "core.plugin-error",
                 "core.unknown-suppressed-code", "core.exemption-expired")


def _never_called(document: Any, params: Mapping[str, Any]) -> Iterable[Any]:
    return ()


def core_policy_dir() -> Path:
    from scaffold_policies import POLICY_ROOT

    return POLICY_ROOT / "core"


def _external_rules(entries: list[tuple[str, ExternalRules]],
                    policy_set: PolicySet) -> dict[str, ExternalRules]:
    """prefix -> rules; a prefix may not shadow native codes, or select/ignore would be
    ambiguous."""
    rules = {}
    for plugin, entry in entries:
        clash = next((p.code for p in policy_set.policies if p.code.startswith(entry.prefix)), None)
        if clash or entry.prefix in rules:
            other = clash or f"{rules[entry.prefix].tool}'s codes"
            raise PluginError(f"plugin {plugin!r} declares the code prefix {entry.prefix!r}, "
                              f"which {other} already uses")
        rules[entry.prefix] = entry
    return rules


def _unique(kind: str, entries: list[tuple[str, Any]]) -> dict[str, Any]:
    """name -> entry, refusing two plugins that contribute the same name."""
    found: dict[str, tuple[str, Any]] = {}
    for plugin, entry in entries:
        if entry.name in found:
            raise PluginError(f"{kind} {entry.name!r} is contributed by both plugin "
                              f"{found[entry.name][0]!r} and plugin {plugin!r}")
        found[entry.name] = (plugin, entry)
    return {name: entry for name, (_, entry) in found.items()}


@dataclass
class Registry:
    host: PluginHost
    targets: dict[str, Target]
    checks: dict[str, Check]
    check_owners: dict[str, str]  # check name -> plugin name, for failure messages
    formats: dict[str, ReportFormat]
    policy_set: PolicySet
    external: dict[str, ExternalRules] = field(default_factory=dict)  # prefix -> wrapped tool
    validators: dict[str, Any] = field(default_factory=dict)  # code -> compiled schema

    @classmethod
    def load(cls, disabled: Iterable[str] = (), extra_policy_dirs: Iterable[Path] = (),
             extra_plugins: dict[str, Any] | None = None, use_entry_points: bool = True
             ) -> Registry:
        host = PluginHost(disabled, extra_plugins, use_entry_points)
        targets = _unique("target", [("scaffold", FILE_TARGET), *host.targets()])
        check_entries = [("scaffold", Check(n, _never_called)) for n in ENGINE_CHECKS]
        check_entries += host.checks()
        checks = _unique("check", check_entries)
        owners = {entry.name: plugin for plugin, entry in check_entries}
        formats = _unique("report format", host.report_formats())
        directories = [core_policy_dir(), *(Path(d) for _, d in host.policy_dirs()),
                       *extra_policy_dirs]
        policy_set = load_policy_set(directories)
        external = _external_rules(host.external_rules(), policy_set)
        registry = cls(host, targets, checks, owners, formats, policy_set, external)
        registry.validators = registry._validate(policy_set.policies)
        return registry

    def external_rules_for(self, code: str) -> ExternalRules | None:
        return next((rules for prefix, rules in self.external.items()
                     if code.startswith(prefix)), None)

    def _validate(self, policies: Iterable[Policy]) -> dict[str, Any]:
        checker = PolicyValidator(self.targets, self.checks)
        return {policy.code: checker.validate(policy) for policy in policies}

    def policies(self) -> tuple[Policy, ...]:
        return self.policy_set.policies

    def profile(self, name: str) -> Profile:
        try:
            return self.policy_set.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.policy_set.profiles)) or "none"
            raise UsageError(f"unknown profile {name!r} (known: {known})") from None

    def with_params(self, policy: Policy, params: Mapping[str, Any], source: str) -> Policy:
        """The policy with its params replaced from the config, validated like the file's."""
        if policy.check is None:
            raise ConfigError(f"params.{policy.code}: {policy.code} is a schema policy and "
                              "takes no params", path=source)
        changed = policy._replace(params={**policy.params, **params})
        try:
            PolicyValidator(self.targets, self.checks).validate(changed)
        except PolicyError as error:
            raise ConfigError(f"params.{policy.code}: {error.message}", path=source) from None
        return changed


def effective_severity(code: str, default: Severity, overrides: Mapping[str, str]) -> Severity:
    """The override with the longest matching prefix wins."""
    best = max((prefix for prefix in overrides if code.startswith(prefix)), key=len, default=None)
    return Severity.parse(overrides[best]) if best else default

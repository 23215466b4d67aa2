"""Code checks for RBAC Roles and ClusterRoles: what each rule grants, read with the API
server's own matching (a `*` verb, group or resource grants everything of its kind; `*/exec`
grants the `exec` subresource of every resource).

A rule is reported on its own line (the path into `rules`). Rules of an aggregated ClusterRole
(`aggregationRule`) are not its own: the controller overwrites them with the aggregated ones.
`nonResourceURLs` rules (`/healthz`, `/metrics`) grant no access to resources and are skipped.
Bindings are checked by schema policies (their subjects and roleRef are plain values).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from scaffold import Document, Violation

WILDCARD = "*"


class Wanted(NamedTuple):
    """A resource as the policies name it: `secrets`, `pods/exec`, `deployments.apps`."""

    group: str
    resource: str  # with its subresource, if any: `pods/exec`

    @classmethod
    def parse(cls, text: str) -> Wanted:
        resource, _, group = text.partition(".")
        return cls(group, resource)

    @property
    def subresource(self) -> str:
        return self.resource.partition("/")[2]

    def __str__(self) -> str:
        return f"{self.resource}.{self.group}" if self.group else self.resource


def _strings(rule: dict, field: str) -> list[str]:
    values = rule.get(field)
    return [str(v) for v in values] if isinstance(values, list) else []


def resource_rules(data: dict) -> Iterator[tuple[int, dict]]:
    """(index, rule) of every rule of a Role or ClusterRole that grants access to resources."""
    if data.get("aggregationRule") is not None:
        return
    rules = data.get("rules")
    if not isinstance(rules, list):
        return
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        if rule.get("nonResourceURLs") and not rule.get("resources"):
            continue
        yield index, rule


def _resource_matches(rule_resources: list[str], wanted: Wanted) -> bool:
    subresource = wanted.subresource
    for granted in rule_resources:
        if granted in (WILDCARD, wanted.resource):
            return True
        if subresource and granted == f"*/{subresource}":
            return True
    return False


def grants(rule: dict, verbs: list[str], wanted: list[Wanted]) -> tuple[list[str], list[Wanted]]:
    """(the verbs, the resources) of those asked for that the rule grants; empty when none."""
    rule_verbs = _strings(rule, "verbs")
    granted_verbs = verbs if WILDCARD in rule_verbs else [v for v in verbs if v in rule_verbs]
    groups = _strings(rule, "apiGroups")
    resources = _strings(rule, "resources")
    granted = [w for w in wanted if (WILDCARD in groups or w.group in groups)
               and _resource_matches(resources, w)]
    if not granted_verbs or not granted:
        return [], []
    return granted_verbs, granted


def _through_wildcards(rule: dict) -> str:
    fields = [f for f in ("verbs", "apiGroups", "resources") if WILDCARD in _strings(rule, f)]
    return f" (through `*` in {', '.join(fields)})" if fields else ""


def rule_grants(document: Document, params: Mapping) -> Iterator[Violation]:
    """Rules that grant any of `params.verbs` on any of `params.resources`.

    `params.what` says what that amounts to (`read Secrets`); with `params.unless_named`, a
    rule limited to named objects (`resourceNames`) is taken as deliberate and passes.
    """
    verbs = list(params["verbs"])
    wanted = [Wanted.parse(r) for r in params["resources"]]
    what = params.get("what")
    for index, rule in resource_rules(document.data):
        if params.get("unless_named") and rule.get("resourceNames"):
            continue
        granted_verbs, granted = grants(rule, verbs, wanted)
        if not granted:
            continue
        shown = ", ".join(str(w) for w in granted[:4]) + (", …" if len(granted) > 4 else "")
        lead = f"rules[{index}] can {what}: it grants" if what else f"rules[{index}] grants"
        yield Violation(f"{lead} {', '.join(granted_verbs)} on {shown}"
                        f"{_through_wildcards(rule)}.", path=("rules", index))


def wildcards(document: Document, params: Mapping) -> Iterator[Violation]:
    """Rules with `*` in apiGroups, resources or verbs."""
    for index, rule in resource_rules(document.data):
        fields = [f for f in ("apiGroups", "resources", "verbs") if WILDCARD in _strings(rule, f)]
        if fields:
            yield Violation(f"rules[{index}] uses `*` in {', '.join(fields)}: it grants "
                            "everything of that kind, including what later API versions and "
                            "CRDs add.", path=("rules", index))


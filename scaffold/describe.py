"""Text about policies, profiles and plugins, for `scaffold policies | explain | plugins`.

Kept apart from the CLI so the generated docs use the very same words.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable

from scaffold.models import ExternalRules, Policy
from scaffold.plugins import PluginInfo
from scaffold.policies import Profile


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
             .rstrip()
             for row in [header, [("-" * w) for w in widths], *rows]]
    return "\n".join(lines) + "\n"


def policy_dict(policy: Policy) -> dict:
    return {
        "code": policy.code, "name": policy.name, "title": policy.title,
        "category": policy.category, "severity": str(policy.severity), "target": policy.target,
        "kinds": list(policy.kinds), "check": policy.check or "schema",
        "references": list(policy.references), "since": policy.since,
    }


def profile_dict(profile: Profile) -> dict:
    return {"name": profile.name, "title": profile.title, "description": profile.description,
            "select": list(profile.select), "categories": list(profile.categories)}


def policies_table(policies: Iterable[Policy], profiles: Iterable[Profile],
                   external: Iterable[ExternalRules] = ()) -> str:
    rows = [[p.code, p.name, str(p.severity), p.category, p.target] for p in policies]
    text = _table(rows, ["CODE", "NAME", "SEVERITY", "CATEGORY", "TARGET"])
    profiles = list(profiles)
    if profiles:
        text += "\nProfiles (--profile NAME):\n"
        text += _table([[p.name, p.title] for p in profiles], ["PROFILE", "TITLE"])
    external = list(external)
    if external:
        text += "\nWrapped tools (their codes select, ignore and explain like ours):\n"
        text += _table([[f"{r.prefix}…", r.tool, r.title] for r in external],
                       ["CODES", "TOOL", "TITLE"])
    return text


def policies_json(policies: Iterable[Policy], profiles: Iterable[Profile],
                  external: Iterable[ExternalRules] = ()) -> str:
    document = {"policies": [policy_dict(p) for p in policies],
                "profiles": [profile_dict(p) for p in profiles],
                "external": [{"prefix": r.prefix, "tool": r.tool, "title": r.title,
                              "url": r.url, "category": r.category} for r in external]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def explain_external(code: str, rules: ExternalRules) -> str:
    """A wrapped tool's code: who reports it and where its documentation is."""
    return "\n".join([
        f"{code}: a {rules.tool} rule ({rules.title})",
        "",
        f"Documentation: {rules.url.format(code=code)}",
        f"Reported by the {rules.tool!r} plugin; category {rules.category}. When a native "
        "policy reports the same problem, scaffold shows only the native finding.",
        "",
        f"Silence one occurrence with a comment: # scaffold: ignore={code} -- reason",
    ]) + "\n"


def _indent(text: str) -> str:
    return textwrap.indent(text.rstrip("\n"), "    ")


def explain(policy: Policy) -> str:
    """The full story of one policy: what, why, how to fix, and an example of each outcome."""
    parts = [
        f"{policy.code} {policy.name}: {policy.title}",
        "",
        f"Severity: {policy.severity}    Category: {policy.category}    Target: {policy.target}"
        + (f" ({', '.join(policy.kinds)})" if policy.kinds else ""),
        f"Message: {policy.message}",
        "",
        "Why it matters:",
        textwrap.fill(policy.rationale, 96, initial_indent="  ", subsequent_indent="  "),
        "",
        "How to fix:",
        textwrap.fill(policy.remediation, 96, initial_indent="  ", subsequent_indent="  "),
    ]
    if "fail" in policy.examples:
        parts += ["", "Fails:", _indent(policy.examples["fail"])]
    if "pass" in policy.examples:
        parts += ["", "Passes:", _indent(policy.examples["pass"])]
    if policy.references:
        parts += ["", "References:", *(f"  {ref}" for ref in policy.references)]
    parts += ["", f"Silence one occurrence with a comment: # scaffold: ignore={policy.code} -- reason"]
    return "\n".join(parts) + "\n"


def plugins_table(infos: Iterable[PluginInfo]) -> str:
    rows = [[i.name, i.version or "-", i.status, i.module, ", ".join(
        h.removeprefix("scaffold_") for h in i.hooks) or "-"] for i in infos]
    text = _table(rows, ["PLUGIN", "VERSION", "STATUS", "MODULE", "HOOKS"])
    errors = [i.error for i in infos if i.error]
    return text + "".join(f"\n{error}" for error in errors) + ("\n" if errors else "")


def plugins_json(infos: Iterable[PluginInfo]) -> str:
    document = [{"name": i.name, "version": i.version, "status": i.status, "module": i.module,
                 "hooks": list(i.hooks), "error": i.error} for i in infos]
    return json.dumps(document, indent=2) + "\n"

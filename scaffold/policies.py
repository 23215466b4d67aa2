"""Load policy and profile files, and validate them before any file is read.

A policy is one YAML file; a profile is one YAML file in a `profiles/` folder beside them.
Every error names the file, the line and the field, and stops the run (exit 2): a policy that
would silently never fire is worse than no policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema_rs

from scaffold.cache import cached, files_key
from scaffold.errors import ParseError, PolicyError
from scaffold.models import Check, Policy, Severity, Target
from scaffold.schemacheck import schema_errors
from scaffold.yamlfile import load_documents

_POLICY_HINTS = {
    "oneOf": "a policy needs exactly one of `schema` (a JSON Schema) or `check` (a code check,"
             " with optional `params`)",
}


class Profile(NamedTuple):
    name: str
    title: str
    description: str
    source: str
    select: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    severity: Mapping[str, str] = {}  # shared default: never mutated
    controls: Mapping[str, tuple[str, ...]] = {}  # shared default: never mutated


class PolicySet(NamedTuple):
    policies: tuple[Policy, ...]  # sorted by code
    profiles: Mapping[str, Profile]

    def by_code(self) -> dict[str, Policy]:
        return {policy.code: policy for policy in self.policies}


def _read_one(path: Path, label: str) -> tuple[Any, Any]:
    try:
        text = path.read_text("utf-8")
        documents = load_documents(text)
    except OSError as error:
        raise PolicyError(f"cannot read {label} file: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError:
        raise PolicyError(f"{label} file is not UTF-8 text", path=str(path)) from None
    except ParseError as error:
        raise PolicyError(error.message, path=str(path), line=error.line) from None
    if len(documents) != 1 or not isinstance(documents[0].data, dict):
        raise PolicyError(f"a {label} file holds exactly one YAML mapping", path=str(path))
    return documents[0].data, documents[0]


def _fail_on_schema(schema: str, data: Any, document: Any, path: Path, hints=None) -> None:
    errors = schema_errors(schema, data, document.lines, hints)
    if errors:
        line, message = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise PolicyError(message + more, path=str(path), line=line or document.line)


def load_policy(path: Path) -> Policy:
    data, document = _read_one(path, "policy")
    _fail_on_schema("policy.schema.json", data, document, path, _POLICY_HINTS)
    return Policy(
        code=data["code"], name=data["name"], title=data["title"], category=data["category"],
        severity=Severity.parse(data["severity"]), target=data["target"],
        message=data["message"].strip(), rationale=data["rationale"].strip(),
        remediation=data["remediation"].strip(), references=tuple(data.get("references", ())),
        source=str(path), schema=data.get("schema"), check=data.get("check"),
        params=data.get("params", {}), kinds=tuple(data.get("kinds", ())),
        examples=data.get("examples", {}), since=data.get("since", "0.1.0"),
    )


def load_profile(path: Path) -> Profile:
    data, document = _read_one(path, "profile")
    _fail_on_schema("profile.schema.json", data, document, path)
    return Profile(
        name=data["name"], title=data["title"], description=data["description"].strip(),
        source=str(path), select=tuple(data.get("select", ())),
        categories=tuple(data.get("categories", ())), severity=data.get("severity", {}),
        controls={k: tuple(v) for k, v in data.get("controls", {}).items()},
    )


def _policy_files(directory: Path) -> Iterable[Path]:
    if not directory.is_dir():
        raise PolicyError("policy directory does not exist", path=str(directory))
    for path in sorted(directory.rglob("*.y*ml")):
        if path.suffix in (".yaml", ".yml") and "profiles" not in path.relative_to(directory).parts:
            yield path


def _profile_files(directory: Path) -> Iterable[Path]:
    profiles = directory / "profiles"
    return sorted(p for p in profiles.glob("*.y*ml") if p.suffix in (".yaml", ".yml")) \
        if profiles.is_dir() else ()


class PolicyValidator:
    """Checks what the meta-schema cannot: targets and checks exist, params fit, codes unique."""

    def __init__(self, targets: Mapping[str, Target], checks: Mapping[str, Check]):
        self.targets = targets
        self.checks = checks

    def validate(self, policy: Policy) -> Any:
        """Returns the compiled validator for a schema policy (None for a code check)."""
        if policy.target not in self.targets:
            known = ", ".join(sorted(self.targets)) or "none"
            raise PolicyError(f"target: unknown target {policy.target!r} (known: {known})",
                              path=policy.source)
        if policy.check is not None:
            self._validate_check(policy)
            return None
        try:
            return jsonschema_rs.validator_for(policy.schema)
        except (jsonschema_rs.ValidationError, ValueError) as error:
            first = str(error).splitlines()[0]
            raise PolicyError(f"schema: not a valid JSON Schema: {first}",
                              path=policy.source) from None

    def _validate_check(self, policy: Policy) -> None:
        check = self.checks.get(policy.check or "")
        if check is None:
            known = ", ".join(sorted(self.checks)) or "none"
            raise PolicyError(f"check: no plugin provides check {policy.check!r} (known: {known})",
                              path=policy.source)
        validator = jsonschema_rs.validator_for(check.params_schema)
        for error in validator.iter_errors(dict(policy.params)):
            where = ".".join(str(p) for p in error.instance_path)
            raise PolicyError(f"params{'.' + where if where else ''}: {error.message}",
                              path=policy.source)


def load_policy_set(directories: Iterable[Path]) -> PolicySet:
    """Every policy and profile under `directories`; codes and names must be unique.

    Cached on disk, keyed by every file's path, size and mtime: loading is the slow part of
    a one-file pre-commit run."""
    from scaffold import __version__

    directories = list(directories)
    files = [path for directory in directories if directory.is_dir()
             for path in sorted(directory.rglob("*.y*ml"))]
    key = files_key("policies", __version__, [*directories, *files])
    return cached(key, lambda: _load_policy_set(directories))


def _load_policy_set(directories: Iterable[Path]) -> PolicySet:
    policies: dict[str, Policy] = {}
    names: dict[str, Policy] = {}
    profiles: dict[str, Profile] = {}
    for directory in directories:
        for path in _policy_files(directory):
            policy = load_policy(path)
            for index, key in ((policies, policy.code), (names, policy.name)):
                if key in index:
                    raise PolicyError(f"{key!r} is already used by {index[key].source}",
                                      path=str(path))
                index[key] = policy
        for path in _profile_files(directory):
            profile = load_profile(path)
            if profile.name in profiles:
                raise PolicyError(f"profile {profile.name!r} is already defined in "
                                  f"{profiles[profile.name].source}", path=str(path))
            profiles[profile.name] = profile
    return PolicySet(tuple(policies[c] for c in sorted(policies)), profiles)

"""Checks against the Kubernetes API itself: the object's schema, its kind, its apiVersion."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scaffold import Violation
from scaffold_plugins.kubernetes import apischema, apiversions

MAX_ERRORS = 20  # per object: a wrong indent can make hundreds; the first ones tell


def _version(params: Mapping[str, Any]) -> str:
    return params.get("kubernetes-version") or apischema.DEFAULT_VERSION


def _dotted(path: tuple) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else f".{key}" if text else str(key)
    return text or "(object)"


def _validator(obj: dict, params: Mapping[str, Any]) -> Any | None:
    api_version, kind = obj["apiVersion"], obj["kind"]
    found = apischema.validator(_version(params), params.get("strict", True), api_version, kind)
    if found is None and params.get("schema-locations"):
        found = apischema.custom_validator(tuple(params["schema-locations"]), api_version, kind)
    return found


def _problem(error: Any) -> tuple[tuple, str]:
    """(path to the offending field, message) for one schema error."""
    path = tuple(error.instance_path)
    kind = error.kind
    if type(kind).__name__ == "AdditionalProperties":
        fields = list(kind.unexpected)
        names = ", ".join(f"`{name}`" for name in fields)
        return (*path, fields[0]), f"{_dotted(path)}: unknown field {names}"
    if type(kind).__name__ == "Required":
        return path, f"{_dotted(path)}: missing required field `{kind.property}`"
    return path, f"{_dotted(path)}: {error.message}"


def _unavailable(params: Mapping[str, Any]) -> str | None:
    known = apischema.versions()
    if _version(params) in known:
        return None
    have = f"{known[0]} to {known[-1]}" if known else "none: kubernetes-validate is missing"
    return (f"no API schemas for Kubernetes {_version(params)} (this install has {have}): "
            "set `kubernetes-version` to one of them")


def schema_errors(document, params) -> Iterator[Violation]:
    """The object against the API schema of its kind (nothing when the kind is unknown)."""
    obj = document.data
    problem = _unavailable(params)
    if problem:
        yield Violation(message=problem, path=("apiVersion",))
        return
    if apiversions.is_removed(obj["apiVersion"], obj["kind"], _version(params)):
        return  # reported as a removed API, not as a pile of schema errors
    validator = _validator(obj, params)
    if validator is None or validator.is_valid(obj):
        return
    seen = set()
    for error in validator.iter_errors(obj):
        path, message = _problem(error)
        if message in seen:
            continue
        seen.add(message)
        if len(seen) > MAX_ERRORS:
            yield Violation(message=f"more than {MAX_ERRORS} schema errors: the first are shown")
            return
        yield Violation(message=message, path=path)


def unknown_kind(document, params) -> Iterator[Violation]:
    """A kind the chosen Kubernetes version does not define (a custom resource) with no
    schema given for it: say it is not validated, once per object."""
    obj = document.data
    api_version, kind = obj["apiVersion"], obj["kind"]
    if _unavailable(params) or apiversions.change(api_version, kind) \
            or _validator(obj, params) is not None:
        return
    yield Violation(
        message=f"{api_version} {kind} is not a Kubernetes {_version(params)} kind: not "
                "validated (give its JSON schema's folder in `schema-locations`)",
        path=("apiVersion",))


def _api_change(document, params, removed: bool) -> Iterator[Violation]:
    obj = document.data
    found = apiversions.change(obj["apiVersion"], obj["kind"])
    version = apiversions.minor(_version(params))
    if found is None or apiversions.minor(found.deprecated) > version:
        return
    gone = found.removed is not None and apiversions.minor(found.removed) <= version
    if gone != removed:
        return
    use = f"; use {found.replacement}" if found.replacement else "; it has no replacement"
    what = (f"was removed in Kubernetes {found.removed}" if gone else
            f"is deprecated since Kubernetes {found.deprecated}"
            + (f" and removed in {found.removed}" if found.removed else ""))
    yield Violation(message=f"{obj['apiVersion']} {obj['kind']} {what}{use}",
                    path=("apiVersion",))


def removed_api(document, params) -> Iterator[Violation]:
    return _api_change(document, params, removed=True)


def deprecated_api(document, params) -> Iterator[Violation]:
    return _api_change(document, params, removed=False)

"""Validation against the Compose Specification's JSON schema (vendored: `compose-spec.json`,
see `COMPOSE-SPEC-LICENSE`), compiled once with jsonschema_rs.

Two adjustments keep the findings true to what Compose does:

- the schema says "unevaluated properties" for every key of a service as soon as any of them
  is wrong (a failing sub-schema evaluates nothing); only keys the schema does not know at
  all are reported as unknown;
- this YAML parser reads YAML 1.1, where `restart: no` is the boolean false; Compose reads
  YAML 1.2, where it is the text "no". A boolean where only text is allowed is not reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from scaffold import field_name

SCHEMA_PATH = Path(__file__).with_name("compose-spec.json")
_MAX_SHOWN = 140


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


@lru_cache(maxsize=1)
def validator() -> Any:
    return jsonschema_rs.validator_for(_schema())


def _node(schema_path: list) -> Any:
    node: Any = _schema()
    for part in schema_path:
        node = node[part]
    return node


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _node(node["$ref"].lstrip("#/").split("/"))
    return node


def _known(node: Any, depth: int = 0) -> tuple[set[str], list[str]]:
    """Property names and name patterns a schema node allows, through `allOf` and `$ref`."""
    node = _resolve(node)
    if not isinstance(node, dict) or depth > 8:
        return set(), []
    names = set(node.get("properties", {}))
    patterns = list(node.get("patternProperties", {}))
    for part in node.get("allOf", []):
        more_names, more_patterns = _known(part, depth + 1)
        names |= more_names
        patterns += more_patterns
    return names, patterns


def _truly_unknown(error: Any) -> list[str]:
    names, patterns = _known(_node(list(error.schema_path)[:-1]))
    return [key for key in error.kind.unexpected
            if key not in names and not any(re.search(p, key) for p in patterns)]


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_SHOWN else message[: _MAX_SHOWN - 1] + "…"


def _message(error: Any) -> str | None:
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        if isinstance(error.instance, bool) and "string" in kind.types:
            return None  # YAML 1.1 `no`/`yes`/`on`/`off`: text for Compose
        return f"expected {' or '.join(kind.types)}, got {type(error.instance).__name__}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.OneOfNotValid):
        return "not a valid value for this field (see the Compose file reference)"
    return _shorten(error.message)


def errors(data: Any) -> Iterator[tuple[list, str]]:
    """(path, message) for each way `data` breaks the compose-spec schema."""
    for error in validator().iter_errors(data):
        path = list(error.instance_path)
        kind = error.kind
        if isinstance(kind, (jsonschema_rs.ValidationErrorKind.UnevaluatedProperties,
                             jsonschema_rs.ValidationErrorKind.AdditionalProperties)):
            for key in _truly_unknown(error):
                yield [*path, key], f"`{field_name([*path, key])}`: unknown key"
            continue
        message = _message(error)
        if message is not None:
            where = field_name(path)
            yield path, f"`{where}`: {message}" if where else message

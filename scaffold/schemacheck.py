"""Validate user-written data (policies, profiles, config) against scaffold's own schemas,
with errors that name the file, the line and the field."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from scaffold.models import LineIndex

SCHEMAS = Path(__file__).parent / "schemas"  # package data, installed beside this module
_MAX_SHOWN = 120  # characters of an offending value shown in a message


@cache
def bundled_schema(name: str) -> dict[str, Any]:
    """One of the JSON Schemas shipped in `scaffold/schemas/`."""
    return json.loads((SCHEMAS / name).read_text("utf-8"))


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.validator_for(bundled_schema(name))


def field_name(path: list[str | int] | tuple[str | int, ...]) -> str:
    """`exemptions[0].reason` from ['exemptions', 0, 'reason']."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_SHOWN else message[: _MAX_SHOWN - 1] + "…"


def _known_keys(schema: dict[str, Any], schema_path: list) -> list[str]:
    """The properties the schema allows beside an `additionalProperties: false`."""
    node: Any = schema
    for part in schema_path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return []
    return sorted(node.get("properties", {})) if isinstance(node, dict) else []


def _unknown_key_errors(schema: dict[str, Any], error: Any, data: Any, path: list,
                        lines: LineIndex | None) -> list[tuple[int | None, str]]:
    import difflib  # only on the error path

    known = _known_keys(schema, list(error.schema_path))
    found = []
    for key in error.kind.unexpected:
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
        where = field_name([*path, key])
        line = lines.locate(data, [*path, key]) if lines else None
        found.append((line, f"{where}: unknown key{hint}"))
    return found


def schema_errors(schema_name: str, data: Any, lines: LineIndex | None = None,
                  hints: dict[str, str] | None = None) -> list[tuple[int | None, str]]:
    """(line, message) for each way `data` breaks the schema, in document order.

    `hints` replaces the validator's wording for a keyword (e.g. `oneOf`) with a sentence a
    person can act on.
    """
    errors = []
    for error in _validator(schema_name).iter_errors(data):
        path = list(error.instance_path)
        keyword = str(error.schema_path[-1]) if error.schema_path else ""
        if keyword == "additionalProperties":
            errors += _unknown_key_errors(bundled_schema(schema_name), error, data, path, lines)
            continue
        message = (hints or {}).get(keyword) or _shorten(error.message)
        where = field_name(path)
        line = lines.locate(data, path) if lines else None
        errors.append((line, f"{where}: {message}" if where else message))
    return sorted(set(errors), key=lambda e: (e[0] or 0, e[1]))

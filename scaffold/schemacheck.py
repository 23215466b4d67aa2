"""Validate user-written data (policies, profiles, config) against scaffold's own schemas,
with errors that name the file, the line and the field."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema_rs

from scaffold.models import LineIndex

_MAX_SHOWN = 120  # characters of an offending value shown in a message


@lru_cache(maxsize=None)
def bundled_schema(name: str) -> dict[str, Any]:
    """One of the JSON Schemas shipped in `scaffold/schemas/`."""
    return json.loads(resources.files("scaffold").joinpath("schemas", name).read_text("utf-8"))


@lru_cache(maxsize=None)
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
        message = (hints or {}).get(keyword) or _shorten(error.message)
        if keyword == "additionalProperties":
            message = f"unknown field: {_shorten(error.message)}"
        where = field_name(path)
        line = lines.locate(data, path) if lines else None
        errors.append((line, f"{where}: {message}" if where else message))
    return sorted(set(errors), key=lambda e: (e[0] or 0, e[1]))

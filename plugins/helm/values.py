"""Values files (`values.yaml`, `values-<env>.yaml`, `ci/*-values.yaml`) and the chart's
`values.schema.json`.

Helm validates the values a release gets, the chart's `values.yaml` with the environment's
file merged over it, not each file alone: an environment file that sets two keys is not missing
the others. So `values.yaml` is checked alone, and an environment file by what its merge adds
to that: errors the merge has that the defaults alone do not, located in the environment file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from scaffold import Document, LineIndex, ParseError, field_name, redact
from scaffold_plugins.helm import layout

VALUES_TARGET = "helm.values"
_SECRET_KEY = re.compile(r"pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential",
                         re.IGNORECASE)


class ValuesFacts(NamedTuple):
    """`Document.parsed` of a `helm.values` document."""

    chart: Path
    defaults: Path | None  # the chart's values.yaml, for an environment file; None for itself


def values_documents(source: Any, chart: Path) -> list[Document]:
    yaml_documents = source.yaml()
    first = yaml_documents[0] if yaml_documents else None
    data = first.data if first is not None and first.data is not None else {}
    if not isinstance(data, dict):
        raise ParseError("a values file must be a mapping", first.line if first else 1)
    defaults = chart / layout.DEFAULT_VALUES
    facts = ValuesFacts(chart, None if source.abspath == defaults else defaults)
    lines = first.lines if first is not None else None
    return [Document(VALUES_TARGET, source.path, first.line if first else 1, data,
                     lines or LineIndex(), subject=f"values {source.name}", parsed=facts)]


# -- the schema --------------------------------------------------------------------------------


def check_schema_file(source: Any) -> None:
    """Raise ParseError (reported at its line) for a values.schema.json that is not JSON or
    not a JSON Schema: helm would refuse every install of the chart."""
    try:
        schema = json.loads(source.text)
    except json.JSONDecodeError as error:
        raise ParseError(f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    try:
        _validator_for(json.dumps(schema, sort_keys=True))
    except _SchemaInvalid as error:
        raise ParseError(error.message, _json_line(source.text, error.path)) from None


class _SchemaInvalid(ParseError):
    def __init__(self, message: str, path: tuple):
        super().__init__(message)
        self.path = path


def _json_line(text: str, path: tuple) -> int:
    """The line of `path` in a JSON text (JSON is YAML: its loader keeps lines)."""
    from scaffold.yamlfile import load_documents

    try:
        document = load_documents(text)[0]
    except (ParseError, IndexError):
        return 1
    return document.lines.locate(document.data, path) or document.line


@functools.lru_cache(maxsize=64)
def _validator_for(schema_text: str) -> Any:
    import jsonschema_rs

    try:
        return jsonschema_rs.validator_for(json.loads(schema_text))
    except jsonschema_rs.ValidationError as error:
        raise _SchemaInvalid(f"not a valid JSON Schema: {error.message}",
                             tuple(error.instance_path)) from None
    except ValueError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "invalid"
        raise _SchemaInvalid(f"not a valid JSON Schema: {first}", ()) from None


def load_validator(chart: Path) -> Any | None:
    """The compiled values.schema.json of a chart; None when there is none or it is broken
    (its own parse reports that)."""
    try:
        schema = json.loads((chart / layout.SCHEMA_FILE).read_text("utf-8"))
        return _validator_for(json.dumps(schema, sort_keys=True))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ParseError):
        return None


def _load_values(path: Path) -> dict:
    from scaffold.yamlfile import load_documents

    try:
        documents = load_documents(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ParseError):
        return {}
    data = documents[0].data if documents else None
    return data if isinstance(data, dict) else {}


def coalesce(defaults: Any, override: Any) -> Any:
    """Helm's merge of values: mappings merge key by key, anything else replaces, and a null
    in the override removes the key."""
    if not isinstance(defaults, dict) or not isinstance(override, dict):
        return override
    merged = dict(defaults)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = coalesce(defaults.get(key), value)
    return merged


class SchemaError(NamedTuple):
    path: tuple[str | int, ...]  # where in the values it is, for the line
    field: str  # the value the message is about, for the message
    message: str


def _errors(validator: Any, data: Any) -> set[SchemaError]:
    found = set()
    for error in validator.iter_errors(data):
        path = field = tuple(error.instance_path)
        unexpected = getattr(error.kind, "unexpected", None)
        if unexpected:  # additionalProperties: point at the first key it does not allow
            path = field = (*path, sorted(str(k) for k in unexpected)[0])
        elif error.kind.name == "required":  # at the key that removed it (`key: null`), if any
            path = (*path, error.kind.property)
        found.add(SchemaError(path, field_name(field), _safe_message(error, path)))
    return found


def _safe_message(error: Any, path: tuple[str | int, ...]) -> str:
    """The validator's message, with a string value under a secret-looking key redacted."""
    message = str(error.message)
    instance = error.instance
    named = [str(k) for k in path if isinstance(k, str)]
    if isinstance(instance, str) and named and _SECRET_KEY.search(named[-1]):
        message = message.replace(json.dumps(instance), f'"{redact(instance)}"')
    return message


def _deepest(data: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The longest prefix of `path` that exists in `data`."""
    found: tuple[str | int, ...] = ()
    node = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        found = (*found, key)
    return found


def schema_violations(document: Document) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path into the document's data, message) for each way the values break the schema."""
    facts: ValuesFacts = document.parsed
    validator = load_validator(facts.chart)
    if validator is None:
        return
    if facts.defaults is None:
        errors = _errors(validator, document.data)
    else:
        defaults = _load_values(facts.defaults) if facts.defaults.is_file() else {}
        errors = _errors(validator, coalesce(defaults, document.data)) - \
            _errors(validator, defaults)
    for error in sorted(errors, key=lambda e: ([str(k) for k in e.path], e.message)):
        yield _deepest(document.data, error.path), \
            f"{error.field or 'values'}: {error.message} (values.schema.json)"

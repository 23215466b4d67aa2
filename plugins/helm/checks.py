"""The helm plugin's code checks, for what a JSON Schema over one document cannot say: files
beside the chart, values against the chart's own schema, and what helm itself reported."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scaffold import Document, Violation


def values_schema_missing(document: Document, params: Mapping[str, Any]) -> Iterator[Violation]:
    """An application chart without values.schema.json (library charts take no values of
    their own from users)."""
    facts = document.parsed
    if facts is None or facts.has_schema or document.data.get("type") == "library":
        return
    yield Violation(f"chart {document.data.get('name', '?')} ships no values.schema.json",
                    path=("name",))


def dependencies_missing(document: Document, params: Mapping[str, Any]) -> Iterator[Violation]:
    facts = document.parsed
    for dependency in facts.dependencies if facts is not None else ():
        if not dependency.present:
            yield Violation(
                f"dependency {dependency.name} is declared but not in charts/: run "
                "`helm dependency build` (scaffold never downloads charts)",
                path=("dependencies", dependency.index))


def values_match_schema(document: Document, params: Mapping[str, Any]) -> Iterator[Violation]:
    from scaffold_plugins.helm.values import schema_violations

    for path, message in schema_violations(document):
        yield Violation(message, path=path)


def helm_reported(document: Document, params: Mapping[str, Any]) -> Iterator[Violation]:
    """What helm reported (a render or lint error), or that nothing could render the chart:
    `params.problem` says which."""
    if document.data.get("problem") == params["problem"]:
        yield Violation(document.data.get("message"), line=document.line)

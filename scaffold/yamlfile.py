"""YAML with line numbers, at the speed of PyYAML's C parser.

Mappings and sequences are built as plain dicts and lists (what JSON Schema validators and
renderers want); each is recorded in a `LineIndex` with its YAML node, from which a key's line
is read only when a finding asks for it.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import yaml

from scaffold.errors import ParseError
from scaffold.models import LineIndex

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, same results
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]


class YamlDocument(NamedTuple):
    data: Any
    line: int  # first line of the document's content
    lines: LineIndex


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    index: LineIndex


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _node_line(node: yaml.Node, key: Any) -> int | None:
    """The line of `key` in a mapping node, or of item `key` in a sequence node."""
    if isinstance(node, yaml.SequenceNode):
        return node.value[key].start_mark.line + 1 if isinstance(key, int) \
            and 0 <= key < len(node.value) else None
    for key_node, _ in reversed(node.value):  # the last duplicate key wins, as in the data
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node.start_mark.line + 1
    return None


def _fill_mapping(loader: _LineLoader, node: yaml.MappingNode, data: dict[str, Any]) -> bool:
    """Construct the pairs into `data`; False, untouched, when a merge key (`<<`) needs the
    node flattened first (rare: checking it up front would cost every mapping a pass)."""
    for key_node, value_node in node.value:
        tag = key_node.tag
        if tag == _STR_TAG:  # the common case, without the constructor's round trip
            key = key_node.value
        elif tag == _MERGE_TAG:
            data.clear()
            return False
        else:
            key = loader.construct_object(key_node, deep=False)
            if not isinstance(key, str):
                # `on:` and `80:` are read by YAML 1.1 as a bool and an int; keys stay the
                # text the author wrote, so policies and reports see what is in the file.
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
        data[key] = loader.construct_object(value_node, deep=False)
    return True


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data: dict[str, Any] = {}
    yield data
    if not _fill_mapping(loader, node, data):
        loader.flatten_mapping(node)
        _fill_mapping(loader, node, data)
    loader.index.mark_all(data, node)


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode):
    data: list[Any] = []
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)
    loader.index.mark_all(data, node)


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    # Dates and binary stay text: documents must be JSON-like for schemas and reports.
    return loader.construct_scalar(node)


def _construct_local_tag(loader: _LineLoader, node: yaml.Node) -> Any:
    """Application tags (Compose's `!reset`/`!override`, CloudFormation's `!Ref`, GitLab's
    `!reference`) are valid YAML: read the value underneath as plain data."""
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(loader, node)
    if isinstance(node, yaml.SequenceNode):
        return _construct_sequence(loader, node)
    return loader.construct_scalar(node)


# YAML 1.1 reads `22:22` as the base-60 number 1342 and `1:30` as 90; no infrastructure file
# means that (ports, times, ratios), and YAML 1.2 dropped it. Keep the other implicit types.
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(_INT, re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_LineLoader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))
_LineLoader.add_constructor(None, _construct_local_tag)
_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:binary", _construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:set", _construct_mapping)


def _parse_error(error: yaml.MarkedYAMLError, text: str) -> ParseError:
    """Point at the problem; at the end of the file, point where the open thing started."""
    problem = error.problem or error.context or "invalid YAML"
    if error.context and error.problem:
        problem = f"{error.context}: {error.problem}"
    mark = error.problem_mark or error.context_mark
    at_end = mark is not None and mark.index >= len(text.rstrip())
    if at_end and error.context_mark is not None:
        mark = error.context_mark
        problem += " (still open at the end of the file)"
    if mark is None:
        return ParseError(f"invalid YAML: {problem}")
    return ParseError(f"invalid YAML: {problem}", mark.line + 1, mark.column + 1)


# Aliases share one object, so a parse stays small; but whatever walks the data (a schema
# validator, a check, a report) sees it expanded, and nine levels of nine aliases are 387
# million nodes (the "billion laughs"). A document that expands past this is refused.
MAX_EXPANDED_NODES = 1_000_000


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes the document has with every alias expanded (memoised: linear time)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a recursive alias counts once; PyYAML builds it as a cycle
    if isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(item, sizes) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes)
                        for k, v in node.value)
    else:
        total = 1
    sizes[id(node)] = total
    return total


def _check_aliases(node: yaml.Node) -> None:
    if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise ParseError(f"the document's aliases expand to more than {MAX_EXPANDED_NODES:,} "
                         "nodes (a YAML bomb?): not checked", node.start_mark.line + 1)


def load_documents(text: str) -> list[YamlDocument]:
    """Every document in `text`; raises ParseError with the line and column of a syntax error."""
    loader = _LineLoader(text)
    loader.index = LineIndex(_node_line)
    documents = []
    may_alias = "&" in text and "*" in text  # only then can a document expand
    try:
        while loader.check_node():
            node = loader.get_node()
            if may_alias:
                _check_aliases(node)
            data = loader.construct_document(node)
            documents.append(YamlDocument(data, node.start_mark.line + 1, loader.index))
    except yaml.MarkedYAMLError as error:
        raise _parse_error(error, text) from None
    except yaml.YAMLError as error:
        raise ParseError(f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    return documents

"""Which line of a Helm template a rendered field came from.

`helm template` prints the rendered text, not where it came from; findings must point at the
template a person edits. A template is mostly YAML with actions in it, and the keys a person
writes (`replicas:`, `securityContext:`, `- name: app`) pass through rendering unchanged. So the
template is read as an indentation outline of its literal keys, each with its path
(`spec.template.spec.containers[].securityContext`), and a rendered field is looked up by its
own path. Fields that no literal key in the template produced (the output of `include`,
`toYaml`, a templated key) have no line of their own: the engine then uses the line of the
nearest ancestor that has one, which is the key the block was rendered under.

When several template lines share a path (an `if`/`else` with a key in each branch, two
literal list items), the one whose literal text is the rendered text wins, then the one at the
same list positions, then the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from scaffold import LineIndex

ITEM = "[]"  # a list item in a path, whatever its index
_ACTION_OPEN, _ACTION_CLOSE = "{{", "}}"
_BLOCK_SCALAR = re.compile(r"^[|>][0-9+-]*\s*(?:#.*)?$")
_PLAIN_KEY = re.compile(r"([^\s#{}\[\],&*!|>'\"%@`][^#]*?)\s*:(?:\s|$)")
_QUOTED_KEY = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s|$)""")
_SEPARATOR = re.compile(r"^---(?:\s|$)")
TEMPLATED_KEY = "\0templated"  # a key written with an action: it never matches a rendered key


class Entry(NamedTuple):
    """One structural line of a template: a literal key or a list item."""

    line: int
    text: str  # the line without indentation and leading `- `, to compare with rendered text
    literal: bool  # no action on the line: it renders to exactly `text`
    indices: tuple[int, ...]  # the list positions on its path, as written in the template


class Segment(NamedTuple):
    """One YAML document of a template (they are separated by `---`)."""

    first_line: int
    kind: str | None  # the literal `kind:` of the document, when written without an action
    paths: dict[tuple[str, ...], list[Entry]]


def normal_text(line: str) -> str:
    """A line as compared between template and output: no indentation, no leading `- `."""
    text = line.strip()
    while text.startswith("- ") or text == "-":
        text = text[2:].lstrip()
    return text


def split_key(text: str) -> tuple[str, str] | None:
    """(key, rest of the line) when `text` starts with a mapping key; the key may contain an
    action (then it is TEMPLATED_KEY)."""
    match = _QUOTED_KEY.match(text)
    if match:
        quoted = match.group(1)
        key = quoted[1:-1].replace("''", "'") if quoted[0] == "'" else quoted[1:-1]
        return (TEMPLATED_KEY if _ACTION_OPEN in key else key), text[match.end():]
    if text.startswith(_ACTION_OPEN):
        # `{{ .Values.name }}: value` is a templated key; `{{- if }}` is no key at all.
        closing = text.find(_ACTION_CLOSE)
        after = text[closing + 2:] if closing >= 0 else ""
        match = re.match(r"[^\s#]*\s*:(?:\s|$)", after)
        return (TEMPLATED_KEY, after[match.end():]) if match and after[:1] not in " " \
            else None
    match = _PLAIN_KEY.match(text)
    if not match:
        return None
    key = match.group(1)
    return (TEMPLATED_KEY if _ACTION_OPEN in key else key), text[match.end():]


class _Level:
    __slots__ = ("indent", "name", "item", "children")

    def __init__(self, indent: int, name: Any, item: bool):
        self.indent = indent
        self.name = name  # a key, or the item's index
        self.item = item
        self.children = 0  # list items seen under this level


class _Outline:
    """Reads a template line by line into segments of keyed entries."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self._new_segment(1)
        self.in_action = False
        self.block_indent: int | None = None  # inside a block scalar deeper than this

    def _new_segment(self, line: int) -> None:
        self.stack: list[_Level] = []
        self.top_items = 0
        self.first_line: int | None = None
        self.kind: str | None = None
        self.paths: dict[tuple[str, ...], list[Entry]] = {}
        self._start = line

    def close(self) -> list[Segment]:
        if self.paths:
            self.segments.append(Segment(self.first_line or self._start, self.kind, self.paths))
        return self.segments

    def _path(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        names = tuple(ITEM if level.item else level.name for level in self.stack)
        return names, tuple(level.name for level in self.stack if level.item)

    def _add(self, line: int, text: str) -> None:
        path, indices = self._path()
        entry = Entry(line, normal_text(text), _ACTION_OPEN not in text, indices)
        self.paths.setdefault(path, []).append(entry)
        if self.first_line is None:
            self.first_line = line

    def feed(self, number: int, line: str) -> None:
        if self.in_action:
            self.in_action = line.rfind(_ACTION_CLOSE) < 0
            return
        if _SEPARATOR.match(line):
            self.close()
            self._new_segment(number + 1)
            self.block_indent = None
            return
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if self.block_indent is not None:
            if not stripped or indent > self.block_indent:
                return
            self.block_indent = None
        if line.rfind(_ACTION_OPEN) > line.rfind(_ACTION_CLOSE):
            self.in_action = True  # an action (or a `{{/* comment */}}`) spans lines
        if not stripped or stripped.startswith("#"):
            return
        if stripped.startswith(_ACTION_OPEN) and split_key(stripped) is None:
            return  # `{{- if }}`, `{{- include ... | nindent 8 }}`: no structure of its own
        self._structure(number, line, indent)

    def _structure(self, number: int, line: str, column: int) -> None:
        text = line[column:]
        while text.startswith("- ") or text == "-":
            self._item(number, line[column:], column)
            rest = text[1:]
            column += 1 + len(rest) - len(rest.lstrip(" "))
            text = rest.lstrip(" ")
            if not text or text.startswith("#"):
                return
        found = split_key(text)
        if found is None:
            return  # a scalar list item: its item entry is enough
        key, rest = found
        while self.stack and self.stack[-1].indent >= column:
            self.stack.pop()
        self.stack.append(_Level(column, key, False))
        self._add(number, text)
        if not self.stack[:-1] and key == "kind" and _ACTION_OPEN not in rest:
            self.kind = rest.split("#", 1)[0].strip().strip("\"'") or None
        if _BLOCK_SCALAR.match(rest.strip()):
            self.block_indent = column

    def _item(self, number: int, text: str, column: int) -> None:
        while self.stack and (self.stack[-1].indent > column or
                              self.stack[-1].indent == column and self.stack[-1].item):
            self.stack.pop()
        if self.stack:
            parent = self.stack[-1]
            index, parent.children = parent.children, parent.children + 1
        else:
            index, self.top_items = self.top_items, self.top_items + 1
        self.stack.append(_Level(column, index, True))
        self._add(number, text)


def outline(text: str) -> list[Segment]:
    """The segments of a template, each with its literal keys by path."""
    reader = _Outline()
    for number, line in enumerate(text.split("\n"), 1):
        reader.feed(number, line)
    return reader.close()


def _normal_path(path: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(ITEM if isinstance(key, int) else key for key in path)


def _choose(entries: list[Entry], text: str | None, indices: tuple[int, ...]) -> int:
    # A literal line renders to itself: one whose text differs did not produce this field.
    viable = [e for e in entries if not e.literal or text is None or e.text == text] or entries
    if text is not None:
        exact = [e for e in viable if e.literal and e.text == text]
        if len(exact) == 1:
            return exact[0].line
        viable = exact or viable
    same_place = [e for e in viable if e.indices == indices]
    return (same_place or viable)[0].line


def walk(data: Any, visit: Callable[[Any, tuple[Any, ...]], None],
         path: tuple[Any, ...] = ()) -> None:
    """Call `visit(container, path)` for every mapping and list in `data`."""
    if isinstance(data, dict):
        visit(data, path)
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                walk(value, visit, (*path, key))
    elif isinstance(data, list):
        visit(data, path)
        for index, value in enumerate(data):
            if isinstance(value, (dict, list)):
                walk(value, visit, (*path, index))


def rendered_paths(data: Any) -> set[tuple[str, ...]]:
    """Every normalised path of a rendered document: to pick the template segment it came
    from."""
    found: set[tuple[str, ...]] = set()

    def visit(container: Any, path: tuple[Any, ...]) -> None:
        keys = container.keys() if isinstance(container, dict) else range(len(container))
        base = _normal_path(path)
        found.update((*base, ITEM if isinstance(key, int) else key) for key in keys)

    walk(data, visit)
    return found


def pick_segment(segments: list[Segment], kind: Any, paths: set[tuple[str, ...]],
                 ordinal: int) -> Segment | None:
    """The segment a rendered document of this kind most likely came from. `ordinal` is how
    many documents of the same kind the same template rendered before it."""
    if not segments:
        return None
    candidates = [s for s in segments if s.kind == kind] or \
        [s for s in segments if s.kind is None] or segments
    scores = [len(paths.intersection(s.paths)) for s in candidates]
    best = max(scores)
    ties = [s for s, score in zip(candidates, scores, strict=True) if score == best]
    return ties[min(ordinal, len(ties) - 1)]


def template_index(data: Any, rendered: LineIndex, rendered_lines: list[str],
                   segment: Segment | None) -> LineIndex:
    """A LineIndex for a rendered document that answers with lines of the template segment
    it came from (`rendered` answers with lines of the rendered text)."""
    if segment is None:
        return LineIndex()

    def resolve(entry: tuple[tuple[Any, ...], Any], key: Any) -> int | None:
        path, container = entry
        number = rendered.locate(container, (key,))
        if number is None:
            return None  # not in the output (a field a check looks for and does not find)
        full = (*path, key)
        entries = segment.paths.get(_normal_path(full))
        if not entries:
            return None
        text = normal_text(rendered_lines[number - 1]) if number <= len(rendered_lines) \
            else None
        return _choose(entries, text, tuple(k for k in full if isinstance(k, int)))

    index = LineIndex(resolve)
    walk(data, lambda container, path: index.mark_all(container, (path, container)))
    return index


def line_for_text(segments: list[Segment], rendered_line: str) -> int | None:
    """The template line most likely to have produced one rendered line, from its text alone
    (for output that is not valid YAML, so has no structure to follow)."""
    text = normal_text(rendered_line)
    found = split_key(text)
    key = found[0] if found else None
    fallback = None
    for segment in segments:
        for path, entries in segment.paths.items():
            for entry in entries:
                if entry.literal and entry.text == text:
                    return entry.line
                if fallback is None and key is not None and path[-1] == key:
                    fallback = entry.line
    return fallback

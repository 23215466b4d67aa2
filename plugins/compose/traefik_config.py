"""Traefik configuration from each place it is written, in one shape.

Traefik reads its static configuration from a file (YAML or TOML), from command-line flags
(`--providers.docker.exposedbydefault=false`, often in a compose `command:`) or from
`TRAEFIK_*` environment variables; and dynamic configuration (routers, middlewares) from
files or from container labels (`traefik.http.routers.web.rule=...`). Traefik matches option
names without regard to case, so every key is lower-cased here, and the strings `true` and
`false` become booleans. Each rebuilt mapping is marked in the `LineIndex` with the line its
keys were written on (a YAML key, a TOML key, one flag or one label).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable
from typing import Any

from scaffold import LineIndex

LineFor = Callable[[tuple], "int | None"]  # original path -> line


def scalar(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def lower_keys(value: Any, lines: LineIndex, line_for: LineFor, path: tuple = ()) -> Any:
    """A copy with lower-case keys, None sections as `{}`, each mapping marked with lines."""
    if isinstance(value, dict):
        copy: dict[str, Any] = {}
        marks: dict[str, int | None] = {}
        for key, item in value.items():
            name = str(key).lower()
            copy[name] = lower_keys(item if item is not None else {}, lines, line_for,
                                    (*path, key))
            marks[name] = line_for((*path, key))
        lines.mark_all(copy, marks)
        return copy
    if isinstance(value, list):
        items = [lower_keys(item, lines, line_for, (*path, i)) for i, item in enumerate(value)]
        lines.mark_all(items, {i: line_for((*path, i)) for i in range(len(items))})
        return items
    return scalar(value)


# -- dotted keys: flags, environment variables, labels ----------------------------------------


class DottedTree:
    """A nested mapping built from `a.b.c = value` entries, each with its line."""

    def __init__(self, lines: LineIndex):
        self.root: dict[str, Any] = {}
        self.lines = lines
        self._marks: dict[int, dict[str, int | None]] = {}
        self._containers: dict[int, dict] = {}

    def add(self, path: list[str], value: Any, line: int | None) -> None:
        node = self.root
        for depth, key in enumerate(path):
            self._mark(node, key, line)
            if depth == len(path) - 1:
                if not isinstance(node.get(key), dict):  # `tls=true` then `tls.certresolver`
                    node[key] = {} if value == {} else scalar(value)
                return
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child

    def _mark(self, node: dict, key: str, line: int | None) -> None:
        marks = self._marks.setdefault(id(node), {})
        self._containers[id(node)] = node
        if marks.get(key) is None:
            marks[key] = line

    def finish(self) -> dict[str, Any]:
        for key, marks in self._marks.items():
            self.lines.mark_all(self._containers[key], marks)
        return self.root


_FLAG = re.compile(r"^--?([A-Za-z0-9_.\-\[\]]+)(?:=(.*))?$", re.DOTALL)


def command_words(command: Any, line_of_item: Callable[[int], int | None],
                   find_line: Callable[[str], int | None]) -> list[tuple[str, int | None]]:
    """The words of a compose `command:` (a list, or a string split as a shell would),
    each with its line."""
    if isinstance(command, list):
        return [(str(word), line_of_item(i)) for i, word in enumerate(command)
                if isinstance(word, (str, int, float))]
    if isinstance(command, str):
        try:
            words = shlex.split(command)
        except ValueError:
            words = command.split()
        return [(word, find_line(word)) for word in words]
    return []


def flags(words: Iterable[tuple[str, int | None]]) -> list[tuple[list[str], Any, int | None]]:
    """`--a.b=c` and bare `--a.b` (true) as (path, value, line)."""
    found = []
    for word, line in words:
        match = _FLAG.match(word.strip())
        if match:
            value = match.group(2) if match.group(2) is not None else "true"
            found.append((match.group(1).lower().split("."), value, line))
    return found


def env_entries(environment: dict, lines: LineIndex) -> list[tuple[list[str], Any, int | None]]:
    """`TRAEFIK_API_INSECURE=true` as (["api", "insecure"], "true", line)."""
    found = []
    for name, value in environment.items():
        if name.upper().startswith("TRAEFIK_") and value is not None:
            path = name[len("TRAEFIK_"):].lower().split("_")
            found.append((path, str(value), lines.locate(environment, (name,))))
    return found


def label_entries(labels: dict, lines: LineIndex) -> list[tuple[list[str], Any, int | None]]:
    """`traefik.http.routers.web.rule` labels as (["http", "routers", "web", "rule"], ...)."""
    found = []
    for key, value in labels.items():
        if key.lower().startswith("traefik.") and value is not None:
            found.append((key.lower().split(".")[1:], str(value), lines.locate(labels, (key,))))
    return found


def _is_section(path: list[str]) -> bool:
    """`--providers.docker` and `--api` switch a section on: its value is options, not a
    boolean (`--api.insecure` is a boolean)."""
    return len(path) == 2 and path[0] == "providers" or path in (["api"], ["ping"],
                                                                    ["accesslog"])


def tree(entries: Iterable[tuple[list[str], Any, int | None]], lines: LineIndex) -> dict:
    built = DottedTree(lines)
    for path, value, line in entries:
        if not path or not all(path):
            continue
        if _is_section(path) and scalar(value) is True:
            built.add(path, {}, line)
        elif not (_is_section(path) and scalar(value) is False):
            built.add(path, value, line)
    return built.finish()


# -- TOML, which has no line numbers of its own -----------------------------------------------

_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
                       r"(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _toml_path(text: str) -> tuple:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)", text)
    return tuple(next(p for p in part if p) if any(part) else "" for part in parts)


def toml_lines(text: str) -> dict[tuple, int]:
    """{path: line} for table headers and keys (arrays of tables counted by index)."""
    found: dict[tuple, int] = {}
    table: tuple = ()
    arrays: dict[tuple, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        header = _TOML_HEADER.match(line)
        if header:
            table = _toml_path(header.group(2))
            if header.group(1) == "[[":
                arrays[table] = arrays.get(table, -1) + 1
                found.setdefault(table, number)
                table = (*table, arrays[table])
            found.setdefault(table, number)
            continue
        key = _TOML_KEY.match(line)
        if key:
            found.setdefault((*table, *_toml_path(key.group(1))), number)
    return found

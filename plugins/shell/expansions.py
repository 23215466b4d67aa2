"""Where a word expands variables, and how safely: quoted or not, guarded against an empty
value or not, at the start of the resulting path or not.

Used by the checks that care what a word becomes when a variable is empty (`rm -rf "$DIR/"`)
or holds spaces and glob characters (`rm -rf $DIR`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scaffold_plugins.shell.script import ASSIGNMENT, Command, Script, unquote

_PARAMETER = re.compile(r"\$(?:\{(?P<braced>[^}]*)\}|(?P<name>[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]))")
_NAME = re.compile(r"[!#]?([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])")
# Expand to something never empty and free of blanks: a pid, a count, an exit status.
NEVER_EMPTY = {"$", "#", "?", "!", "-"}
# Set by the system for every process that runs a script.
ALWAYS_SET = {"HOME", "PWD"}
# Commands that assign the variables they name, with values the script cannot know.
_ASSIGNING = {"read", "getopts", "mapfile", "readarray"}
_DECLARING = {"export", "readonly", "declare", "local", "typeset"}


@dataclass(frozen=True)
class Expansion:
    name: str
    quoted: bool  # inside double quotes: no word splitting or globbing
    guarded: bool  # `${NAME:?}`, `${NAME:-default}`: never empty
    at_start: bool  # nothing comes before it in the word's value
    followed_by: str  # the next character of the value ('' at the end)


def _guarded(braced: str) -> tuple[str, bool]:
    """(name, guarded) for the inside of `${...}`."""
    match = _NAME.match(braced)
    if not match:
        return braced, False
    name, rest = match.group(1), braced[match.end():]
    if braced.startswith("#"):  # `${#NAME}`: a length, never empty
        return name, True
    if rest.startswith(":?") or rest[:2] in (":-", ":=") and len(rest) > 2:
        return name, True
    return name, False


def _next_char(raw: str, index: int) -> str:
    """The next character of the value after `index`, skipping quote marks."""
    while index < len(raw) and raw[index] in "\"'":
        index += 1
    return raw[index] if index < len(raw) else ""


def _substitution_end(raw: str, index: int) -> int:
    """The index after a `$(...)` or backtick substitution starting at `index`."""
    if raw[index] == "`":
        close = raw.find("`", index + 1)
        return len(raw) if close < 0 else close + 1
    depth = 1  # `index` is at the opening parenthesis
    for position in range(index + 1, len(raw)):
        depth += {"(": 1, ")": -1}.get(raw[position], 0)
        if depth == 0:
            return position + 1
    return len(raw)


def expansions(raw: str) -> Iterator[Expansion]:
    """The parameter expansions of a word as written (`Word.raw`), outside substitutions."""
    i, in_double, started = 0, False, False
    while i < len(raw):
        char = raw[i]
        if char == "'" and not in_double:
            close = raw.find("'", i + 1)
            close = len(raw) if close < 0 else close
            started = started or close > i + 1
            i = close + 1
        elif char == '"':
            in_double = not in_double
            i += 1
        elif char == "\\":
            started, i = True, i + 2
        elif char == "`" or raw.startswith("$(", i):
            started, i = True, _substitution_end(raw, i if char == "`" else i + 1)
        elif char == "$" and (match := _PARAMETER.match(raw, i)):
            braced = match.group("braced")
            name, guarded = _guarded(braced) if braced is not None else (match["name"], False)
            yield Expansion(name, in_double, guarded, not started, _next_char(raw, match.end()))
            started, i = True, match.end()
        else:
            started, i = True, i + 1


def _assigned(command: Command) -> Iterator[tuple[str, str | None]]:
    """(name, raw value) for each variable a command sets; None when the value is unknown."""
    for word in command.assignments if not command.words else ():
        name, _, value = word.raw.partition("=")
        yield name.rstrip("+"), value
    name, args = command.name, command.words[1:]
    if name in _DECLARING:
        for word in args:
            if ASSIGNMENT.match(word.raw):
                key, _, value = word.raw.partition("=")
                yield key.rstrip("+"), value
    elif name in _ASSIGNING or name in ("for", "select"):
        for word in args[:1] if name in ("for", "select") else args:
            if not word.raw.startswith("-"):
                yield word.raw, None


def _is_constant(value: str | None) -> bool:
    if value is None or "$" in value or "`" in value:
        return False
    text = unquote(value)
    return bool(text) and not any(c in text for c in " \t\n*?[")


def constants(script: Script) -> set[str]:
    """Variables every assignment of which is a non-empty literal without blanks or globs:
    `BUILD=/tmp/build` makes `rm -rf $BUILD/` safe."""
    values: dict[str, list[str | None]] = {}
    for command in script.commands:
        for name, value in _assigned(command):
            values.setdefault(name, []).append(value)
    return {name for name, found in values.items() if all(map(_is_constant, found))}

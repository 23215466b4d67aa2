"""Compose variable interpolation (`${VAR:-default}`), resolved as far as a checker can.

Compose substitutes variables from the shell and from the `.env` file in the project folder.
The shell of the machine that deploys is unknown here, so a variable resolves to its `.env`
value, else to its default; one without either (`${TAG}`, `${TAG:?required}`) stays unknown,
written as `UNKNOWN` in the result, and policies treat unknown parts as "cannot tell" rather
than as a problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

UNKNOWN = "\x00"  # stands for a part of a value only known when the project is deployed

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")


class Interpolator:
    """Resolves `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:?x}`, `${VAR:+x}`, `$$`."""

    def __init__(self, variables: Mapping[str, str]):
        self.variables = variables

    def resolve(self, text: str) -> str:
        if "$" not in text:
            return text
        resolved, _ = self._scan(text, 0, stop=None)
        return resolved

    def _scan(self, text: str, index: int, stop: str | None) -> tuple[str, int]:
        """Resolve from `index` up to an unnested `stop` character; returns (text, end)."""
        out: list[str] = []
        while index < len(text):
            char = text[index]
            if stop is not None and char == stop:
                return "".join(out), index
            if char != "$":
                out.append(char)
                index += 1
                continue
            following = text[index + 1: index + 2]
            if following == "$":  # `$$` is a literal dollar
                out.append("$")
                index += 2
            elif following == "{":
                value, index = self._braced(text, index + 2)
                out.append(value)
            else:
                match = _NAME.match(text, index + 1)
                if match is None:
                    out.append("$")
                    index += 1
                else:
                    out.append(self.variables.get(match.group(), UNKNOWN))
                    index = match.end()
        return "".join(out), index

    def _braced(self, text: str, index: int) -> tuple[str, int]:
        """`${...}` from just after the brace; returns (value, index after the `}`)."""
        match = _NAME.match(text, index)
        if match is None:  # not a variable after all: keep the text as written
            return "${", index
        name, index = match.group(), match.end()
        operator = ""
        for candidate in (":-", ":?", ":+", "-", "?", "+"):
            if text.startswith(candidate, index):
                operator, index = candidate, index + len(candidate)
                break
        argument, index = self._scan(text, index, stop="}") if operator else ("", index)
        index += 1 if index < len(text) and text[index] == "}" else 0
        known = name in self.variables
        value = self.variables.get(name, "")
        if operator in (":-", "-"):
            use_default = not known or (operator == ":-" and not value)
            return (argument if use_default else value), index
        if operator in (":+", "+"):
            return (UNKNOWN if not known else argument if value or operator == "+" else ""), index
        return (value if known else UNKNOWN), index


def is_unknown(value: str) -> bool:
    return UNKNOWN in value


@lru_cache(maxsize=256)
def _dotenv(path: str, mtime_ns: int) -> dict[str, str]:
    del mtime_ns  # part of the cache key only: an edited file is read again
    try:
        text = Path(path).read_text("utf-8-sig", errors="replace")
    except OSError:
        return {}
    variables: dict[str, str] = {}
    for line in text.splitlines():
        match = _DOTENV_LINE.match(line)
        if match:
            variables[match.group(1)] = _dotenv_value(match.group(2))
    return variables


def _dotenv_value(raw: str) -> str:
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = raw.find(quote, 1)
        value = raw[1:end] if end > 0 else raw[1:]
        return value.replace("\\n", "\n") if quote == '"' else value
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def project_variables(folder: Path) -> dict[str, str]:
    """The variables of the `.env` file beside a compose file (empty when there is none)."""
    path = folder / ".env"
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return {}
    return _dotenv(str(path), mtime)

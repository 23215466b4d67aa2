"""Shell text to words: quotes, escapes, `$(...)`, backticks and process substitution, with
the offset each word starts at so commands can be mapped back to Dockerfile lines."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

PLAIN = re.compile(r"""[^\s'"\\$`|&;<>()]+""")
BLANKS = re.compile(r"[ \t\r]+")
OPERATOR = re.compile(r"&&|\|\||;;&?|;&|\|&|[|&;()]")
REDIRECT = re.compile(r"(?:\d+|&)?(?:<<-|<<<|<<|>>|>&|<&|>\||<>|>|<)")


# --- line maps ------------------------------------------------------------------------------


class LineMap:
    """Offsets in a text to physical lines of the Dockerfile."""

    __slots__ = ("offsets", "lines")

    def __init__(self, starts: Sequence[tuple[int, int]]) -> None:
        self.offsets = [offset for offset, _ in starts]
        self.lines = [line for _, line in starts]

    @classmethod
    def of_text(cls, text: str, first_line: int) -> LineMap:
        """Each newline in `text` starts the next line."""
        starts = [(0, first_line)]
        position = text.find("\n")
        while position >= 0:
            starts.append((position + 1, starts[-1][1] + 1))
            position = text.find("\n", position + 1)
        return cls(starts)

    def line(self, offset: int) -> int:
        return self.lines[max(bisect_right(self.offsets, offset) - 1, 0)]


class Word:
    __slots__ = ("text", "raw", "offset", "subs")

    def __init__(self, text: str, raw: str, offset: int, subs: list[tuple[str, int]]):
        self.text, self.raw, self.offset, self.subs = text, raw, offset, subs


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one at `start`, skipping quotes; len(text) if none."""
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = text.find("'", i + 1)
            i = n if end < 0 else end + 1
            continue
        if c == '"':
            i = _closing_quote(text, i)
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return n


def _closing_quote(text: str, start: int) -> int:
    """Index just after the double quote closing the one at `start`."""
    i, n = start + 1, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif text.startswith("$(", i):
            i = _closing(text, i + 1, "(", ")") + 1
        else:
            i += 1
    return n


class Lexer:
    """Words and operators of a script, with the offset each starts at."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def word(self) -> Word:
        text, n, start = self.text, len(self.text), self.pos
        out: list[str] = []
        subs: list[tuple[str, int]] = []
        i = start
        while i < n:
            c = text[i]
            if c == "'":
                end = text.find("'", i + 1)
                end = n if end < 0 else end
                out.append(text[i + 1:end])
                i = end + 1
            elif c == '"':
                end = _closing_quote(text, i)
                inner = text[i + 1:end - 1] if end <= n and text[end - 1:end] == '"' else text[i + 1:end]
                self._substitutions(inner, i + 1, subs)
                out.append(_unescape_double(inner))
                i = end
            elif c == "\\":
                if text.startswith("\n", i + 1):
                    i += 2  # a line continuation joins words
                else:
                    out.append(text[i + 1:i + 2])
                    i += 2
            elif c == "$" and text.startswith("$(", i):
                end = _closing(text, i + 1, "(", ")")
                subs.append((text[i + 2:end], i + 2))
                out.append(text[i:end + 1])
                i = end + 1
            elif c == "$" and text.startswith("${", i):
                end = _closing(text, i + 1, "{", "}")
                out.append(text[i:end + 1])
                i = end + 1
            elif c == "`":
                end = text.find("`", i + 1)
                end = n if end < 0 else end
                subs.append((text[i + 1:end], i + 1))
                out.append(text[i:end + 1])
                i = end + 1
            elif c in "<>" and text.startswith("(", i + 1) and i == start:
                end = _closing(text, i + 1, "(", ")")  # process substitution <(...)
                subs.append((text[i + 2:end], i + 2))
                out.append(text[i:end + 1])
                i = end + 1
            elif c == "$":
                out.append(c)  # `$VAR`: the name follows as plain characters
                i += 1
            else:
                match = PLAIN.match(text, i)
                if match is None:
                    break
                out.append(match.group())
                i = match.end()
        self.pos = i
        return Word("".join(out), text[start:i], start, subs)

    @staticmethod
    def _substitutions(inner: str, offset: int, subs: list[tuple[str, int]]) -> None:
        position = inner.find("$(")
        while position >= 0:
            end = _closing(inner, position + 1, "(", ")")
            subs.append((inner[position + 2:end], offset + position + 2))
            position = inner.find("$(", end)
        position = inner.find("`")
        while position >= 0:
            end = inner.find("`", position + 1)
            if end < 0:
                break
            subs.append((inner[position + 1:end], offset + position + 1))
            position = inner.find("`", end + 1)


def _unescape_double(inner: str) -> str:
    if "\\" not in inner:
        return inner
    return re.sub(r'\\([\\"$`\n])', lambda m: "" if m.group(1) == "\n" else m.group(1), inner)

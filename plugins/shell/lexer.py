"""Split a shell script into tokens: words (quotes kept), control operators and redirections,
each with the line it starts on.

This is a reader, not a shell: it knows quoting, escapes, comments, line continuations,
heredocs, `$(...)`, `${...}`, backticks and process substitution — what the checks need to
see commands and how each word is quoted. It never raises: on a syntax error it reads on as
best it can, because telling users about syntax errors is ShellCheck's job, and a misread
script should cost a few native checks, never the scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD, OPERATOR, REDIRECT, NEWLINE = "word", "operator", "redirect", "newline"

# Longest first, so `&&` is never read as two `&`.
_OPERATORS = (";;&", ";;", ";&", "&&", "||", "|&", "|", "&", ";", "(", ")")
_REDIRECTS = ("<<<", "<<-", "&>>", "<<", ">>", ">&", "<&", "<>", ">|", "&>", "<", ">")
_WORD_END = set(" \t\n|&;()<>")
_PAIRS = {"(": ")", "{": "}"}


def _by_first_character() -> dict[str, list[tuple[str, str]]]:
    """Operators by their first character, longest first, so `&&` is never read as `&`."""
    table: dict[str, list[tuple[str, str]]] = {}
    for kind, operators in ((REDIRECT, _REDIRECTS), (OPERATOR, _OPERATORS)):
        for op in operators:
            table.setdefault(op[0], []).append((kind, op))
    return table


_BY_FIRST_CHARACTER = _by_first_character()
_PLAIN = re.compile(r"[^\s|&;()<>'\"\\`$]+")  # characters that are just themselves
_PLAIN_QUOTED = re.compile(r'[^"\\$`]+')  # the same, inside double quotes
_ARRAY_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int


def _heredoc_delimiter(raw: str) -> tuple[str, bool]:
    """The delimiter word with quotes removed, and whether it was quoted (no expansion)."""
    quoted = any(c in raw for c in "'\"\\")
    return "".join(c for c in raw if c not in "'\"\\"), quoted


class _Lexer:
    def __init__(self, text: str, first_line: int = 1):
        self.text = text
        self.i = 0
        self.line = first_line
        self.tokens: list[Token] = []
        self.pending_heredocs: list[tuple[str, bool]] = []  # (delimiter, strip leading tabs)
        self.delimiter_for: str | None = None  # the `<<` operator waiting for its word

    # -- the main loop ------------------------------------------------------------------

    def run(self) -> list[Token]:
        text, end = self.text, len(self.text)
        while self.i < end:
            char = text[self.i]
            if char in " \t\r":
                self.i += 1
            elif text.startswith("\\\n", self.i):
                self.i += 2
                self.line += 1
            elif char == "\n":
                self.tokens.append(Token(NEWLINE, "\n", self.line))
                self.i += 1
                self.line += 1
                self._heredoc_bodies()
            elif char == "#":  # at the start of a word: a comment to the end of the line
                newline = text.find("\n", self.i)
                self.i = end if newline < 0 else newline
            elif char in "<>" and text.startswith("(", self.i + 1):
                self._word()  # process substitution `<(cmd)` is a word
            else:
                self._operator_or_word()
        return self.tokens

    def _operator_or_word(self) -> None:
        for kind, op in _BY_FIRST_CHARACTER.get(self.text[self.i], ()):
            if self.text.startswith(op, self.i):
                self.tokens.append(Token(kind, op, self.line))
                self.i += len(op)
                if op in ("<<", "<<-"):
                    self.delimiter_for = op
                return
        self._word()

    def _word(self) -> None:
        start, line = self.i, self.line
        self._read_word()
        raw = self.text[start:self.i].replace("\\\n", "")
        if raw.isdigit() and self.text.startswith(("<", ">"), self.i):
            return  # a file descriptor number (`2>&1`): part of the redirection
        self.tokens.append(Token(WORD, raw, line))
        if self.delimiter_for is not None:
            delimiter, _ = _heredoc_delimiter(raw)
            self.pending_heredocs.append((delimiter, self.delimiter_for == "<<-"))
            self.delimiter_for = None

    def _heredoc_bodies(self) -> None:
        """Skip the bodies of the heredocs opened on the line that just ended: they are data."""
        for delimiter, strip_tabs in self.pending_heredocs:
            while self.i < len(self.text):
                newline = self.text.find("\n", self.i)
                stop = len(self.text) if newline < 0 else newline
                body_line = self.text[self.i:stop].rstrip("\r")
                self.i = stop + 1
                self.line += 1
                if (body_line.lstrip("\t") if strip_tabs else body_line) == delimiter:
                    break
        self.pending_heredocs = []
        self.i = min(self.i, len(self.text))

    # -- words ----------------------------------------------------------------------------

    def _advance(self, count: int = 1) -> None:
        self.line += self.text.count("\n", self.i, self.i + count)
        self.i += count

    def _read_word(self) -> None:
        text, end, start = self.text, len(self.text), self.i
        while self.i < end:
            plain = _PLAIN.match(text, self.i)
            if plain:  # the common case, taken in one step
                self.i = plain.end()
                continue
            char = text[self.i]
            if char in "<>" and text.startswith("(", self.i + 1):
                self._advance()
                self._balanced("(")
            elif char == "(" and _ARRAY_ASSIGNMENT.fullmatch(text, start, self.i):
                self._balanced("(")  # `files=(a b)`: one word, not a subshell
            elif char in _WORD_END:
                return
            else:
                self._word_piece(char)

    def _word_piece(self, char: str) -> None:
        """One quoted string, substitution or plain character of a word."""
        text = self.text
        if char == "\\":
            self._advance(2)
        elif char == "'":
            self._until("'", escapes=False)
        elif char == '"':
            self._double_quoted()
        elif char == "`":
            self._until("`", escapes=True)
        elif char == "$" and text.startswith("'", self.i + 1):
            self._advance()
            self._until("'", escapes=True)
        elif char == "$" and self.i + 1 < len(text) and text[self.i + 1] in _PAIRS:
            self._advance()
            self._balanced(text[self.i])
        else:
            self._advance()

    def _until(self, close: str, escapes: bool) -> None:
        """From an opening quote to its closing twin (or the end of the text)."""
        self._advance()
        while self.i < len(self.text):
            char = self.text[self.i]
            if escapes and char == "\\":
                self._advance(2)
                continue
            self._advance()
            if char == close:
                return

    def _double_quoted(self) -> None:
        self._advance()
        text = self.text
        while self.i < len(text):
            plain = _PLAIN_QUOTED.match(text, self.i)
            if plain:
                self._advance(plain.end() - self.i)
                continue
            char = text[self.i]
            if char == '"':
                self._advance()
                return
            if char in "$`" or char == "\\":
                self._word_piece(char)
            else:
                self._advance()

    def _balanced(self, opening: str) -> None:
        """From `(` or `{` to its matching close, minding quotes and comments inside."""
        closing, depth = _PAIRS[opening], 0
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            if char == opening:
                depth += 1
                self._advance()
            elif char == closing:
                depth -= 1
                self._advance()
                if depth == 0:
                    return
            elif char == "#" and opening == "(" and text[self.i - 1] in " \t\n":
                newline = text.find("\n", self.i)
                self._advance((len(text) if newline < 0 else newline) - self.i)
            elif char in "\\'\"`$":
                self._word_piece(char)
            else:
                self._advance()


def tokenize(text: str, first_line: int = 1) -> list[Token]:
    """The tokens of a script (or of a Dockerfile `RUN` line starting at `first_line`)."""
    return _Lexer(text, first_line).run()

"""A shell script as the checks see it: pipelines of simple commands, each with its words,
leading assignments, line and nesting depth.

Built from `lexer.tokenize`. Compound commands are flattened: the commands inside `if`,
loops, functions, `{ }` and `( )` are listed in order, with `depth` counting the braces and
parentheses around them (0 is the script's top level), which is what tells a `set -e` that
applies to the whole script from one inside a function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from scaffold_plugins.shell.detect import DIALECTS, ScriptKind
from scaffold_plugins.shell.lexer import NEWLINE, OPERATOR, REDIRECT, WORD, Token, tokenize

_QUOTING = re.compile(r"['\"\\]")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
# Words that open or continue a compound command: the command proper follows them.
_PREFIX_KEYWORDS = {"if", "then", "else", "elif", "do", "while", "until", "!", "time"}
_CLOSING_KEYWORDS = {"fi", "done", "esac"}
_PIPES = {"|", "|&"}


@dataclass(frozen=True)
class Word:
    raw: str  # as written: quotes, escapes and `$` expansions kept
    line: int

    @cached_property
    def text(self) -> str:
        """The word with quotes and escapes removed (expansions are left as written)."""
        return unquote(self.raw)


@dataclass(frozen=True)
class Command:
    words: tuple[Word, ...]  # the command name and its arguments
    assignments: tuple[Word, ...]  # `NAME=value` words before the name
    line: int
    depth: int  # braces and parentheses around it; 0 at the script's top level
    subshell: int = 0  # parentheses around it: what it sets there ends with the subshell

    @property
    def name(self) -> str | None:
        return self.words[0].text if self.words else None

    @property
    def args(self) -> tuple[str, ...]:
        return tuple(word.text for word in self.words[1:])


@dataclass(frozen=True)
class Script:
    shebang: str | None
    dialect: str | None  # sh, bash, dash, ksh, busybox; None when nothing says
    pipelines: tuple[tuple[Command, ...], ...]
    directive_shell: str | None = None  # from a `# shellcheck shell=bash` comment
    shebang_flags: tuple[str, ...] = ()

    @property
    def commands(self) -> list[Command]:
        return [command for pipeline in self.pipelines for command in pipeline]


def unquote(raw: str) -> str:
    """Remove shell quoting from a word; `$VAR` and `$(...)` stay as written."""
    if not _QUOTING.search(raw):
        return raw
    out, i, quote = [], 0, None
    while i < len(raw):
        char = raw[i]
        if quote == "'":
            if char == "'":
                quote = None
            else:
                out.append(char)
        elif quote == "$'":  # ANSI-C quoting: backslash escapes, closed by `'`
            if char == "\\" and i + 1 < len(raw):
                out.append(raw[i + 1])
                i += 1
            elif char == "'":
                quote = None
            else:
                out.append(char)
        elif char == "$" and quote is None and raw.startswith("'", i + 1):
            quote = "$'"
            i += 1
        elif char == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if quote is None or nxt in '$`"\\':
                out.append(nxt)
            else:
                out.append(char + nxt)
            i += 1
        elif char == '"':
            quote = None if quote == '"' else '"'
        elif char == "'" and quote is None:
            quote = "'"
        else:
            out.append(char)
        i += 1
    return "".join(out)


@dataclass
class _Builder:
    """Turns the token stream into pipelines, one command at a time."""

    pipelines: list[tuple[Command, ...]] = field(default_factory=list)
    pipeline: list[Command] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    assignments: list[Word] = field(default_factory=list)
    depth: int = 0
    subshells: int = 0
    skip_next_word: bool = False  # the target of a redirection is no argument
    function_parens: bool = False  # inside the `()` of `name() {`

    def end_command(self) -> None:
        if self.words or self.assignments:
            line = (self.assignments or self.words)[0].line
            self.pipeline.append(Command(tuple(self.words), tuple(self.assignments), line,
                                         self.depth, self.subshells))
        self.words, self.assignments = [], []

    def end_pipeline(self) -> None:
        self.end_command()
        if self.pipeline:
            self.pipelines.append(tuple(self.pipeline))
        self.pipeline = []

    def word(self, token: Token) -> None:
        if self.skip_next_word:
            self.skip_next_word = False
            return
        text = token.text  # as written: a quoted `"if"` is no keyword, as in the shell
        if not self.words and not self.assignments:
            if text in _PREFIX_KEYWORDS:
                return
            if text in _CLOSING_KEYWORDS:
                return
            if text in ("{", "}"):
                self.depth += 1 if text == "{" else -1
                return
        if not self.words and ASSIGNMENT.match(text):
            self.assignments.append(Word(text, token.line))
        else:
            self.words.append(Word(text, token.line))

    def operator(self, token: Token) -> None:
        op = token.text
        if op in _PIPES:
            self.end_command()
        elif op == "(":
            if self.words:  # `name() {`: a function definition, not a command
                self.words, self.assignments = [], []
                self.function_parens = True
            else:
                self.end_pipeline()
                self.depth += 1
                self.subshells += 1
        elif op == ")":
            if self.function_parens:
                self.function_parens = False
            elif self.subshells:
                self.end_pipeline()
                self.depth -= 1
                self.subshells -= 1
            else:  # a `case` pattern such as `start)` or `stop|halt)`: no command
                self.words, self.assignments, self.pipeline = [], [], []
        else:
            self.end_pipeline()


def build(tokens: list[Token]) -> tuple[tuple[Command, ...], ...]:
    builder = _Builder()
    for token in tokens:
        if token.kind == WORD:
            builder.word(token)
        elif token.kind == REDIRECT:
            builder.skip_next_word = True
        elif token.kind == OPERATOR:
            builder.operator(token)
        elif token.kind == NEWLINE:
            builder.end_pipeline()
    builder.end_pipeline()
    return tuple(builder.pipelines)


# Commands that run the command named in their arguments: `sudo -u www rm -rf x` is an `rm`.
WRAPPERS = {"sudo", "doas", "env", "command", "exec", "nohup", "time", "nice", "builtin"}
_WRAPPER_VALUE_OPTIONS = {"-u", "-g", "-C", "-D", "-p", "-r", "-t", "-U", "-h", "-n"}


def strip_wrappers(words: tuple[Word, ...]) -> tuple[tuple[str, ...], tuple[Word, ...]]:
    """(the wrappers, the wrapped command's words) of `sudo -u app env A=1 rm -rf x`."""
    wrappers = []
    while words and words[0].text in WRAPPERS:
        wrappers.append(words[0].text)
        words = words[1:]
        while words and (words[0].text.startswith("-") or "=" in words[0].text):
            takes_value = words[0].text in _WRAPPER_VALUE_OPTIONS
            words = words[2:] if takes_value else words[1:]
    return tuple(wrappers), words


_DIRECTIVE = re.compile(r"#\s*shellcheck\s+(?:.*\s)?shell=([A-Za-z]+)")


def _directive_shell(text: str) -> str | None:
    """The dialect a `# shellcheck shell=bash` comment in the leading comments declares."""
    for line in text.split("\n", 50)[:50]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return None
        match = _DIRECTIVE.match(stripped)
        if match:
            return match.group(1)
    return None


def parse(text: str, kind: ScriptKind) -> Script:
    """Read a script whose kind `detect.script_kind` found."""
    directive = _directive_shell(text)
    dialect = kind.dialect if kind.shebang else (
        DIALECTS.get(directive or "", None) or kind.dialect)
    return Script(kind.shebang, dialect, build(tokenize(text)), directive, kind.flags)

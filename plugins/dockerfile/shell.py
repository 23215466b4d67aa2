"""Just enough POSIX shell to see the commands a `RUN` line runs, with their lines.

Checks ask questions such as "does this RUN call `apt-get install` without `-y`?" or "is
`curl` piped into `sh`?". Splitting on spaces gets those wrong (quotes, `&&` without spaces,
`sudo`, `VAR=x cmd`, `sh -c "..."`), so this module turns a script into a flat list of
`Command`s: the words of each simple command with quotes removed, env prefixes and wrappers
(`sudo`, `env`, `xargs`...) peeled off, `sh -c` strings, `$(...)` and heredoc scripts fed to
a shell parsed as commands too. It is not a shell: no expansion, and control keywords
(`if`, `then`, `do`...) are simply dropped, which is what line-oriented checks want.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .lexer import BLANKS, OPERATOR, REDIRECT, Lexer, LineMap, Word
from .wrappers import peel

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox-sh"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_ENDERS = frozenset({"fi", "done", "esac", "}"})
_DROPPED = frozenset({"for", "case", "function", "select"})  # their words are not a command


class Command(NamedTuple):
    """One simple command as the shell would run it.

    `argv` has quotes removed and env prefixes and wrappers peeled off; `raw` is the same
    words as written (quotes kept), for checks that must see `$(...)` or quoting.
    """

    argv: tuple[str, ...]
    line: int
    raw: tuple[str, ...] = ()
    name: str = ""  # the program's base name: `/usr/bin/apt-get` -> `apt-get`
    env: tuple[tuple[str, str], ...] = ()  # `NAME=value` prefixes (and plain assignments)
    wrappers: tuple[str, ...] = ()  # e.g. ("sudo",) for `sudo apt-get ...`
    pipeline: int = 0  # commands joined by `|` share the number
    piped: bool = False  # its stdin is the previous command's stdout
    heredocs: tuple[str, ...] = ()  # delimiters of its `<<` redirections, in order
    nested: bool = False  # found inside `sh -c`, `$(...)` or a heredoc fed to a shell

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]


class Options:
    """A command's options and operands, GNU-style (options may follow operands).

    `values` names the options that take a value (`-o`, `--target`); a short option that
    takes one may carry it glued (`-ofile`). Long options are kept with their `--`.
    """

    __slots__ = ("flags", "operands")

    def __init__(self, args: Sequence[str], values: frozenset[str] = frozenset()) -> None:
        self.flags: list[tuple[str, str | None]] = []
        self.operands: list[str] = []
        words = iter(args)
        for word in words:
            if word == "--":
                self.operands.extend(words)
                break
            if word.startswith("--"):
                name, sep, value = word.partition("=")
                if not sep and name in values:
                    value = next(words, "")
                self.flags.append((name, value if (sep or name in values) else None))
            elif word.startswith("-") and len(word) > 1 and word != "-":
                self._cluster(word, words, values)
            else:
                self.operands.append(word)

    def _cluster(self, word: str, words: Iterable[str], values: frozenset[str]) -> None:
        for index in range(1, len(word)):
            flag = "-" + word[index]
            if flag in values:
                rest = word[index + 1:]
                self.flags.append((flag, rest if rest else next(iter(words), "")))
                return
            self.flags.append((flag, None))

    def has(self, *names: str) -> bool:
        return any(flag in names for flag, _ in self.flags)

    def value(self, *names: str) -> str | None:
        found = [value for flag, value in self.flags if flag in names]
        return found[-1] if found else None

    def count(self, name: str) -> int:
        return sum(1 for flag, _ in self.flags if flag == name)


# --- the parser -----------------------------------------------------------------------------


class _Builder:
    """Groups words into commands and pipelines while the lexer walks the text."""

    def __init__(self, text: str, lines: LineMap, nested: bool, depth: int,
                 ids: itertools.count[int]) -> None:
        self.text, self.lines, self.nested, self.depth = text, lines, nested, depth
        self.ids = ids  # shared with nested scripts, so pipeline numbers never collide
        self.commands: list[Command] = []
        self.words: list[Word] = []
        self.heredocs: list[tuple[str, bool]] = []  # pending `<<` of the current command
        self.pending: list[tuple[str, bool, int]] = []  # (delimiter, strip, command index)
        self.pipeline = next(ids)
        self.piped = False
        self.extra: list[tuple[int, list[Command]]] = []  # nested scripts, inserted after

    def run(self) -> list[Command]:
        lexer, text, n = Lexer(self.text), self.text, len(self.text)
        while lexer.pos < n:
            blanks = BLANKS.match(text, lexer.pos)
            if blanks:
                lexer.pos = blanks.end()
                continue
            c = text[lexer.pos]
            if c == "\n":
                self.end_command(new_pipeline=True)
                lexer.pos = self.skip_heredoc_bodies(lexer.pos + 1)
                continue
            if c == "#":  # a word starting with # is a comment (inside a word it is not)
                end = text.find("\n", lexer.pos)
                lexer.pos = n if end < 0 else end
                continue
            if c == "\\" and text.startswith("\n", lexer.pos + 1):
                lexer.pos += 2
                continue
            if c in "<>" and text.startswith("(", lexer.pos + 1):
                self.words.append(lexer.word())  # process substitution: a word
                continue
            if c in "<>&" or c.isdigit():
                redirect = REDIRECT.match(text, lexer.pos)
                if redirect and not (c.isdigit() and self._inside_word(lexer.pos)):
                    lexer.pos = self.redirect(lexer, redirect)
                    continue
            operator = OPERATOR.match(text, lexer.pos)
            if operator:
                self.operator(operator.group())
                lexer.pos = operator.end()
                continue
            word = lexer.word()
            if not word.raw:  # a stray character the lexer cannot place: skip it
                lexer.pos += 1
                continue
            self.words.append(word)
        self.end_command(new_pipeline=True)
        return self.merged()

    def _inside_word(self, position: int) -> bool:
        """`2>&1` redirects; `a2>b` is the word `a2` then a redirection."""
        return position > 0 and not self.text[position - 1].isspace() \
            and self.text[position - 1] not in ";&|()"

    def redirect(self, lexer: Lexer, match: re.Match) -> int:
        operator = match.group().lstrip("0123456789&")
        lexer.pos = match.end()
        blanks = BLANKS.match(self.text, lexer.pos)
        if blanks:
            lexer.pos = blanks.end()
        target = lexer.word() if lexer.pos < len(self.text) else Word("", "", lexer.pos, [])
        if operator in ("<<", "<<-") and target.text:
            self.heredocs.append((target.text, operator == "<<-"))
        elif target.subs:  # `> >(tee log)` or `< <(curl ...)`: still commands
            self.words.append(Word("", "", target.offset, target.subs))
        return lexer.pos

    def operator(self, operator: str) -> None:
        if operator in ("|", "|&"):
            self.end_command(new_pipeline=False)
            self.piped = True
        else:
            self.end_command(new_pipeline=True)

    def end_command(self, new_pipeline: bool) -> None:
        words = [w for w in self.words if w.raw]
        subs_of = [(w.text, w.subs) for w in self.words if w.subs]
        self.words = []
        script = None
        command = self.make(words) if words else None
        if command is not None:
            index = len(self.commands)
            self.commands.append(command)
            self.pending.extend((d, strip, index) for d, strip in self.heredocs)
            script = shell_script_argument(command)
            if script is not None:
                self.extra.append((index + 1, self.script_of(command, script)))
        else:  # `done <<EOF`: the body is still data to skip
            self.pending.extend((d, strip, -1) for d, strip in self.heredocs)
        self.heredocs = []
        # `sh -c "$(curl ...)"`: the script's own parse sees that substitution; not twice.
        subs = [sub for text, found in subs_of if text != script for sub in found]
        for body, offset in subs:
            if body.startswith("("):  # $((arithmetic))
                continue
            self.extra.append((len(self.commands), self.parse_nested(body, self.lines.line(offset))))
        if new_pipeline:
            self.pipeline = next(self.ids)
            self.piped = False

    def make(self, words: list[Word]) -> Command | None:
        texts = [w.text for w in words]
        raws = [w.raw for w in words]
        line = self.lines.line(words[0].offset)
        while texts and texts[0] in _KEYWORDS:
            texts, raws = texts[1:], raws[1:]
        if not texts or texts[0] in _ENDERS or texts[0] in _DROPPED:
            return None
        env, wrappers, start = peel(texts)
        argv, raw = tuple(texts[start:]), tuple(raws[start:])
        return Command(argv, line, raw, program(argv), tuple(env), tuple(wrappers), self.pipeline,
                       self.piped and bool(argv), tuple(d for d, _ in self.heredocs), self.nested)

    def script_of(self, command: Command, script: str) -> list[Command]:
        """`sh -c "script"` (and `su -c`): the script's commands, at the command's line."""
        if self.depth >= 4:
            return []
        found = parse_script(script, LineMap.of_text(script, command.line), nested=True,
                             depth=self.depth + 1, ids=self.ids)
        if pipefail_option(command):
            found.insert(0, _set_pipefail(command.line))
        return found

    def parse_nested(self, body: str, line: int) -> list[Command]:
        if self.depth >= 4:
            return []
        return parse_script(body, LineMap.of_text(body, line), nested=True, depth=self.depth + 1,
                            ids=self.ids)

    def skip_heredoc_bodies(self, position: int) -> int:
        """After a newline, the bodies of the heredocs opened on that line."""
        text = self.text
        for delimiter, strip, index in self.pending:
            start = position
            while position < len(text):
                end = text.find("\n", position)
                end = len(text) if end < 0 else end
                line = text[position:end]
                position = end + 1
                if (line.lstrip("\t") if strip else line) == delimiter:
                    break
            if index >= 0 and reads_script_from_stdin(self.commands[index]):
                body_end = text.rfind("\n", start, max(position - 1, start))
                body = text[start:body_end + 1] if body_end >= start else ""
                found = self.parse_nested(body, self.lines.line(start))
                self.extra.append((index + 1, found))
        self.pending = []
        return min(position, len(text))

    def merged(self) -> list[Command]:
        """The commands with nested ones placed right after the command they came from."""
        if not self.extra:
            return self.commands
        out: list[Command] = []
        extra = sorted(self.extra, key=lambda item: item[0])
        position = 0
        for index, command in enumerate(self.commands):
            while position < len(extra) and extra[position][0] <= index:
                out.extend(extra[position][1])
                position += 1
            out.append(command)
        for _, found in extra[position:]:
            out.extend(found)
        return out


# --- questions about commands ---------------------------------------------------------------

_SHELL_VALUES = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def _shell_options(command: Command) -> Options | None:
    if command.name not in SHELLS:
        return None
    return Options(command.args, _SHELL_VALUES)


def shell_script_argument(command: Command) -> str | None:
    """The script of `sh -c 'script'`, `bash -ec "..."` or `su -c "..." user`, else None."""
    if command.name == "su":
        options = Options(command.args, frozenset({"-c", "--command", "-s", "--shell", "-g", "-G"}))
        return options.value("-c", "--command")
    if command.name not in SHELLS:
        return None
    args, index, script_follows = command.args, 0, False
    while index < len(args):
        word = args[index]
        if not word.startswith(("-", "+")) or word in ("-", "--"):
            # the first operand: the script when -c was seen, else a script file or stdin
            return word if script_follows else None
        if word in _SHELL_VALUES:
            index += 2
            continue
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            script_follows = True
        index += 1
    return None


def pipefail_option(command: Command) -> bool:
    """`bash -o pipefail -c ...` or `bash -euo pipefail -c ...`."""
    args = command.args
    return any(word == "pipefail" and index > 0 and args[index - 1].startswith("-")
               and args[index - 1].endswith("o") for index, word in enumerate(args))


def reads_script_from_stdin(command: Command) -> bool:
    """A shell reading its program from stdin: `sh`, `bash -s -- x`, `bash -`, `sh /dev/stdin`."""
    options = _shell_options(command)
    if options is None or options.has("-c"):
        return False
    if options.has("-s"):
        return True
    return not options.operands or options.operands[0] in ("-", "/dev/stdin")


def sets_pipefail(command: Command) -> bool | None:
    """True for `set -o pipefail` (any cluster ending in o), False for `set +o pipefail`."""
    if command.name != "set":
        return None
    args = command.args
    for index, word in enumerate(args):
        if word == "pipefail" and index > 0:
            flag = args[index - 1]
            if flag.startswith("-") and flag.endswith("o"):
                return True
            if flag == "+o":
                return False
    return None


def parse_script(text: str, lines: LineMap, *, nested: bool = False, depth: int = 0,
                 ids: itertools.count[int] | None = None) -> list[Command]:
    """The commands of shell `text`, nested ones (`sh -c`, `$(...)`) right after their parent."""
    return _Builder(text, lines, nested, depth, ids or itertools.count()).run()


def commands_from_argv(argv: Sequence[str], line: int) -> list[Command]:
    """An exec-form `RUN ["sh", "-c", "..."]`: one command, and the script it runs."""
    if not argv:
        return []
    env, wrappers, start = peel(list(argv))
    ids = itertools.count(1)
    words = tuple(argv[start:])
    command = Command(words, line, words, program(words), tuple(env), tuple(wrappers))
    out = [command]
    script = shell_script_argument(command)
    if script is not None:
        if pipefail_option(command):
            out.append(_set_pipefail(line))
        out.extend(parse_script(script, LineMap.of_text(script, line), nested=True, depth=1,
                                ids=ids))
    return out


def program(argv: Sequence[str]) -> str:
    """The base name of the program a command runs."""
    return argv[0].rsplit("/", 1)[-1] if argv else ""


def _set_pipefail(line: int) -> Command:
    """What `bash -o pipefail -c ...` means for the script it runs."""
    words = ("set", "-o", "pipefail")
    return Command(words, line, words, "set", nested=True)



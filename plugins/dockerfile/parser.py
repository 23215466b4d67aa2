"""A pure-Python Dockerfile parser that reads files the way BuildKit's frontend does.

Checks need exact line numbers and the same words Docker acts on (continuations, heredocs,
exec vs shell form, stages, ARG substitution in FROM), without calling Docker. The parser
follows `moby/buildkit/frontend/dockerfile/parser` and `instructions/parse.go`; where BuildKit
only fails at build time (unknown instruction, FROM not first, bad arguments) it raises
`ParseError` at the instruction's first line so the engine can report it as a finding.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from scaffold.errors import ParseError

from .words import (
    SHAPES,
    expand,
    extract_flags,
    parse_heredoc_word,
    parse_key_values,
    split_image,
    split_words,
    unquote,
)

__all__ = ["Dockerfile", "Heredoc", "Instruction", "Stage", "parse", "parse_key_values", "split_image"]

_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*")
_DIRECTIVE_KEYS = frozenset({"syntax", "escape", "check"})
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_SHELL_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT"})


class Heredoc(NamedTuple):
    """One `<<EOF` document: its body is what the shell or COPY/ADD would receive."""

    delimiter: str
    body: str  # every line ends with "\n"; leading tabs already removed when strip_tabs
    line: int  # the first body line (the terminator's line when the body is empty)
    strip_tabs: bool  # `<<-EOF`
    expand: bool  # False when the delimiter was quoted: Docker leaves `$VAR` alone


class Instruction(NamedTuple):
    """One instruction, with its source span kept so findings point at the right lines.

    `args` are the words BuildKit hands the instruction: the JSON items in exec form; the one
    shell command for shell-form RUN/CMD/ENTRYPOINT; whitespace-split words for COPY/ADD/VOLUME/
    FROM/EXPOSE; the raw (still quoted) words for ENV/LABEL/ARG, whose unquoted key-values are
    in `pairs`; the whole text for USER/WORKDIR/MAINTAINER/STOPSIGNAL; `("NONE",)` or
    `("CMD", *command)` for HEALTHCHECK; the trigger's keyword and args for ONBUILD.
    """

    keyword: str  # upper-case
    line: int
    end_line: int  # last line, heredoc terminators included
    value: str  # arguments after the flags, continuations joined as BuildKit joins them
    flags: tuple[tuple[str, str | None], ...] = ()  # `--name=value` in order; bare `--link` → None
    exec_form: tuple[str, ...] | None = None  # the JSON array, when the arguments were one
    heredocs: tuple[Heredoc, ...] = ()
    stage: int = -1  # index of the enclosing stage; -1 for ARGs before the first FROM
    source: str = ""  # the original lines, comments and heredoc bodies included
    onbuild: Instruction | None = None  # the trigger of an ONBUILD
    args: tuple[str, ...] = ()  # BuildKit's argument words (JSON items, split words, …)
    pairs: tuple[tuple[str, str | None], ...] = ()  # ENV/LABEL/ARG key-values, quotes removed

    def flag(self, name: str) -> str | None:
        """The last value given for `--name` (Docker keeps the last), or None."""
        values = self.flag_values(name)
        return values[-1] if values else None

    def flag_values(self, name: str) -> list[str | None]:
        """Every value of a repeatable flag such as `--mount`, in order."""
        return [value for key, value in self.flags if key == name]

    def has_flag(self, name: str) -> bool:
        """Whether `--name` was given at all (a bare `--link` has the value None)."""
        return any(key == name for key, _ in self.flags)

    @property
    def shell(self) -> str | None:
        """The script a shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD hands to the shell.

        For RUN with heredocs it is what BuildKit runs: the body alone for `RUN <<EOF`,
        otherwise the command line followed by each body and its delimiter. None for exec form
        and for instructions that run nothing.
        """
        if self.exec_form is not None:
            return None
        if self.keyword == "HEALTHCHECK":
            return self.args[1] if self.args[0] == "CMD" else None
        if self.keyword not in _SHELL_KEYWORDS:
            return None
        if not self.heredocs:
            return self.value
        if len(self.heredocs) == 1 and parse_heredoc_word(self.value) is not None:
            return self.heredocs[0].body
        return self.value + "".join(f"\n{doc.body}{doc.delimiter}" for doc in self.heredocs)

    @property
    def sources(self) -> tuple[str, ...]:
        """COPY/ADD sources (a heredoc source stays as its `<<EOF` word)."""
        return self.args[:-1] if self.keyword in ("COPY", "ADD") else ()

    @property
    def destination(self) -> str | None:
        """COPY/ADD destination."""
        return self.args[-1] if self.keyword in ("COPY", "ADD") else None


class Stage(NamedTuple):
    """A build stage: a FROM and the instructions up to the next FROM."""

    index: int
    name: str | None  # lower-cased, as Docker matches stage names
    image: str  # as written
    resolved_image: str  # after substituting ARGs declared before the first FROM
    platform: str | None
    line: int
    instructions: tuple[Instruction, ...]  # the FROM first
    base_stage: int | None = None  # the earlier stage this one builds on, if any

    @property
    def is_scratch(self) -> bool:
        """FROM scratch: an empty base, so there is no shell or package manager."""
        return self.resolved_image == "scratch"


class Dockerfile(NamedTuple):
    """A parsed Dockerfile: everything checks need, without Docker."""

    directives: tuple[tuple[str, str], ...]  # (lower-case key, value) from the top of the file
    escape: str
    instructions: tuple[Instruction, ...]
    global_args: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    comments: tuple[tuple[int, str], ...]  # (line, text after "#", stripped); directives excluded

    @property
    def final_stage(self) -> Stage:
        """The stage `docker build` produces when no --target is given."""
        return self.stages[-1]

    def directive(self, name: str) -> str | None:
        """The value of a parser directive such as `syntax`, or None."""
        return dict(self.directives).get(name.lower())

    def stage_by_name(self, name: str) -> Stage | None:
        """The stage `COPY --from=name` would use: the last one named so, or a numeric index."""
        if name.isdigit():
            index = int(name)
            return self.stages[index] if index < len(self.stages) else None
        wanted = name.lower()
        return next((stage for stage in reversed(self.stages) if stage.name == wanted), None)


def parse(text: str) -> Dockerfile:
    """Parse Dockerfile `text`; raise ParseError at the offending line when Docker would refuse it."""
    lines = _split_lines(text)
    directives, escape, start = _read_directives(lines)
    reader = _Reader(lines, start, escape)
    instructions: list[Instruction] = []
    stage = -1
    while (span := reader.next_logical_line()) is not None:
        line, joined = span
        head = _parse_head(joined, line, escape)
        specs = _heredoc_specs(head, joined) if "<<" in joined else None
        heredocs = reader.read_heredocs(specs, line) if specs else ()
        if head.keyword == "FROM":
            stage += 1
        elif stage < 0 and head.keyword != "ARG":
            raise ParseError(f"{head.keyword} before the first FROM: only ARG may come before FROM", line)
        source = "\n".join(lines[line - 1 : reader.pos])
        instructions.append(_build(head, line, reader.pos, heredocs, stage, source))
    if not instructions:
        raise ParseError("Dockerfile has no instructions", 1)
    if stage < 0:  # BuildKit: "dockerfile contains no stages to build"
        raise ParseError("Dockerfile has no FROM: there is no stage to build", instructions[-1].line)
    global_args = tuple(i for i in instructions if i.stage < 0)
    stages = _build_stages(instructions, _global_env(global_args, escape), escape)
    return Dockerfile(directives, escape, tuple(instructions), global_args, stages, tuple(reader.comments))


# --- lines, directives, continuations, heredocs --------------------------------------------


def _split_lines(text: str) -> list[str]:
    """Physical lines without their endings; a BOM and stray `\\r` before `\\n` are dropped."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line.rstrip("\r") for line in lines]
    return lines


def _read_directives(lines: list[str]) -> tuple[tuple[tuple[str, str], ...], str, int]:
    """Directives at the very top; the first line that is not one ends them for good."""
    found: list[tuple[str, str]] = []
    escape = "\\"
    for index, raw in enumerate(lines):
        match = _DIRECTIVE.fullmatch(raw.lstrip())
        key = match.group(1).lower() if match else ""
        if key not in _DIRECTIVE_KEYS:
            return tuple(found), escape, index
        if any(key == seen for seen, _ in found):
            raise ParseError(f"only one {key} parser directive can be used", index + 1)
        value = match.group(2)  # type: ignore[union-attr]
        if key == "escape":
            if value not in ("\\", "`"):
                raise ParseError(f"invalid escape token '{value}' does not match ` or \\", index + 1)
            escape = value
        found.append((key, value))
    return tuple(found), escape, len(lines)


class _Reader:
    """Walks physical lines: joins continuations, collects comments, reads heredoc bodies."""

    def __init__(self, lines: list[str], start: int, escape: str) -> None:
        self.lines = lines
        self.pos = start  # index of the next unread line == number of the last line read
        self.escape = escape
        self.comments: list[tuple[int, str]] = []

    def next_logical_line(self) -> tuple[int, str] | None:
        """`(first line, joined text)` of the next instruction, or None at the end."""
        lines = self.lines
        while self.pos < len(lines):
            first = lines[self.pos].lstrip()
            self.pos += 1
            if not first or self._is_comment(first):
                continue
            start = self.pos
            text, more = self._trim_continuation(first)
            if not more:
                return start, text
            joined = text + self._continued()
            if joined.strip():
                return start, joined
        return None

    def _continued(self) -> str:
        """The lines a trailing escape carries on to, joined the way BuildKit joins them."""
        lines, parts, more = self.lines, [], True
        while more and self.pos < len(lines):
            raw = lines[self.pos]
            self.pos += 1
            stripped = raw.lstrip()
            # BuildKit drops comment and blank lines inside a continuation.
            if not stripped or self._is_comment(stripped):
                continue
            text, more = self._trim_continuation(raw)
            parts.append(text)
        return "".join(parts)

    def _is_comment(self, stripped: str) -> bool:
        if stripped[0] != "#":
            return False
        self.comments.append((self.pos, stripped[1:].strip()))
        return True

    def _trim_continuation(self, line: str) -> tuple[str, bool]:
        """Drop a trailing escape (and blanks after it) unless the escape is itself escaped."""
        trimmed = line.rstrip(" \t")
        escape = self.escape
        if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
            return trimmed[:-1], True
        return line, False

    def read_heredocs(self, specs: list[tuple[str, bool, bool]], line: int) -> tuple[Heredoc, ...]:
        """Read one body per heredoc, in order, each up to its delimiter line."""
        docs = []
        for delimiter, strip_tabs, expand_vars in specs:
            first = self.pos + 1
            body: list[str] = []
            while True:
                if self.pos >= len(self.lines):
                    raise ParseError(f"unterminated heredoc: no line {delimiter!r} closes it", line)
                raw = self.lines[self.pos]
                self.pos += 1
                text = raw.lstrip("\t") if strip_tabs else raw
                if text == delimiter:
                    break
                body.append(text + "\n")
            docs.append(Heredoc(delimiter, "".join(body), first, strip_tabs, expand_vars))
        return tuple(docs)


# --- one instruction -----------------------------------------------------------------------


class _Head(NamedTuple):
    """An instruction's words before its heredocs and position in the file are known."""

    keyword: str
    value: str
    flags: tuple[tuple[str, str | None], ...]
    args: tuple[str, ...]
    exec_form: tuple[str, ...] | None
    pairs: tuple[tuple[str, str | None], ...]
    trigger: _Head | None


def _parse_head(text: str, line: int, escape: str) -> _Head:
    """Keyword, flags and argument shape of one logical line (an ONBUILD's trigger too)."""
    parts = text.split(None, 1)
    word, rest = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    keyword = word.upper()
    shaper = SHAPES.get(keyword)
    if shaper is None and keyword != "ONBUILD":
        raise ParseError(f"unknown instruction: {word}", line)
    flags, rest = extract_flags(rest)
    if keyword == "ONBUILD":
        trigger = _parse_trigger(rest, line, escape)
        return _Head(keyword, rest, flags, (trigger.keyword, *trigger.args), None, (), trigger)
    try:
        args, exec_form, pairs = shaper(keyword, rest, escape)  # type: ignore[misc]
    except ValueError as exc:
        raise ParseError(str(exc), line) from None
    return _Head(keyword, rest, flags, args, exec_form, pairs, None)


def _parse_trigger(rest: str, line: int, escape: str) -> _Head:
    """The instruction an ONBUILD wraps; Docker refuses ONBUILD, FROM and MAINTAINER there."""
    if not rest:
        raise ParseError("ONBUILD requires at least one argument", line)
    trigger = _parse_head(rest, line, escape)
    if trigger.keyword == "ONBUILD":
        raise ParseError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", line)
    if trigger.keyword in ("FROM", "MAINTAINER"):
        raise ParseError(f"{trigger.keyword} isn't allowed as an ONBUILD trigger", line)
    return trigger


def _heredoc_specs(head: _Head, text: str) -> list[tuple[str, bool, bool]]:
    """Heredocs opened on this line: only shell-form RUN and non-JSON COPY/ADD take them."""
    target = head.trigger or head
    if target.keyword not in _HEREDOC_KEYWORDS or target.exec_form is not None:
        return []
    words = split_words(text, heredoc=True)
    return [spec for word in words if (spec := parse_heredoc_word(word)) is not None]


def _build(
    head: _Head, line: int, end: int, heredocs: tuple[Heredoc, ...], stage: int, source: str
) -> Instruction:
    trigger = head.trigger and _build(head.trigger, line, end, heredocs, stage, source)
    return Instruction(
        head.keyword, line, end, head.value, head.flags, head.exec_form,
        heredocs, stage, source, trigger, head.args, head.pairs,
    )  # fmt: skip


# --- stages --------------------------------------------------------------------------------


def _global_env(global_args: tuple[Instruction, ...], escape: str) -> dict[str, str]:
    """Values of ARGs before the first FROM, each default expanded with the ones before it."""
    env: dict[str, str] = {}
    for instruction in global_args:
        for word in instruction.args:
            name, sep, raw = word.partition("=")
            if sep:
                env[unquote(name, escape)] = expand(raw, env, escape)
    return env


def _build_stages(instructions: list[Instruction], env: dict[str, str], escape: str) -> tuple[Stage, ...]:
    """Group the instructions after each FROM into its stage."""
    groups: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            groups.append([instruction])
        elif groups:
            groups[-1].append(instruction)
    stages: list[Stage] = []
    names: dict[str, int] = {}
    for index, group in enumerate(groups):
        stage = _stage(index, group, env, escape, names)
        if stage.name:
            names[stage.name] = index
        stages.append(stage)
    return tuple(stages)


def _stage(
    index: int, group: list[Instruction], env: dict[str, str], escape: str, names: dict[str, int]
) -> Stage:
    """One stage; it builds on an earlier stage when its resolved image is that stage's name."""
    from_ = group[0]
    image = from_.args[0]
    resolved = expand(image, env, escape)
    name = from_.args[2].lower() if len(from_.args) == 3 else None
    return Stage(
        index, name, image, resolved, from_.flag("platform"), from_.line,
        tuple(group), names.get(resolved.lower()),
    )  # fmt: skip

"""What many checks need about one Dockerfile, computed once per file and shared.

The engine runs some fifty checks on each Dockerfile one after the other, so the expensive
parts (tokenizing every RUN, mapping words back to physical lines, walking stage chains)
happen once, on first use, and are cached by the identity of the parsed `Dockerfile`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any, NamedTuple

from .parser import Dockerfile, Heredoc, Instruction, Stage
from .shell import (
    SHELLS,
    Command,
    LineMap,
    commands_from_argv,
    parse_script,
    reads_script_from_stdin,
)
from .words import parse_heredoc_word

_SHEBANG = re.compile(r"#!\s*(\S+)(?:\s+(\S+))?")
_WINDOWS_IMAGE = re.compile(r"nanoserver|servercore|(?:^|/)windows(?:/|:|$)")


class Run(NamedTuple):
    """A RUN (or ONBUILD RUN) and the commands it runs, each with its physical line."""

    instruction: Instruction  # for ONBUILD RUN, the trigger
    stage: int
    commands: tuple[Command, ...]
    onbuild: bool = False

    @property
    def line(self) -> int:
        return self.instruction.line


class Analysis:
    """Lazily computed facts about one parsed Dockerfile."""

    def __init__(self, dockerfile: Dockerfile) -> None:
        self.dockerfile = dockerfile
        self._memo: dict[Any, Any] = {}

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per key for this file: checks share derived facts this way."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def mounts(self, instruction: Instruction) -> list[dict[str, str]]:
        """`mounts(instruction)`, parsed once."""
        return self.memo(("mounts", instruction.line, instruction.keyword),
                         lambda: mounts(instruction))

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """Every RUN in file order, ONBUILD RUN triggers included (they run in child builds)."""
        found = []
        escape = self.dockerfile.escape
        for instruction in self.dockerfile.instructions:
            if instruction.keyword == "RUN":
                found.append(Run(instruction, instruction.stage,
                                 tuple(run_commands(instruction, escape))))
            elif instruction.keyword == "ONBUILD" and instruction.onbuild is not None \
                    and instruction.onbuild.keyword == "RUN":
                trigger = instruction.onbuild
                found.append(Run(trigger, instruction.stage,
                                 tuple(run_commands(trigger, escape)), onbuild=True))
        return tuple(found)

    @cached_property
    def final_chain(self) -> frozenset[int]:
        """Indexes of the stages whose layers end up in the image `docker build` produces."""
        return frozenset(stage.index for stage in self.chain(self.dockerfile.final_stage))

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage and the earlier stages it builds on (`FROM <stage>`), nearest first."""
        stages = self.dockerfile.stages
        chain, seen = [stage], {stage.index}
        while chain[-1].base_stage is not None and chain[-1].base_stage not in seen:
            seen.add(chain[-1].base_stage)
            chain.append(stages[chain[-1].base_stage])
        return chain

    def shipped_runs(self) -> Iterator[Run]:
        """RUNs whose layers are in the final image (not ONBUILD: they run elsewhere)."""
        chain = self.final_chain
        return (run for run in self.runs if run.stage in chain and not run.onbuild)

    def before(self, instruction: Instruction) -> Iterator[Instruction]:
        """Instructions that take effect before `instruction` in its stage chain."""
        if instruction.stage < 0:
            return
        stage = self.dockerfile.stages[instruction.stage]
        for ancestor in reversed(self.chain(stage)[1:]):
            yield from ancestor.instructions
        for earlier in stage.instructions:
            if earlier.line >= instruction.line:
                break
            yield earlier

    @cached_property
    def windows(self) -> bool:
        """Whether the final image is a Windows one (users and shells work differently)."""
        root = self.chain(self.dockerfile.final_stage)[-1]
        return bool(_WINDOWS_IMAGE.search(root.resolved_image.lower()))

    def last_in_final_stage(self, keyword: str) -> Instruction | None:
        """The last `keyword` instruction in force in the final image (inherited too)."""
        for stage in self.chain(self.dockerfile.final_stage):
            found = [i for i in stage.instructions if i.keyword == keyword]
            if found:
                return found[-1]
        return None


def with_triggers(dockerfile: Dockerfile) -> Iterator[Instruction]:
    """Every instruction, with an ONBUILD's trigger in its place: `ONBUILD ADD . /app` is an
    ADD that runs in every image built on this one (and its line is the ONBUILD's)."""
    for instruction in dockerfile.instructions:
        if instruction.keyword == "ONBUILD" and instruction.onbuild is not None:
            yield instruction.onbuild
        else:
            yield instruction


_CACHE: dict[int, tuple[Dockerfile, Analysis]] = {}


def analyze(dockerfile: Dockerfile) -> Analysis:
    """The shared `Analysis` of `dockerfile` (the few most recent files are kept)."""
    hit = _CACHE.get(id(dockerfile))
    if hit is not None and hit[0] is dockerfile:
        return hit[1]
    if len(_CACHE) >= 4:  # checks run file by file: a tiny cache has every hit
        _CACHE.clear()
    analysis = Analysis(dockerfile)
    _CACHE[id(dockerfile)] = (dockerfile, analysis)
    return analysis


# --- RUN scripts and their lines ------------------------------------------------------------


def run_commands(instruction: Instruction, escape: str) -> list[Command]:
    """The commands a RUN runs: exec form, shell form, heredoc scripts fed to a shell."""
    if instruction.exec_form is not None:
        return commands_from_argv(instruction.exec_form, instruction.line)
    value, heredocs = instruction.value, instruction.heredocs
    if len(heredocs) == 1 and parse_heredoc_word(value) is not None:
        return heredoc_script(heredocs[0])  # `RUN <<EOF`: the body is the script
    commands = parse_script(value, value_lines(instruction, escape))
    if not heredocs:
        return commands
    out: list[Command] = []
    bodies = iter(heredocs)
    for command in commands:
        out.append(command)
        if command.nested:
            continue
        for _ in command.heredocs:  # `RUN bash <<EOF`: the body is a script; `cat <<EOF`: data
            body = next(bodies, None)
            if body is not None and reads_script_from_stdin(command):
                out.extend(heredoc_script(body, nested=True))
    return out


def heredoc_script(heredoc: Heredoc, nested: bool = False) -> list[Command]:
    """A heredoc body run as a script, unless its shebang names another interpreter."""
    body = heredoc.body
    if body.startswith("#!"):
        match = _SHEBANG.match(body)
        program = posixpath.basename(match.group(1)) if match else ""
        if program == "env" and match and match.group(2):
            program = posixpath.basename(match.group(2))
        if program not in SHELLS:
            return []
    return parse_script(body, LineMap.of_text(body, heredoc.line), nested=nested)


def _trim(line: str, escape: str) -> tuple[str, bool]:
    """As the parser's reader: drop a trailing escape that continues the line."""
    trimmed = line.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1], True
    return line, False


def value_lines(instruction: Instruction, escape: str) -> LineMap:
    """Where each character of `instruction.value` was written.

    The parser joins continuation lines (dropping comment and blank lines between them), so
    this replays the join on the instruction's source to map offsets back to lines.
    """
    physical = instruction.source.split("\n")
    text, more = _trim(physical[0].lstrip(), escape)
    starts, length = [(0, instruction.line)], len(text)
    parts = [text]
    for index in range(1, len(physical)):
        if not more:
            break
        raw = physical[index]
        stripped = raw.lstrip()
        if not stripped or stripped[0] == "#":
            continue
        text, more = _trim(raw, escape)
        starts.append((length, instruction.line + index))
        parts.append(text)
        length += len(text)
    joined = "".join(parts).rstrip()
    value = instruction.value
    if len(starts) == 1 or not joined.endswith(value):
        return LineMap([(0, instruction.line)])
    shift = len(joined) - len(value)
    return LineMap([(max(offset - shift, 0), line) for offset, line in starts])


def source_lines(instruction: Instruction) -> Iterator[tuple[int, str]]:
    """`(line, text)` for every physical line of the instruction, heredoc bodies included."""
    for index, text in enumerate(instruction.source.split("\n")):
        yield instruction.line + index, text


# --- flags ----------------------------------------------------------------------------------


def mounts(instruction: Instruction) -> list[dict[str, str]]:
    """`RUN --mount=type=cache,target=/x` as `[{"type": "cache", "target": "/x"}]`."""
    found = []
    for value in instruction.flag_values("mount"):
        fields: dict[str, str] = {}
        for part in (value or "").split(","):
            key, sep, item = part.partition("=")
            fields[key.strip().lower()] = item.strip().strip("\"'") if sep else "true"
        if "dst" in fields or "destination" in fields:
            fields.setdefault("target", fields.get("dst") or fields.get("destination", ""))
        fields.setdefault("type", "bind")
        found.append(fields)
    return found


def has_cache_mount(instruction: Instruction, *paths: str) -> bool:
    """A cache or tmpfs mount over one of `paths` (or a folder holding it)."""
    for mount in mounts(instruction):
        if mount.get("type") not in ("cache", "tmpfs"):
            continue
        target = mount.get("target", "").rstrip("/")
        if target and any(path == target or path.startswith(target + "/") for path in paths):
            return True
    return False

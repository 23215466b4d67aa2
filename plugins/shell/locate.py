"""The physical line of each command in a Dockerfile `RUN` instruction.

hadolint reports every problem of a `RUN` at the instruction's first line, while scaffold's
native Dockerfile policies point at the line of the command concerned, inside the
continuation lines. Reading the instruction's source with the shell reader gives each command's
line, so the two can agree (and fold into one finding) and users see the line to change.
"""

from __future__ import annotations

from dataclasses import dataclass

from scaffold_plugins.shell.lexer import tokenize
from scaffold_plugins.shell.script import Command, build, strip_wrappers


@dataclass(frozen=True)
class RunCommand:
    name: str  # without a path: `/usr/bin/pip` -> `pip`; `sudo apt-get` -> `apt-get`
    args: tuple[str, ...]
    wrappers: tuple[str, ...]  # `sudo`, `env`... in front of it
    line: int
    piped: bool  # it reads the output of the command before it: `b` in `a | b`


def _command(command: Command, first: bool, piped: bool) -> RunCommand | None:
    words = list(command.words)
    if first:  # the instruction's own keyword and flags: `RUN --mount=... apt-get`
        while words and (words[0].text.upper() == "RUN" or words[0].text.startswith("--")):
            words.pop(0)
    wrappers, rest = strip_wrappers(tuple(words))
    if not rest:
        return None
    return RunCommand(rest[0].text.rsplit("/", 1)[-1], tuple(w.text for w in rest[1:]),
                      wrappers, rest[0].line, piped)


def run_commands(source: str, first_line: int, script: bool = False) -> list[RunCommand]:
    """The commands of a `RUN` instruction's source text (keyword and flags included), or of
    the `script` of a `RUN <<EOF` heredoc, in order."""
    found = []
    for number, pipeline in enumerate(build(tokenize(source, first_line))):
        for position, command in enumerate(pipeline):
            piped = position > 0
            instruction_start = not script and number == 0 and position == 0
            run = _command(command, instruction_start, piped)
            if run is not None:
                found.append(run)
    return found

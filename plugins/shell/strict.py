"""Strict mode: does a script stop at the first failing command, on an unset variable and,
where its shell has the option, when any command of a pipeline fails?

Options count from the shebang (`#!/bin/bash -eu`), `set` (`-e`, `-u`, `-o pipefail` in any
order or combination, `set -Eeuo pipefail`, long names) and `shopt -so pipefail`, anywhere
outside a subshell: a `set -e` inside `main() { ... }` still applies to the whole script once
`main` runs. A later `set +e` is not held against the script: switching errexit off around one
command is a legitimate idiom.

`pipefail` is only required for the dialects a policy lists (by default bash, ksh and
busybox): it is in POSIX only since 2024, and the `dash` that is `/bin/sh` on Debian and
Ubuntu (0.5.12) still refuses it, so demanding it of a `#!/bin/sh` script would break it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scaffold_plugins.shell.script import Command, Script

_LETTERS = {"e": "errexit", "u": "nounset"}
_NAMES = {"errexit", "nounset", "pipefail"}
_DESCRIPTIONS = {
    "errexit": "`-e` (stop on errors)",
    "nounset": "`-u` (unset variables are errors)",
    "pipefail": "`-o pipefail` (a failure inside a pipeline counts)",
}


@dataclass(frozen=True)
class StrictModeProblem:
    message: str
    line: int


def set_options(args: Sequence[str]) -> set[str]:
    """The strict-mode options a `set` command (or shebang flags) switch on."""
    enabled, index = set(), 0
    while index < len(args):
        arg = args[index]
        if arg == "--" or not arg.startswith("-") or arg.startswith("--"):
            break
        for letter in arg[1:]:
            if letter == "o" and index + 1 < len(args):
                index += 1
                enabled.add(args[index])
            elif letter in _LETTERS:
                enabled.add(_LETTERS[letter])
        index += 1
    return enabled & _NAMES


def _shopt_options(args: Sequence[str]) -> set[str]:
    """`shopt -so pipefail` (or `-s -o`) sets `set -o` options."""
    flags = "".join(a[1:] for a in args if a.startswith("-"))
    if "s" not in flags or "o" not in flags:
        return set()
    return {a for a in args if not a.startswith("-")} & _NAMES


def _enabled(commands: Iterable[Command]) -> tuple[set[str], int | None]:
    """The options switched on outside subshells, and the line of the first such command."""
    enabled: set[str] = set()
    first_line = None
    for command in commands:
        if command.subshell or command.name not in ("set", "shopt"):
            continue
        found = (set_options if command.name == "set" else _shopt_options)(command.args)
        if found:
            enabled |= found
            first_line = first_line or command.line
    return enabled, first_line


def strict_mode(script: Script, pipefail_dialects: Iterable[str]) -> StrictModeProblem | None:
    if script.shebang is None and script.directive_shell:
        return None  # a library for `source`: strict mode belongs to the script sourcing it
    commands = script.commands
    if not commands:
        return None
    enabled, first_set = _enabled(commands)
    enabled |= set_options(script.shebang_flags)
    required = ["errexit", "nounset"]
    if (script.dialect or "sh") in set(pipefail_dialects):
        required.append("pipefail")
    missing = [option for option in required if option not in enabled]
    if not missing:
        return None
    wanted = ", ".join(_DESCRIPTIONS[option] for option in missing)
    suggestion = "set -euo pipefail" if "pipefail" in required else "set -eu"
    return StrictModeProblem(f"The script does not enable {wanted}: add `{suggestion}`.",
                             first_set or commands[0].line)

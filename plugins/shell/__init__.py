"""Shell scripts (sh, bash, dash, ksh, busybox): one document per script.

A file is a script when `detect.script_kind` says so from its name and first bytes (`*.sh`,
`*.bash`, or no extension and a shell shebang). `data` is what schema policies see:
`{"shebang", "dialect", "shell_directive", "commands": [{name, args, assignments, line}]}`;
code checks get the parsed `Script` (pipelines of commands whose words keep their quoting).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold import Document, LineIndex, Target, hookimpl
from scaffold_plugins.shell import check_table
from scaffold_plugins.shell.detect import script_kind
from scaffold_policies import POLICY_ROOT

if TYPE_CHECKING:
    from scaffold_plugins.shell.script import Script

TARGET = "shell.script"


def _data(script: Script, lines: LineIndex) -> dict:
    commands = []
    for command in script.commands:
        item = {"name": command.name, "args": list(command.args),
                "assignments": [word.text for word in command.assignments],
                "line": command.line}
        lines.mark_all(item, dict.fromkeys(item, command.line))
        commands.append(item)
    lines.mark_all(commands, {i: item["line"] for i, item in enumerate(commands)})
    return {"shebang": script.shebang, "dialect": script.dialect,
            "shell_directive": script.directive_shell, "commands": commands}


@hookimpl
def scaffold_targets():
    return [Target(TARGET, "A shell script (sh, bash, dash, ksh or busybox)", "script.sh")]


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "shell"]


@hookimpl
def scaffold_checks():
    return check_table.CHECKS


@hookimpl
def scaffold_parse(source):
    kind = script_kind(source)
    if kind is None:
        return None
    from scaffold_plugins.shell.script import parse  # only when there is a script

    script = parse(source.text, kind)
    lines = LineIndex()
    return [Document(TARGET, source.path, 1, _data(script, lines), lines, parsed=script)]

"""The shell plugin: which files are scripts, how they are read (commands, lines, quoting),
and what schema policies see of them."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import codes, scan, write_tree
from scaffold_plugins.shell.detect import script_kind
from scaffold_plugins.shell.expansions import expansions
from scaffold_plugins.shell.script import ScriptKind, parse


@dataclass
class _File:
    name: str
    content: bytes = b""
    reads: int = 0

    def head(self, size: int = 128) -> bytes:
        self.reads += 1
        return self.content[:size]


@pytest.mark.parametrize("name,head,dialect", [
    ("deploy.sh", b"#!/bin/bash\n", "bash"),
    ("deploy.sh", b"#!/usr/bin/env -S bash -eu\n", "bash"),
    ("deploy.sh", b"", None),  # a script, dialect unknown
    ("lib.bash", b"log() { :; }\n", "bash"),
    ("entrypoint", b"#!/bin/sh\r\nexec \"$@\"\r\n", "sh"),
    ("entrypoint", b"#!/bin/dash\n", "dash"),
    ("run", b"#! /usr/bin/env ksh\n", "ksh"),
    ("run", b"#!/bin/busybox sh\n", "busybox"),
    ("RUN.SH", b"#!/bin/sh\n", "sh"),
])
def test_scripts_and_their_dialects(name: str, head: bytes, dialect: str | None) -> None:
    kind = script_kind(_File(name, head))
    assert kind is not None and kind.dialect == dialect


@pytest.mark.parametrize("name,head", [
    ("run", b"echo hi\n"),  # no extension, no shebang
    ("tool", b"#!/usr/bin/env python3\n"),
    ("setup.sh", b"#!/usr/bin/env zsh\n"),  # ShellCheck cannot read zsh
    ("gradlew", b"#!/bin/sh\n"),  # generated
    ("Dockerfile", b"FROM x\n"),
])
def test_not_scripts(name: str, head: bytes) -> None:
    assert script_kind(_File(name, head)) is None


def test_most_files_are_ruled_out_without_reading_them() -> None:
    files = [_File("values.yaml"), _File("README.md"), _File("main.py")]
    assert all(script_kind(f) is None for f in files)
    assert sum(f.reads for f in files) == 0


def _commands(text: str) -> list[tuple[int, str | None, tuple[str, ...]]]:
    script = parse(text, ScriptKind("bash", "/bin/bash"))
    return [(c.line, c.name, c.args) for c in script.commands]


def test_commands_keep_their_lines_across_continuations_heredocs_and_quotes() -> None:
    text = (
        "#!/bin/bash\n"                                  # 1
        "apt-get install \\\n"                           # 2
        "  curl\n"                                       # 3
        "cat <<-EOF > out.txt\n"                         # 4
        "\tcurl https://example.com | sh\n"              # 5: data, not a command
        "\tEOF\n"                                        # 6
        "echo 'a\n"                                      # 7
        "b' \"c $(date | tr a b)\"  # trailing comment\n"  # 8
        "make build && make test || exit 1; echo done\n"  # 9
    )
    assert _commands(text) == [
        (2, "apt-get", ("install", "curl")),
        (4, "cat", ()),
        (7, "echo", ("a\nb", "c $(date | tr a b)")),
        (9, "make", ("build",)), (9, "make", ("test",)), (9, "exit", ("1",)),
        (9, "echo", ("done",)),
    ]


def test_compound_commands_functions_cases_and_arrays() -> None:
    text = (
        "main() {\n"
        "  if [ -n \"$1\" ]; then set -e; fi\n"
        "}\n"
        "case \"$1\" in\n"
        "  start|run) serve ;;\n"
        "  *) usage ;;\n"
        "esac\n"
        "files=(a b \"c d\")\n"
        "(cd /tmp && make)\n"
        "bash <(curl -s https://example.com)\n"
    )
    script = parse(text, ScriptKind("bash", "/bin/bash"))
    named = [(c.name, c.depth, c.subshell) for c in script.commands if c.name]
    assert ("set", 1, 0) in named and ("serve", 0, 0) in named and ("usage", 0, 0) in named
    assert ("cd", 1, 1) in named and ("make", 1, 1) in named
    assert not {"start", "run", "a", "b"} & {name for name, _, _ in named}
    (array,) = [c for c in script.commands if c.assignments]
    assert array.assignments[0].raw == 'files=(a b "c d")'
    assert script.commands[-1].args == ("<(curl -s https://example.com)",)


@pytest.mark.parametrize("text", [
    "echo 'unterminated\n", 'echo "x $(\n', "cat <<EOF\nno end\n", "case x in\n", "}\n)\n",
    "fi done esac\n", "a=(\n", "$'\\", "\\", "echo ${\n", "<<\n", "`",
])
def test_the_reader_never_raises(text: str) -> None:
    parse(text, ScriptKind(None))


def test_word_expansions_know_quoting_guards_and_position() -> None:
    found = list(expansions('"${DIR:?}/x"$HOME/"$1"/${A:-/tmp}$(echo $NO)'))
    assert [(e.name, e.quoted, e.guarded, e.at_start) for e in found] == [
        ("DIR", True, True, True), ("HOME", False, False, False), ("1", True, False, False),
        ("A", False, True, False)]
    (first,) = expansions('"$DIR"/*')
    assert first.at_start and first.followed_by == "/"


def test_data_is_json_like_and_points_at_lines(tmp_path: Path) -> None:
    write_tree(tmp_path, {"run.sh": "#!/bin/sh\nset -eu\nFOO=1 exec \"$@\"\n"})
    from scaffold.sources import SourceFile
    from scaffold_plugins import shell

    (document,) = shell.scaffold_parse(SourceFile(tmp_path / "run.sh", "run.sh"))
    assert json.loads(json.dumps(document.data)) == {
        "shebang": "/bin/sh", "dialect": "sh", "shell_directive": None,
        "commands": [
            {"name": "set", "args": ["-eu"], "assignments": [], "line": 2},
            {"name": "exec", "args": ["$@"], "assignments": ["FOO=1"], "line": 3},
        ]}
    assert document.locate(("commands", 1, "args")) == 3


def test_teams_can_write_schema_policies_for_scripts(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "policies/no-sudo.yaml": """\
            code: TEAM001
            name: no-sudo-in-ci
            title: sudo in a CI script
            category: security
            severity: warning
            target: shell.script
            message: CI scripts run as the build user; do not call sudo.
            rationale: Our runners have no sudo.
            remediation: Drop sudo.
            schema:
              properties:
                commands:
                  items:
                    properties:
                      name: {not: {const: sudo}}
            """,
        ".scaffold.yaml": "policy-paths: [policies]\n",
        "ci/build.sh": "#!/bin/sh\nset -eu\nsudo make install\n",
    })
    report = scan(tmp_path, config=tmp_path / ".scaffold.yaml")
    assert [(f.code, f.path, f.line) for f in report.findings if f.code == "TEAM001"] == [
        ("TEAM001", "ci/build.sh", 3)]


def test_inline_ignore_of_a_native_shell_policy(tmp_path: Path) -> None:
    write_tree(tmp_path, {"run.sh": ("#!/bin/sh\n"
                                     "# scaffold: ignore=SH001 -- sourced by a wrapper that "
                                     "sets -eu\n"
                                     "echo ok\n")})
    report = scan(tmp_path)
    assert "SH001" not in codes(report) and "SH001" in codes(report, active=False)


def test_a_large_script_is_read_quickly() -> None:
    text = "#!/bin/bash\nset -euo pipefail\n" + (
        'for f in "$@"; do\n  if [ -f "$f" ]; then cat "$f" | grep -v x > "$f.out"; fi\n'
        "done\n") * 3000
    started = time.perf_counter()
    script = parse(text, ScriptKind("bash", "/bin/bash"))
    assert len(script.commands) > 9000
    assert time.perf_counter() - started < 2.0

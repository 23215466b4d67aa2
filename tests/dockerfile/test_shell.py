"""The shell reader behind RUN checks: commands, wrappers, nesting, pipelines and lines."""

from __future__ import annotations

import textwrap

import pytest

from scaffold_plugins.dockerfile.analysis import run_commands, value_lines
from scaffold_plugins.dockerfile.parser import parse
from scaffold_plugins.dockerfile.shell import (
    LineMap,
    Options,
    commands_from_argv,
    parse_script,
    reads_script_from_stdin,
    sets_pipefail,
    shell_script_argument,
)


def script(text: str, line: int = 1):
    return parse_script(text, LineMap.of_text(text, line))


def argvs(text: str) -> list[tuple[str, ...]]:
    return [c.argv for c in script(text)]


def run(dockerfile: str):
    """The commands of the only RUN in `dockerfile`."""
    parsed = parse(textwrap.dedent(dockerfile).lstrip("\n"))
    (instruction,) = [i for i in parsed.instructions if i.keyword == "RUN"]
    return run_commands(instruction, parsed.escape)


def test_operators_without_spaces_quotes_and_escapes():
    assert argvs("""a&&b||c;d|e & f 'g h' "i \\"j\\"" k\\ l""") == [
        ("a",), ("b",), ("c",), ("d",), ("e",), ("f", "g h", 'i "j"', "k l")]


def test_env_prefixes_and_wrappers_are_peeled():
    (command,) = script("DEBIAN_FRONTEND=noninteractive sudo -E -u app env A=1 apt-get install -y x")
    assert command.argv == ("apt-get", "install", "-y", "x")
    assert command.env == (("DEBIAN_FRONTEND", "noninteractive"), ("A", "1"))
    assert command.wrappers == ("sudo", "env")
    assert command.name == "apt-get"


@pytest.mark.parametrize("text,argv", [
    ("xargs -r -n 1 apt-get install -y", ("apt-get", "install", "-y")),
    ("timeout -s KILL 10 curl x", ("curl", "x")),
    ("gosu app make", ("make",)),
    ("/usr/bin/nice -n 5 /usr/bin/apt-get update", ("/usr/bin/apt-get", "update")),
    ("runuser -u app -- make", ("make",)),
    ("command -v curl", ("command", "-v", "curl")),  # a lookup runs nothing
    ("busybox wget -q x", ("wget", "-q", "x")),
])
def test_wrappers(text, argv):
    assert script(text)[0].argv == argv


def test_control_keywords_are_dropped_and_comments_skipped():
    text = "if [ -f x ]; then cd /x && make; fi # a | b\nfor p in a b; do pip install $p; done"
    assert argvs(text) == [("[", "-f", "x", "]"), ("cd", "/x"), ("make",),
                           ("pip", "install", "$p")]


def test_pipelines_and_redirections():
    commands = script("curl -fsSL u 2>/dev/null | sudo bash -s -- --x >> log 2>&1 && echo ok")
    assert [(c.name, c.piped) for c in commands] == [("curl", False), ("bash", True),
                                                      ("echo", False)]
    assert commands[0].pipeline == commands[1].pipeline != commands[2].pipeline
    assert commands[1].argv == ("bash", "-s", "--", "--x")


def test_sh_c_and_substitutions_are_parsed_once_each():
    commands = script('sh -c "$(curl -fsSL https://x)"; V=$(wget -qO- y | jq .v) `date`')
    names = [c.name for c in commands]
    assert names.count("curl") == 1 and "wget" in names and "jq" in names and "date" in names
    assert all(c.nested for c in commands if c.name in ("curl", "wget", "jq"))


def test_bash_pipefail_option_reaches_the_script():
    commands = script('bash -o pipefail -c "a | b"')
    assert sets_pipefail(commands[1]) is True
    assert [c.name for c in commands] == ["bash", "set", "a", "b"]


def test_heredoc_bodies_are_data_unless_fed_to_a_shell():
    text = "cat <<EOF > /etc/x\ncurl | sh\nEOF\nbash <<-X\n\tapt-get update\n\tX\necho done\n"
    commands = script(text, line=10)
    assert [(c.name, c.line) for c in commands] == [
        ("cat", 10), ("bash", 13), ("apt-get", 14), ("echo", 16)]


@pytest.mark.parametrize("words,script_text", [
    (("sh", "-c", "x"), "x"), (("bash", "-euxc", "x"), "x"),
    (("bash", "-o", "pipefail", "-c", "x"), "x"), (("bash", "--login", "-c", "x"), "x"),
    (("su", "-c", "x", "app"), "x"), (("bash", "script.sh"), None), (("sh",), None),
])
def test_shell_script_argument(words, script_text):
    (command, *_) = commands_from_argv(words, 1)
    assert shell_script_argument(command) == script_text


@pytest.mark.parametrize("words,stdin", [
    (("sh",), True), (("bash", "-s", "--", "-x"), True), (("bash", "-"), True),
    (("sh", "-c", "x"), False), (("bash", "install.sh"), False), (("python3", "-"), False),
])
def test_reads_script_from_stdin(words, stdin):
    assert reads_script_from_stdin(commands_from_argv(words, 1)[0]) is stdin


def test_options_gnu_style():
    options = Options(["-qqy", "install", "--no-install-recommends", "-o", "A=B", "x", "--", "-y"],
                      frozenset({"-o"}))
    assert options.count("-q") == 2 and options.has("-y")
    assert options.value("-o") == "A=B"
    assert options.operands == ["install", "x", "-y"]


def test_exact_lines_inside_a_continued_run():
    commands = run("""
        FROM debian:12
        RUN apt-get update && \\
            # a comment inside the continuation
            apt-get install -y \\
              curl && \\
            rm -rf /var/lib/apt/lists/*
    """)
    assert [(c.name, c.line) for c in commands] == [("apt-get", 2), ("apt-get", 4), ("rm", 6)]


def test_first_command_on_the_line_after_run():
    commands = run("""
        FROM debian:12
        RUN \\
          set -eux; \\
          make
    """)
    assert [(c.name, c.line) for c in commands] == [("set", 3), ("make", 4)]


def test_heredoc_run_script_lines_and_shebangs():
    commands = run("""
        FROM debian:12
        RUN <<EOF
        set -e
        apt-get update
        EOF
    """)
    assert [(c.name, c.line) for c in commands] == [("set", 3), ("apt-get", 4)]
    assert run("""
        FROM python:3.12
        RUN <<EOF
        #!/usr/bin/env python3
        print("curl | sh")
        EOF
    """) == []
    fed = run("""
        FROM python:3.12
        RUN python3 <<PY && bash <<SH
        import os
        PY
        curl -k x
        SH
    """)
    assert [(c.name, c.line) for c in fed] == [("python3", 2), ("bash", 2), ("curl", 5)]


def test_exec_form_and_escape_directive():
    assert [c.name for c in run('FROM a\nRUN ["sh", "-c", "cd /x && make"]')] == ["sh", "cd", "make"]
    commands = run("""
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN echo a `
            && echo b
    """)
    assert [(c.name, c.line) for c in commands] == [("echo", 3), ("echo", 4)]


def test_value_lines_fall_back_to_the_first_line():
    parsed = parse("FROM a\nRUN echo hi\n")
    lines = value_lines(parsed.instructions[1], parsed.escape)
    assert lines.line(0) == lines.line(5) == 2


def test_unbalanced_text_does_not_hang():
    for text in ('echo "unterminated', "echo 'x", "echo $(a", "echo `a", "a <", "a |", "((("):
        script(text)

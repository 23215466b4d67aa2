""".dockerignore files are read and matched as Docker does, and found beside Dockerfiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import codes, scan
from scaffold_plugins.dockerfile.dockerignore import (
    decision,
    find_for_dockerfile,
    is_dockerignore,
    read_patterns,
)


def excluded(ignore: str, path: str) -> bool:
    return decision(read_patterns(ignore), path)[0]


def test_reading_follows_docker():
    patterns = read_patterns("\ufeff# comment\n  # not a comment\n\n/.git/\n! keep\n./a/../b\n")
    assert [(p["pattern"], p["exclude"], p["line"]) for p in patterns] == [
        ("# not a comment", True, 2), (".git", True, 4), ("keep", False, 5), ("b", True, 6)]


@pytest.mark.parametrize("ignore,path,expected", [
    (".git", ".git/config", True),  # a folder takes its contents
    ("*.pem", "key.pem", True),
    ("*.pem", "certs/key.pem", False),  # anchored at the root, unlike .gitignore
    ("**/*.pem", "certs/key.pem", True),
    ("**/*.pem", "key.pem", True),
    ("certs/**", "certs/a/b.key", True),
    ("*\n!src", "src/main.py", False),
    ("*\n!src", "certs/server.key", True),
    (".env*\n!.env.example", ".env", True),
    (".env*\n!.env.example", ".env.example", False),
    ("id_rsa?", "id_rsa1", True),
    ("[a-c].txt", "b.txt", True),
    ("[!a-c].txt", "b.txt", False),
    ("src/.git", ".git/config", False),
])
def test_matching(ignore, path, expected):
    assert excluded(ignore, path) is expected


def test_names():
    assert is_dockerignore(".dockerignore") and is_dockerignore("api.Dockerfile.dockerignore")
    assert not is_dockerignore("dockerignore") and not is_dockerignore(".dockerignore.bak")


def test_lookup_beside_and_in_parents_up_to_the_root(tmp_path: Path):
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    dockerfile = service / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\n")
    assert find_for_dockerfile(dockerfile, "services/api/Dockerfile") is None
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert find_for_dockerfile(dockerfile, "services/api/Dockerfile") == ".dockerignore"
    (service / "Dockerfile.dockerignore").write_text(".git\n")
    assert find_for_dockerfile(dockerfile, "services/api/Dockerfile") == \
        "services/api/Dockerfile.dockerignore"
    (service / "Dockerfile.dockerignore").unlink()
    # scanned with services/api as the root: the file above it does not count
    assert find_for_dockerfile(dockerfile, "Dockerfile") is None


def test_ignore_file_findings_point_at_the_reincluding_line(tree):
    project = tree({
        "Dockerfile": "FROM alpine:3.20\nCOPY . /app\n",
        ".dockerignore": "**/*.pem\n**/*.key\n**/id_rsa*\n.env\n.git\n!.git/config\n",
    })
    report = scan(project)
    found = [(f.code, f.path, f.line) for f in report.findings if f.code.startswith("DI")]
    assert found == [("DI001", ".dockerignore", 6)]
    assert "DF045" not in codes(report)


def test_binary_ignore_file_is_a_parse_error_not_a_crash(tree):
    project = tree({".dockerignore": b"\x00\x01\x02"})
    assert codes(scan(project)) == ["CORE001"]

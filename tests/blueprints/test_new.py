"""`scaffold new`: Copier's questions through scaffold's CLI, and `--check` on the result."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_cli


def test_new_with_defaults_and_check_scores_100(tmp_path: Path) -> None:
    result = run_cli("new", "out", "--defaults", "--check", "-d", "project_name=Shop API",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"generated \d+ file\(s\) from the service blueprint", result.stdout)
    assert "Score: 100/100" in result.stdout
    answers = (tmp_path / "out" / ".copier-answers.yml").read_text("utf-8")
    assert "project_slug: shop-api" in answers


def test_an_explicit_blueprint_and_no_check(tmp_path: Path) -> None:
    result = run_cli("new", "service", "out", "--defaults", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Score" not in result.stdout and (tmp_path / "out" / "Dockerfile").is_file()


def test_what_new_refuses_exits_2_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("the user's\n")
    cases = [
        (("new", "full", "--defaults"), "is not empty"),
        (("new", "nope", "out", "--defaults"), "unknown blueprint 'nope' (known: plugin, service)"),
        (("new", "out", "--defaults", "-d", "app_port=80"), "'app_port': a port from 1024"),
        (("new", "out", "--defaults", "-d", "app_port"), "--data takes KEY=VALUE"),
        (("new", "a", "b", "c"), "takes [BLUEPRINT] DEST"),
    ]
    for args, message in cases:
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    assert not (tmp_path / "out").exists()
    assert (tmp_path / "full" / "mine.txt").read_text() == "the user's\n"  # never touched


def test_the_plugin_blueprint_gets_its_own_next_steps(tmp_path: Path) -> None:
    result = run_cli("new", "plugin", "out", "--defaults", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "from the plugin blueprint" in result.stdout and ".venv/bin/pytest" in result.stdout
    assert "docker compose" not in result.stdout
    assert (tmp_path / "out" / "pyproject.toml").is_file()

"""`copier update` on a generated project: a real 3-way merge between the blueprint's old and
new versions and the user's edits (offline: the template is a local git repository)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from copier import run_copy, run_update

from conftest import REPO


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def isolated_git(monkeypatch, tmp_path: Path) -> None:
    """No user or system git configuration, a fixed identity, no Copier settings."""
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "scaffold tests")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "tests@example.com")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    settings = tmp_path / "copier-settings.yml"
    settings.write_text("{}\n")
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(settings))


def _release(template: Path, tag: str) -> None:
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", tag)
    git(template, "tag", tag)


@pytest.fixture
def template(isolated_git, tmp_path: Path) -> Path:
    """The blueprints as a git repository, released as v1.0.0."""
    root = tmp_path / "template"
    root.mkdir()
    shutil.copy(REPO / "copier.yml", root / "copier.yml")
    shutil.copytree(REPO / "blueprints", root / "blueprints")
    git(root, "init", "-q")
    _release(root, "v1.0.0")
    return root


def _generate(template: Path, project: Path, **data) -> Path:
    run_copy(str(template), project, data=data, defaults=True, quiet=True, unsafe=False)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "generated")
    return project


def test_update_merges_a_new_blueprint_version_with_the_users_edits(template: Path,
                                                                     tmp_path: Path) -> None:
    project = _generate(template, tmp_path / "project")
    assert "_commit: v1.0.0" in (project / ".copier-answers.yml").read_text()

    # The user's own edit, far from what the next version changes.
    ignore = project / ".dockerignore"
    ignore.write_text(ignore.read_text() + "# ours: local scratch files\nscratch/\n")
    git(project, "commit", "-q", "-am", "our edit")

    # The blueprint's next version: a changed line in the Dockerfile, and a new file.
    source = template / "blueprints" / "service" / "template"
    dockerfile = source / "Dockerfile.jinja"
    dockerfile.write_text(dockerfile.read_text().replace("--retries=3", "--retries=5"))
    (source / "NOTICE.md.jinja").write_text("# {= project_name =}\n")
    _release(template, "v2.0.0")

    run_update(project, defaults=True, overwrite=True, quiet=True, unsafe=False)
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text()
    assert "--retries=5" in (project / "Dockerfile").read_text()
    assert (project / "NOTICE.md").read_text() == "# Demo Service\n"
    assert "scratch/" in ignore.read_text()  # the user's edit survived the update
    assert "<<<<<<<" not in (project / "Dockerfile").read_text()


def test_update_keeps_the_users_answers(template: Path, tmp_path: Path) -> None:
    project = _generate(template, tmp_path / "project", app_port=9000)
    (template / "blueprints" / "service" / "template" / "README.md.jinja").write_text(
        "Listens on {= app_port =}.\n")
    _release(template, "v1.1.0")
    run_update(project, defaults=True, overwrite=True, quiet=True)
    assert (project / "README.md").read_text() == "Listens on 9000.\n"
    assert "EXPOSE 9000" in (project / "Dockerfile").read_text()


def test_an_edit_the_new_version_also_makes_is_a_conflict_shown_not_lost(template: Path,
                                                                          tmp_path: Path):
    project = _generate(template, tmp_path / "project")
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("--retries=3", "--retries=4"))
    git(project, "commit", "-q", "-am", "our retries")

    source = template / "blueprints" / "service" / "template" / "Dockerfile.jinja"
    source.write_text(source.read_text().replace("--retries=3", "--retries=5"))
    _release(template, "v2.0.0")

    run_update(project, defaults=True, overwrite=True, quiet=True, unsafe=False)
    merged = dockerfile.read_text()
    assert "<<<<<<<" in merged and ">>>>>>>" in merged  # shown to the user, to resolve
    assert "--retries=4" in merged and "--retries=5" in merged  # both sides kept
    assert "UU Dockerfile" in git(project, "status", "--short")  # and git knows it

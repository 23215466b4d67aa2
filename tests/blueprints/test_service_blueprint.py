"""The service blueprint, first slice: questions, answers file, Dockerfile and .dockerignore.

Rendered in-process with Copier's public API from a copy of the template files (not a git
checkout, so the working tree's state does not matter), and held to the checker's promise:
every policy on, hadolint included, no finding, score 100.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from copier import run_copy

from conftest import REPO, scan

UNRENDERED = ("{=", "=}", "{%", "%}", "{=#", "#=}")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("template")
    shutil.copy(REPO / "copier.yml", root / "copier.yml")
    shutil.copytree(REPO / "blueprints", root / "blueprints")
    return root


def render(source: Path, destination: Path, **data) -> Path:
    run_copy(str(source), destination, data=data, defaults=True, quiet=True, unsafe=False)
    return destination


def _files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_defaults_give_a_complete_render_that_scores_100(template: Path, tmp_path: Path):
    out = render(template, tmp_path / "out")
    assert sorted(_files(out)) == [".copier-answers.yml", ".dockerignore", "Dockerfile"]
    for name, content in _files(out).items():
        for marker in UNRENDERED:
            assert marker.encode() not in content, f"{name}: unrendered {marker}"
    answers = (out / ".copier-answers.yml").read_text("utf-8")
    assert "project_slug: demo-service" in answers and "blueprint: service" in answers
    report = scan(out)  # every plugin: hadolint runs on the Dockerfile too
    assert [f"{f.path}:{f.line} {f.code} {f.message}" for f in report.findings] == []
    assert report.score.score == 100 and not report.notes


def test_the_blueprint_folder_is_a_template_too(template: Path, tmp_path: Path) -> None:
    assert _files(render(template / "blueprints" / "service", tmp_path / "a"))["Dockerfile"] == \
        _files(render(template, tmp_path / "b"))["Dockerfile"]


def test_the_same_answers_give_the_same_bytes(template: Path, tmp_path: Path) -> None:
    assert _files(render(template, tmp_path / "a", app_port=9000)) == \
        _files(render(template, tmp_path / "b", app_port=9000))


def test_answers_with_quotes_colons_and_unicode_stay_valid(template: Path, tmp_path: Path):
    out = render(template, tmp_path / "out", project_name='Café "Bar": v2',
                 description="Serves: 'quoted' things — and more")
    assert "project_slug: caf-bar-v2" in (out / ".copier-answers.yml").read_text("utf-8")
    assert scan(out).score.score == 100


def test_answers_shape_the_image(template: Path, tmp_path: Path) -> None:
    dockerfile = (render(template, tmp_path / "out", app_port=9000, container_uid=20000,
                         start_module="shop.web", health_path="/live")
                  / "Dockerfile").read_text("utf-8")
    assert "USER 20000:20000" in dockerfile and "EXPOSE 9000" in dockerfile
    assert "http://127.0.0.1:9000/live" in dockerfile
    assert 'CMD ["python", "-m", "shop.web"]' in dockerfile


@pytest.mark.parametrize("answer,message", [
    ({"project_slug": "Bad_Name"}, "DNS-1123"),
    ({"project_slug": "a" * 64}, "DNS-1123"),
    ({"app_port": 80}, "from 1024 to 65535"),
    ({"container_uid": 0}, "from 10000 to 65535"),
    ({"owner_email": "nobody"}, "an email address"),
    ({"health_path": "healthz"}, "an absolute URL path"),
    ({"start_module": "app; rm -rf /"}, "a Python module name"),
])
def test_bad_answers_are_refused_with_the_reason(template: Path, tmp_path: Path, answer,
                                                 message) -> None:
    with pytest.raises(ValueError, match=message):
        render(template, tmp_path / "out", **answer)
    assert not (tmp_path / "out" / "Dockerfile").exists()


def test_plain_copier_copy_from_the_repository_root(template: Path, tmp_path: Path) -> None:
    copier = Path(sys.executable).parent / "copier"
    result = subprocess.run([str(copier), "copy", "--defaults", "--quiet", str(template),
                             str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "Dockerfile").read_bytes() == \
        _files(render(template, tmp_path / "api"))["Dockerfile"]

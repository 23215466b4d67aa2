"""The service blueprint's questions and its images: every runtime and package manager renders
a production Dockerfile and a development one that hadolint and every scaffold policy pass.

Rendered in-process with Copier's public API from a copy of the template files (see kit.py).
The other parts (compose, Kubernetes, Helm, monitoring, scripts, CI) have their own modules;
test_matrix.py holds the whole output to the promise over a pairwise matrix of answers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from kit import check_output, files, finding_lines, render, tool, unrendered

# The smallest project: the image only, no deployment parts (compose is the lightest target).
IMAGE_ONLY = {"deploy_targets": ["compose"], "datastores": [], "monitoring": "none",
              "ci_provider": "none", "reverse_proxy": "none"}
IMAGE_FILES = ["Dockerfile", "Dockerfile.dev", ".dockerignore"]

RUNTIMES = [
    {"runtime": "python"},
    {"runtime": "python", "python_package_manager": "uv", "python_version": "3.13"},
    {"runtime": "python", "python_package_manager": "poetry"},
    {"runtime": "node"},
    {"runtime": "node", "node_package_manager": "pnpm", "node_version": "20"},
    {"runtime": "node", "node_package_manager": "yarn"},
    {"runtime": "go"},
    {"runtime": "go", "go_version": "1.23"},
    {"runtime": "java"},
    {"runtime": "java", "java_build_tool": "gradle", "java_version": "17"},
    {"runtime": "static"},
    {"runtime": "static", "node_package_manager": "pnpm"},
]


def _label(answers: dict) -> str:
    return "-".join(str(value) for value in answers.values())


@pytest.mark.parametrize("answers", RUNTIMES, ids=_label)
def test_every_runtime_builds_images_that_score_100(blueprint_template: Path, tmp_path: Path,
                                                     answers: dict) -> None:
    out = render(blueprint_template, tmp_path / "out", **IMAGE_ONLY, **answers)
    report = check_output(out, disabled=("checkov",))
    image = [line for line in finding_lines(report)
             if line.split(":")[0] in (*IMAGE_FILES, "nginx/default.conf")]
    assert image == [] and not unrendered(out)
    hadolint = subprocess.run([tool("hadolint"), "--no-color", *(str(out / name) for name in
                               ("Dockerfile", "Dockerfile.dev"))], capture_output=True, text=True)
    assert hadolint.returncode == 0, hadolint.stdout
    dockerfile = (out / "Dockerfile").read_text("utf-8")
    assert dockerfile.startswith("# syntax=docker/dockerfile:1\n")
    assert dockerfile.count("FROM ") >= 2 and "USER 10001:10001" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "@sha256:" in dockerfile


def test_the_static_site_gets_its_nginx_config(blueprint_template: Path, tmp_path: Path) -> None:
    out = render(blueprint_template, tmp_path / "out", **IMAGE_ONLY, runtime="static",
                 app_port=9000, health_path="/live", readiness_path="/ready")
    config = (out / "nginx" / "default.conf").read_text("utf-8")
    assert "listen 9000;" in config and "location = /live" in config
    assert "location = /ready" in config
    other = render(blueprint_template, tmp_path / "py", **IMAGE_ONLY)
    assert not (other / "nginx").exists()


def test_answers_shape_the_image(blueprint_template: Path, tmp_path: Path) -> None:
    dockerfile = (render(blueprint_template, tmp_path / "out", **IMAGE_ONLY, app_port=9000,
                         container_uid=20000, start_command="python -m shop.web",
                         health_path="/live") / "Dockerfile").read_text("utf-8")
    assert "USER 20000:20000" in dockerfile and "EXPOSE 9000" in dockerfile
    assert "http://127.0.0.1:9000/live" in dockerfile
    assert 'CMD ["python", "-m", "shop.web"]' in dockerfile


def test_the_answers_file_records_answers_not_computed_values(blueprint_template: Path,
                                                              tmp_path: Path) -> None:
    answers = (render(blueprint_template, tmp_path / "out", **IMAGE_ONLY)
               / ".copier-answers.yml").read_text("utf-8")
    assert "project_slug: demo-service" in answers and "blueprint: service" in answers
    assert "base_images" not in answers and "sha256" not in answers


def test_the_blueprint_folder_is_a_template_too(blueprint_template: Path,
                                                tmp_path: Path) -> None:
    folder = render(blueprint_template / "blueprints" / "service", tmp_path / "a", **IMAGE_ONLY)
    root = render(blueprint_template, tmp_path / "b", **IMAGE_ONLY)
    assert files(folder)["Dockerfile"] == files(root)["Dockerfile"]


def test_the_same_answers_give_the_same_bytes(blueprint_template: Path, tmp_path: Path) -> None:
    assert files(render(blueprint_template, tmp_path / "a", app_port=9000)) == \
        files(render(blueprint_template, tmp_path / "b", app_port=9000))


def test_answers_with_quotes_colons_and_unicode_stay_valid(blueprint_template: Path,
                                                          tmp_path: Path) -> None:
    out = render(blueprint_template, tmp_path / "out", **IMAGE_ONLY,
                 project_name='Café "Bar": v2', description="Serves: 'quoted' things — and more")
    assert "project_slug: caf-bar-v2" in (out / ".copier-answers.yml").read_text("utf-8")
    assert finding_lines(check_output(out)) == []


@pytest.mark.parametrize("answer,message", [
    ({"project_slug": "Bad_Name"}, "DNS-1123"),
    ({"project_slug": "a" * 64}, "DNS-1123"),
    ({"app_port": 80}, "from 1024 to 65535"),
    ({"container_uid": 0}, "from 10000 to 65535"),
    ({"owner_email": "nobody"}, "an email address"),
    ({"health_path": "healthz"}, "an absolute URL path"),
    ({"start_command": "python -m app; rm -rf /"}, "no quotes or shell characters"),
    ({"start_command": "sh -c 'x'"}, "no quotes or shell characters"),
    ({"image_registry": "GHCR.io/Org"}, "a registry host"),
    ({"domain": "localhost"}, "at least two labels"),
    ({"cpu_request": "1 core"}, "a CPU quantity"),
    ({"memory_limit": "256MB"}, "a memory quantity"),
    ({"hpa_min_replicas": 4, "hpa_max_replicas": 3}, r"from hpa_min_replicas \(4\)"),
    ({"backup_schedule": "daily"}, "five-field cron"),
    ({"deploy_targets": []}, "at least one deploy target"),
    ({"environments": []}, "at least one environment"),
])
def test_bad_answers_are_refused_with_the_reason(blueprint_template: Path, tmp_path: Path,
                                                 answer, message) -> None:
    with pytest.raises(ValueError, match=message):
        render(blueprint_template, tmp_path / "out", **answer)
    assert not (tmp_path / "out" / "Dockerfile").exists()


def test_plain_copier_copy_from_the_repository_root(blueprint_template: Path,
                                                   tmp_path: Path) -> None:
    copier = Path(sys.executable).parent / "copier"
    result = subprocess.run([str(copier), "copy", "--defaults", "--quiet",
                             str(blueprint_template), str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert files(tmp_path / "out") == files(render(blueprint_template, tmp_path / "api"))


def test_no_template_file_is_hidden_from_git_by_an_ignore_rule() -> None:
    """A template's own .gitignore (or ours) must not hide template files from a commit."""
    from conftest import REPO

    paths = [str(p.relative_to(REPO)) for p in (REPO / "blueprints").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    result = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", *paths],
                            cwd=REPO, capture_output=True, text=True)
    assert result.stdout == "", result.stdout

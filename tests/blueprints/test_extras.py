"""The service blueprint's extras: a Nix flake dev shell and an AWS ECS (Fargate) task definition.

There is no nix here: the flake is parsed with tree-sitter's Nix grammar (a real parser, the
one editors use), and every package it names is one nixpkgs 25.05 has. The task definition is
validated against the RegisterTaskDefinition input shape of botocore's ECS service model (real
and offline), after the placeholders are filled the way `envsubst` fills them, and against
Fargate's own rules, which that shape does not hold (task sizes, limits within the task).
"""

from __future__ import annotations

import importlib
import json
import re
import string
from pathlib import Path

import pytest
from kit import finding_lines, missing, render, unrendered

from conftest import scan

pytestmark = pytest.mark.blueprints

EXTRAS = ["nix", "ecs"]
# Every package attribute the flake may name, each checked to exist in nixpkgs' nixos-25.05
# (go_1_23 was removed after it, on 2025-08-13: the flake pins that release on purpose).
NIXPKGS = {
    "python312", "python313", "uv", "poetry", "nodejs_22", "nodejs_20", "corepack_22",
    "corepack_20", "go_1_24", "go_1_23", "temurin-bin-21", "temurin-bin-17", "maven",
    "gradle_8", "hadolint", "shellcheck", "yamllint", "prometheus", "prometheus-alertmanager",
    "kubectl", "kustomize", "kubernetes-helm", "mkShell", "nixfmt-rfc-style",
}
# Fargate's task sizes: CPU units -> the memory (MiB) each allows.
FARGATE = {256: [512, 1024, 2048], 512: list(range(1024, 4097, 1024)),
           1024: list(range(2048, 8193, 1024)), 2048: list(range(4096, 16385, 1024)),
           4096: list(range(8192, 30721, 1024)), 8192: list(range(16384, 61441, 4096)),
           16384: list(range(32768, 122881, 8192))}
PLACEHOLDERS = {"AWS_ACCOUNT_ID": "123456789012", "AWS_REGION": "eu-west-1"}
# The lightest project, for tests about one answer: the other parts only cost render time.
LIGHT = {"deploy_targets": ["compose"], "datastores": [], "monitoring": "none",
         "ci_provider": "none", "reverse_proxy": "none"}

VARIANTS = {
    "defaults": {},
    "python-uv": {"python_package_manager": "uv", "python_version": "3.13"},
    "node-pnpm": {"runtime": "node", "node_package_manager": "pnpm", "node_version": "20",
                  "deploy_targets": ["compose"], "monitoring": "none"},
    "go": {"runtime": "go", "go_version": "1.23", "deploy_targets": ["helm"],
           "monitoring": "metrics"},
    "java-gradle": {"runtime": "java", "java_build_tool": "gradle", "java_version": "17",
                    "datastores": ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"],
                    "cpu_request": "0.5", "cpu_limit": "2", "memory_request": "1Gi",
                    "memory_limit": "3Gi"},
    "static": {"runtime": "static", "datastores": [], "cpu_limit": "250m",
               "memory_limit": "512Mi", "memory_request": "512Ki"},
    "hostile": {"project_name": 'Café "Bar": ${v2} \\ x',
                "description": "Serves: 'quoted' things — and more",
                "project_slug": "a" * 63},
}


@pytest.fixture(scope="module")
def outputs(blueprint_template: Path, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("extras")
    return {name: render(blueprint_template, root / name, extras=EXTRAS, **answers)
            for name, answers in VARIANTS.items()}


def _task(out: Path, **extra: str) -> dict:
    """The task definition with its placeholders filled, as `envsubst` would."""
    text = (out / "ecs" / "task-definition.json").read_text("utf-8")
    filled = string.Template(text).substitute(
        {**PLACEHOLDERS, **{f"{n.upper()}_HOST": f"{n}.internal" for n in
                            ("postgres", "mariadb", "mongodb", "redis", "elasticsearch")},
         **extra})
    return json.loads(filled)


# -- both ---------------------------------------------------------------------------------------


def test_extras_are_generated_only_when_asked(blueprint_template: Path, tmp_path: Path,
                                             outputs: dict[str, Path]) -> None:
    plain = render(blueprint_template, tmp_path / "plain", **LIGHT)
    assert not (plain / "flake.nix").exists() and not (plain / "ecs").exists()
    only_nix = render(blueprint_template, tmp_path / "nix", **LIGHT, extras=["nix"])
    assert (only_nix / "flake.nix").is_file() and not (only_nix / "ecs").exists()
    assert (outputs["defaults"] / "ecs" / "task-definition.json").is_file()


@pytest.mark.parametrize("name", VARIANTS)
def test_no_finding_and_nothing_unrendered(outputs: dict[str, Path], name: str) -> None:
    """scaffold has no Nix or ECS policies: what it can say (a file no plugin can parse, a
    secret written in it) it must not say. The whole output is test_matrix.py's."""
    out = outputs[name]
    report = scan(out, paths=[out / "flake.nix", out / "ecs"], isolated=False,
                  disabled=("checkov",))
    assert finding_lines(report) == []
    assert [line for line in unrendered(out) if line.startswith(("flake.nix", "ecs/"))] == []


# -- the Nix flake ------------------------------------------------------------------------------


def _need(module: str):
    """A validator's Python package: a skip locally, a failure in CI (as kit.tool)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        missing(f"pip install {module.replace('_', '-').split('.')[0]}")


def _parse_nix(text: str):
    tree_sitter, nix = _need("tree_sitter"), _need("tree_sitter_nix")
    return tree_sitter.Parser(tree_sitter.Language(nix.language())).parse(text.encode())


@pytest.mark.parametrize("name", VARIANTS)
def test_the_flake_parses_and_names_only_real_packages(outputs: dict[str, Path],
                                                       name: str) -> None:
    text = (outputs[name] / "flake.nix").read_text("utf-8")
    tree = _parse_nix(text)
    assert not tree.root_node.has_error, f"flake.nix of {name} does not parse"
    assert set(re.findall(r"\bpkgs\.([A-Za-z0-9_-]+)", text)) <= NIXPKGS
    assert 'nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";' in text
    assert "devShells = forAllSystems" in text and "pkgs.mkShell" in text


def test_a_broken_flake_would_be_caught() -> None:
    assert _parse_nix('{ description = "x"; outputs = { ... }: { }; ').root_node.has_error
    assert _parse_nix('{ a = "unterminated; }').root_node.has_error


def _packages(out: Path) -> set[str]:
    return set(re.findall(r"\bpkgs\.([A-Za-z0-9_-]+)", (out / "flake.nix").read_text("utf-8")))


@pytest.mark.parametrize("name,present,absent", [
    ("defaults", {"python312", "kubectl", "kustomize", "kubernetes-helm", "prometheus",
                  "prometheus-alertmanager", "hadolint", "shellcheck", "yamllint"},
     {"uv", "poetry", "nodejs_22"}),
    ("python-uv", {"python313", "uv"}, {"python312", "poetry"}),
    ("node-pnpm", {"nodejs_20", "corepack_20"}, {"kubectl", "kustomize", "prometheus"}),
    ("go", {"go_1_23", "kubectl", "kubernetes-helm", "prometheus"},
     {"kustomize", "prometheus-alertmanager"}),
    ("java-gradle", {"temurin-bin-17", "gradle_8"}, {"maven", "temurin-bin-21"}),
    ("static", {"nodejs_22"}, {"corepack_22", "python312"}),
])
def test_the_shell_holds_the_runtimes_toolchain_and_the_targets_tools(
        outputs: dict[str, Path], name: str, present: set[str], absent: set[str]) -> None:
    packages = _packages(outputs[name])
    assert present <= packages and not absent & packages


@pytest.mark.parametrize("answers,lines", [
    ({"runtime": "java"}, ["jdk = pkgs.temurin-bin-21;",
                           "(pkgs.maven.override { jdk_headless = jdk; })"]),
    ({"runtime": "python", "python_package_manager": "poetry"}, ["pkgs.python312",
                                                                 "pkgs.poetry"]),
    ({"runtime": "node", "node_package_manager": "yarn"}, ["pkgs.nodejs_22",
                                                           "pkgs.corepack_22"]),
], ids=["java-maven", "python-poetry", "node-yarn"])
def test_the_other_toolchains(blueprint_template: Path, tmp_path: Path, answers: dict,
                              lines: list[str]) -> None:
    out = render(blueprint_template, tmp_path / "out", **LIGHT, extras=["nix"], **answers)
    text = (out / "flake.nix").read_text("utf-8")
    assert not _parse_nix(text).root_node.has_error
    assert all(line in text for line in lines)
    assert set(re.findall(r"\bpkgs\.([A-Za-z0-9_-]+)", text)) <= NIXPKGS


def test_gradle_runs_on_the_images_jdk(outputs: dict[str, Path]) -> None:
    text = (outputs["java-gradle"] / "flake.nix").read_text("utf-8")
    assert "jdk = pkgs.temurin-bin-17;" in text
    assert "(pkgs.gradle_8.override { java = jdk; })" in text


def test_the_description_is_escaped_for_nix(outputs: dict[str, Path]) -> None:
    text = (outputs["hostile"] / "flake.nix").read_text("utf-8")
    assert 'description = "Development shell for Café \\"Bar\\": \\${v2} \\\\ x";' in text


# -- the ECS task definition --------------------------------------------------------------------


@pytest.fixture(scope="module")
def register_input():
    session = _need("botocore.session")
    from botocore.validate import ParamValidator

    shape = session.get_session().get_service_model("ecs") \
        .operation_model("RegisterTaskDefinition").input_shape
    return lambda params: ParamValidator().validate(params, shape)


@pytest.mark.parametrize("name", VARIANTS)
def test_the_task_definition_is_valid_register_task_definition_input(
        outputs: dict[str, Path], register_input, name: str) -> None:
    report = register_input(_task(outputs[name]))
    assert not report.has_errors(), report.generate_report()


def test_a_wrong_task_definition_would_be_caught(outputs: dict[str, Path],
                                                 register_input) -> None:
    task = _task(outputs["defaults"])
    task["containerDefinitions"][0]["memory"] = "256"
    task["containerDefinitions"][0]["readOnlyRootFilesystem"] = True
    report = register_input(task).generate_report()
    assert "Invalid type for parameter containerDefinitions[0].memory" in report
    assert "Unknown parameter in containerDefinitions[0]: \"readOnlyRootFilesystem\"" in report


@pytest.mark.parametrize("name", VARIANTS)
def test_fargate_accepts_the_sizes(outputs: dict[str, Path], name: str) -> None:
    task = _task(outputs[name])
    cpu, memory = int(task["cpu"]), int(task["memory"])
    assert memory in FARGATE[cpu]
    app = task["containerDefinitions"][0]
    assert app["cpu"] <= cpu and app["memoryReservation"] <= app["memory"] <= memory
    assert task["networkMode"] == "awsvpc" and task["requiresCompatibilities"] == ["FARGATE"]


@pytest.mark.parametrize("name,cpu,memory,container", [
    # cpu_request 100m, limit 1 vCPU; memory 128Mi/256Mi: 1 vCPU allows 2 GiB at least.
    ("defaults", "1024", "2048", (103, 128, 256)),
    # 0.5 vCPU requested, 2 vCPU limit, 1Gi/3Gi: 2 vCPU starts at 4 GiB.
    ("java-gradle", "2048", "4096", (512, 1024, 3072)),
    # 250m and 512Mi fit the smallest size; 512Ki rounds up to 1 MiB.
    ("static", "256", "512", (103, 1, 512)),
])
def test_resources_are_converted_to_ecs_units(outputs: dict[str, Path], name: str, cpu: str,
                                              memory: str, container: tuple) -> None:
    task = _task(outputs[name])
    app = task["containerDefinitions"][0]
    assert (task["cpu"], task["memory"]) == (cpu, memory)
    assert (app["cpu"], app["memoryReservation"], app["memory"]) == container


def test_memory_beyond_a_cpu_size_moves_to_the_next(blueprint_template: Path,
                                                    tmp_path: Path) -> None:
    out = render(blueprint_template, tmp_path / "out", **LIGHT, extras=["ecs"],
                 cpu_limit="250m", memory_limit="5Gi")
    task = _task(out)
    assert (task["cpu"], task["memory"]) == ("1024", "5120")


@pytest.mark.parametrize("name", VARIANTS)
def test_the_container_is_locked_down(outputs: dict[str, Path], name: str) -> None:
    app = _task(outputs[name])["containerDefinitions"][0]
    assert app["user"] == "10001:10001" and app["readonlyRootFilesystem"] is True
    assert app["linuxParameters"]["capabilities"]["drop"] == ["ALL"]
    assert app["mountPoints"] == [{"sourceVolume": "tmp", "containerPath": "/tmp",
                                   "readOnly": False}]
    assert app["logConfiguration"]["logDriver"] == "awslogs"
    assert app["logConfiguration"]["options"]["awslogs-region"] == "eu-west-1"


def test_secrets_come_from_secrets_manager_and_have_no_value(outputs: dict[str, Path]) -> None:
    app = _task(outputs["java-gradle"])["containerDefinitions"][0]
    names = ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]
    assert [s["name"] for s in app["secrets"]] == [f"{n.upper()}_PASSWORD" for n in names]
    for secret, name in zip(app["secrets"], names, strict=True):
        assert set(secret) == {"name", "valueFrom"}
        assert re.fullmatch(rf"arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
                            rf"demo-service/{name}-password", secret["valueFrom"])
    environment = {e["name"]: e["value"] for e in app["environment"]}
    assert environment["POSTGRES_HOST"] == "postgres.internal"
    assert environment["MARIADB_PORT"] == "3306" and environment["REDIS_DB"] == "0"
    assert not any("PASSWORD" in key for key in environment)
    assert "secrets" not in _task(outputs["static"])["containerDefinitions"][0]


def test_every_placeholder_is_one_envsubst_fills(outputs: dict[str, Path]) -> None:
    text = (outputs["java-gradle"] / "ecs" / "task-definition.json").read_text("utf-8")
    assert set(re.findall(r"\$\{([A-Z0-9_]+)\}", text)) == {
        "AWS_ACCOUNT_ID", "AWS_REGION", "POSTGRES_HOST", "MARIADB_HOST", "MONGODB_HOST",
        "REDIS_HOST", "ELASTICSEARCH_HOST"}
    with pytest.raises(KeyError):  # a placeholder left unfilled is an error, not a blank
        string.Template(text).substitute(PLACEHOLDERS)


def test_role_names_fit_iam_with_the_longest_slug(outputs: dict[str, Path]) -> None:
    task = _task(outputs["hostile"])
    for arn in (task["executionRoleArn"], task["taskRoleArn"]):
        assert re.fullmatch(r"arn:aws:iam::123456789012:role/[\w+=,.@-]{1,64}", arn), arn
    assert task["family"] == "a" * 63


@pytest.mark.parametrize("name", ["defaults", "node-pnpm", "go", "java-gradle", "static"])
def test_the_health_check_is_the_images_own(outputs: dict[str, Path], name: str) -> None:
    """ECS ignores the image's HEALTHCHECK: the task runs the same command, on the same
    schedule, so the two never disagree about what healthy means."""
    dockerfile = (outputs[name] / "Dockerfile").read_text("utf-8")
    match = re.search(r"HEALTHCHECK --interval=(\d+)s --timeout=(\d+)s --start-period=(\d+)s "
                      r"--retries=(\d+) \\\n\s+CMD (\[.*\])\n", dockerfile)
    assert match, "the Dockerfile's HEALTHCHECK changed shape"
    check = _task(outputs[name])["containerDefinitions"][0]["healthCheck"]
    assert check["command"] == ["CMD", *json.loads(match[5])]
    assert (check["interval"], check["timeout"], check["startPeriod"], check["retries"]) == \
        tuple(int(match[i]) for i in range(1, 5))

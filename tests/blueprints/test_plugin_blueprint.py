"""The plugin blueprint: a scaffold plugin package, made the way pytest plugins are.

The rendered package is really installed (`pip install --no-deps --no-build-isolation --target`,
with the build backend of this environment: no network), then scaffold, run as its users run
it, must load it through its entry point, its policies must fire on their failing fixtures and
stay quiet on the passing ones, and the generated project's own tests and linter must pass.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from kit import check_output, files, finding_lines, missing, render, tool, unrendered

from conftest import REPO, SCAFFOLD

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.blueprints

# A second plugin with every answer changed, and hostile text where text is free.
CUSTOM = {"plugin_name": "scaffold-k8s-rules", "plugin_package": "k8s_rules",
          "plugin_code_prefix": "TEAM", "plugin_author_email": "o'brien+ops@example.com",
          "plugin_description": 'Serves: \'quoted\' things — and "more" \\ too'}
SERVICE_QUESTIONS = ("project_name", "project_slug", "runtime", "deploy_targets", "extras")


def _build(template: Path, root: Path, **answers) -> tuple[Path, Path]:
    """Render the plugin from the repository root entry and install it into its own folder."""
    out = render(template, root / "out", blueprint="plugin", **answers)
    site = root / "site"
    if importlib.util.find_spec("hatchling") is None:  # the plugin's build backend
        missing("pip install hatchling")
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                             "--no-build-isolation", "--no-input", "--target", str(site),
                             str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out, site


@pytest.fixture(scope="module")
def built(blueprint_template: Path, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    return {"defaults": _build(blueprint_template, tmp_path_factory.mktemp("plugin")),
            "custom": _build(blueprint_template, tmp_path_factory.mktemp("custom"), **CUSTOM)}


def _run(command: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess:
    """A process that sees the installed plugin, as a user's environment would."""
    env = {**os.environ, "PYTHONPATH": str(site), "SCAFFOLD_NO_CACHE": "1"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


# -- the generated package, installed -----------------------------------------------------------


@pytest.mark.parametrize("variant,entry_point,package", [
    ("defaults", "acme", "scaffold_acme"), ("custom", "k8s-rules", "k8s_rules")])
def test_scaffold_loads_it_through_its_entry_point(built, variant: str, entry_point: str,
                                                   package: str) -> None:
    out, site = built[variant]
    result = _run([str(SCAFFOLD), "plugins", "--format", "json"], site, out)
    assert result.returncode == 0, result.stderr
    plugin = {entry["name"]: entry for entry in json.loads(result.stdout)}[entry_point]
    assert (plugin["status"], plugin["module"], plugin["version"]) == ("loaded", package, "0.1.0")
    assert set(plugin["hooks"]) == {"scaffold_policy_dirs", "scaffold_checks"}


@pytest.mark.parametrize("variant,prefix", [("defaults", "ACME"), ("custom", "TEAM")])
def test_its_policies_fire_on_the_failing_fixtures_only(built, variant: str, prefix: str) -> None:
    out, site = built[variant]
    result = _run([str(SCAFFOLD), "check", "--isolated", "--select", prefix, "--format", "json",
                   "--output", "-", "--fail-on", "never", "tests/policies"], site, out)
    assert result.returncode == 0, result.stderr
    found = {(f["path"], f["code"]) for f in json.loads(result.stdout)["findings"]}
    fixtures = sorted((out / "tests" / "policies").glob("*/*.yaml"))
    assert len(fixtures) == 9
    for path in fixtures:
        code, name = path.parent.name, path.relative_to(out).as_posix()
        assert ((name, code) in found) == path.name.startswith("fail"), (name, found)
    assert {code for _, code in found} == {f"{prefix}001", f"{prefix}002"}


def test_the_code_check_reads_quantities_and_says_which(built) -> None:
    out, site = built["defaults"]
    result = _run([str(SCAFFOLD), "check", "--isolated", "--select", "ACME002",
                   "--fail-on", "never", "tests/policies/ACME002"], site, out)
    assert "fail-init-container.yaml:11: ACME002" in result.stdout
    assert "The memory request (0.5Gi) is below its limit (1G)." in result.stdout
    assert "The memory request '1 Gi' is not a Kubernetes quantity" in result.stdout
    assert "pass-same-amount-other-units" not in result.stdout


def test_explain_shows_its_policy(built) -> None:
    out, site = built["custom"]
    result = _run([str(SCAFFOLD), "explain", "TEAM001"], site, out)
    assert result.returncode == 0, result.stderr
    assert "Workload has no team label" in result.stdout


@pytest.mark.parametrize("variant", ["defaults", "custom"])
def test_the_generated_projects_own_tests_pass(built, variant: str) -> None:
    out, site = built[variant]
    result = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], site, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "skipped" not in result.stdout


@pytest.mark.parametrize("variant", ["defaults", "custom"])
def test_the_generated_project_is_lint_clean(built, variant: str) -> None:
    out, _ = built[variant]
    result = subprocess.run([tool("ruff"), "check", "--no-cache", "."], cwd=out,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# -- the generated files ------------------------------------------------------------------------


def test_the_layout(built) -> None:
    out, _ = built["defaults"]
    assert sorted(files(out)) == [
        ".copier-answers.yml", ".github/workflows/ci.yml", ".gitignore", ".scaffold.yaml",
        "README.md", "pyproject.toml",
        "src/scaffold_acme/__init__.py", "src/scaffold_acme/checks.py",
        "src/scaffold_acme/policies/request-equals-limit.yaml",
        "src/scaffold_acme/policies/team-label.yaml", "src/scaffold_acme/py.typed",
        "src/scaffold_acme/quantities.py",
        *(f"tests/policies/ACME001/{name}" for name in (
            "fail-cronjob-labelled-otherwise.yaml", "fail-no-labels.yaml",
            "pass-not-a-workload.yaml", "pass-team-label.yaml")),
        *(f"tests/policies/ACME002/{name}" for name in (
            "fail-init-container.yaml", "fail-not-a-quantity.yaml",
            "fail-request-below-limit.yaml", "pass-limit-only.yaml",
            "pass-same-amount-other-units.yaml")),
        "tests/test_plugin.py", "tests/test_policies.py", "tests/test_quantities.py",
    ]


@pytest.mark.parametrize("variant", ["defaults", "custom"])
def test_nothing_unrendered_and_everything_parses(built, variant: str) -> None:
    out, _ = built[variant]
    assert unrendered(out) == []
    project = tomllib.loads((out / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["description"] == ("Our team's policies for scaffold check"
                                      if variant == "defaults" else CUSTOM["plugin_description"])
    assert project["dependencies"] == ["scaffold>=0.1.0"]
    for path in [*out.rglob("*.yaml"), *out.rglob("*.yml")]:
        assert list(yaml.safe_load_all(path.read_text("utf-8"))), path


def test_custom_answers_reach_every_name(built) -> None:
    out, _ = built["custom"]
    pyproject = tomllib.loads((out / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["name"] == "scaffold-k8s-rules"
    assert pyproject["project"]["entry-points"]["scaffold"] == {"k8s-rules": "k8s_rules"}
    assert pyproject["project"]["authors"] == [{"email": "o'brien+ops@example.com"}]
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == \
        ["src/k8s_rules"]
    policy = yaml.safe_load((out / "src/k8s_rules/policies/request-equals-limit.yaml")
                            .read_text("utf-8"))
    assert (policy["code"], policy["name"], policy["check"]) == (
        "TEAM002", "k8s-rules-memory-request-equals-limit", "k8s-rules.request-equals-limit")


def test_its_own_check_of_the_repository_is_clean(built) -> None:
    """Its fixtures break policies on purpose; the `.scaffold.yaml` it ships keeps them out."""
    out, _ = built["defaults"]
    report = check_output(out)
    assert finding_lines(report) == [] and report.score.score in (100, None)


def test_the_ci_workflow_is_valid_and_pins_its_actions(built) -> None:
    out, _ = built["defaults"]
    workflow = out / ".github" / "workflows" / "ci.yml"
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", str(workflow)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = yaml.safe_load(workflow.read_text("utf-8"))["jobs"]["test"]["steps"]
    for step in steps:
        if "uses" in step:
            assert len(step["uses"].split("@")[1]) == 40, step["uses"]


def test_yamllint_passes(built, tmp_path: Path) -> None:
    config = tmp_path / "yamllint.yaml"
    # The answers file is Copier's to write (its lists are not indented).
    config.write_text("extends: default\nignore: .copier-answers.yml\nrules:\n"
                      "  document-start: disable\n  line-length: {max: 100}\n"
                      "  truthy: {check-keys: false}\n")
    out, _ = built["custom"]
    result = subprocess.run([tool("yamllint"), "--strict", "-c", str(config), str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


# -- the questions ------------------------------------------------------------------------------


@pytest.mark.parametrize("answer,message", [
    ({"plugin_name": "Bad_Name"}, "lowercase letters, digits and single '-'"),
    ({"plugin_name": "scaffold"}, "scaffold itself"),
    ({"plugin_package": "1abc"}, "a lowercase Python identifier"),
    ({"plugin_package": "class"}, "is taken"),
    ({"plugin_package": "scaffold_plugins"}, "is taken"),
    ({"plugin_code_prefix": "acme"}, "2 to 4 capital letters"),
    ({"plugin_code_prefix": "ACMEX"}, "2 to 4 capital letters"),
    ({"plugin_code_prefix": "KU"}, "overlaps scaffold's own codes (KUBE)"),
    ({"plugin_code_prefix": "DFX"}, "overlaps scaffold's own codes (DF)"),
    ({"plugin_description": "two\nlines"}, "one line of 3 to 200 characters"),
    ({"plugin_author_email": "nobody"}, "an email address"),
])
def test_bad_answers_are_refused_with_the_reason(blueprint_template: Path, tmp_path: Path,
                                                 answer: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        render(blueprint_template, tmp_path / "out", blueprint="plugin", **answer)
    assert not (tmp_path / "out" / "pyproject.toml").exists()


def _builtins() -> list[tuple[str, str]]:
    """scaffold's own plugin names and code prefixes, read from scaffold itself: a new one
    fails a test below until the questions' validators know it."""
    from importlib.metadata import entry_points

    from scaffold.registry import Registry

    registry = Registry.load()
    prefixes = {policy.code.rstrip("0123456789") for policy in registry.policies()}
    return [*(("plugin_name", f"scaffold-{ep.name}") for ep in entry_points(group="scaffold")),
            *(("plugin_code_prefix", prefix) for prefix in {*prefixes, *registry.external})]


@pytest.mark.parametrize("question,answer", sorted(_builtins()), ids=lambda v: v)
def test_no_plugin_may_take_a_built_in_name_or_code_prefix(blueprint_template: Path,
                                                           tmp_path: Path, question: str,
                                                           answer: str) -> None:
    message = ("one of scaffold's built-in plugins" if question == "plugin_name"
               else "overlaps scaffold's own codes")
    with pytest.raises(ValueError, match=message):
        render(blueprint_template, tmp_path / "out", blueprint="plugin", **{question: answer})


# -- the two entry points -----------------------------------------------------------------------


def _asked(monkeypatch, template: Path, destination: Path, **data):
    """The questions Copier puts to the user (each answered with its default), and the Worker
    for its answers. The files are not rendered: this is about the questionnaire only."""
    import copier._main
    from copier import run_copy

    asked: list[str] = []

    def prompt(questions, answers):
        when = questions[0].get("when", True)
        if when is True or (callable(when) and when(None)):
            asked.append(questions[0]["name"])
        return answers

    monkeypatch.setattr(copier._main, "unsafe_prompt", prompt)
    monkeypatch.setattr(copier._main.Worker, "_render_template", lambda self: None)
    worker = run_copy(str(template), destination, data=data, quiet=True, unsafe=False)
    return asked, worker


def test_the_service_blueprint_asks_no_plugin_question(monkeypatch, blueprint_template: Path,
                                                       tmp_path: Path) -> None:
    asked, worker = _asked(monkeypatch, blueprint_template, tmp_path / "out")
    assert asked[:2] == ["blueprint", "project_name"] and "extras" in asked
    assert not [name for name in asked if name.startswith("plugin_")]
    assert worker.answers.combined["blueprint"] == "service"


def test_the_plugin_blueprint_asks_only_its_own_questions(monkeypatch, blueprint_template: Path,
                                                          tmp_path: Path) -> None:
    asked, worker = _asked(monkeypatch, blueprint_template, tmp_path / "out",
                           blueprint="plugin")
    assert asked == ["plugin_name", "plugin_package", "plugin_code_prefix",
                     "plugin_description", "plugin_author_email"]
    # What the answers file records (Copier leaves out what `when` hid).
    assert not set(SERVICE_QUESTIONS) & set(worker._answers_to_remember())


def test_both_blueprints_render_with_the_same_settings() -> None:
    """The root entry includes both settings files (later keys win): they must agree."""
    service, plugin = (yaml.safe_load((REPO / "blueprints" / name / "settings.yml")
                                      .read_text("utf-8")) for name in ("service", "plugin"))
    assert set(plugin) == {"_min_copier_version", "_templates_suffix", "_answers_file",
                           "_envops"}
    assert plugin == {key: service[key] for key in plugin}


def test_the_blueprint_folder_is_a_template_too(blueprint_template: Path, tmp_path: Path,
                                                built) -> None:
    folder = render(blueprint_template / "blueprints" / "plugin", tmp_path / "folder")
    root, _ = built["defaults"]
    expected = {name: content for name, content in files(root).items()
                if name != ".copier-answers.yml"}
    assert {name: content for name, content in files(folder).items()
            if name != ".copier-answers.yml"} == expected


def test_plain_copier_copy_from_the_repository_root(blueprint_template: Path,
                                                   tmp_path: Path) -> None:
    """`copier copy -d blueprint=plugin` gives the plugin (that `--defaults` alone gives the
    service is test_the_service_blueprint_asks_no_plugin_question's, and the service's own
    module renders it)."""
    copier = Path(sys.executable).parent / "copier"
    result = subprocess.run([str(copier), "copy", "--defaults", "--quiet", "-d",
                             "blueprint=plugin", str(blueprint_template), str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "src" / "scaffold_acme" / "__init__.py").is_file()
    assert not (tmp_path / "out" / "Dockerfile").exists()

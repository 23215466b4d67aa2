"""Configuration: found upward, validated against its schema, errors naming the key."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from conftest import write_tree
from scaffold.config import find_config, load_config
from scaffold.errors import ConfigError


def test_yaml_config_is_found_upward_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {".scaffold.yaml": """\
        select: [KUBE]
        ignore: [KUBE005]
        severity: {KUBE001: error}
        exclude: ["generated/"]
        policy-paths: [team-policies]
        fail-on: warning
        min-score: 80
        baseline: .scaffold-baseline.json
        exemptions:
          - codes: [KUBE003]
            kind: DaemonSet
            name: node-agent
            reason: the agent needs the host's devices
            expires: 2030-01-31
        """, "k8s/deploy/x.yaml": ""})
    found = find_config(tmp_path / "k8s" / "deploy")
    assert found == tmp_path / ".scaffold.yaml"
    config = load_config(found, Path.cwd())
    assert config.root == tmp_path.resolve()
    assert config.select == ("KUBE",) and config.ignore == ("KUBE005",)
    assert config.policy_paths == (tmp_path.resolve() / "team-policies",)
    assert config.baseline == tmp_path.resolve() / ".scaffold-baseline.json"
    assert config.fail_on == "warning" and config.min_score == 80
    (exemption,) = config.exemptions
    assert exemption.expires == datetime.date(2030, 1, 31) and exemption.line == 10


def test_schema_locations_are_relative_to_the_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {"project/.scaffold.yaml": """\
        params:
          KUBE501: {schema-locations: [schemas/crds, /opt/crds], strict: true}
        """})
    config = load_config(tmp_path / "project" / ".scaffold.yaml", Path.cwd())
    assert config.params["KUBE501"] == {
        "schema-locations": [str(tmp_path.resolve() / "project" / "schemas" / "crds"), "/opt/crds"],
        "strict": True}


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": """\
        [project]
        name = "x"

        [tool.scaffold]
        ignore = ["KUBE002"]

        [[tool.scaffold.exemptions]]
        paths = ["legacy/**"]
        reason = "replaced next quarter"
        expires = 2030-06-30
        """})
    config = load_config(find_config(tmp_path), tmp_path)
    assert config.ignore == ("KUBE002",)
    assert config.exemptions[0].expires == datetime.date(2030, 6, 30)


def test_pyproject_without_the_table_is_not_a_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert find_config(tmp_path) is None


@pytest.mark.parametrize("text,line,fragment", [
    ("selct: [KUBE]\n", 1, "selct: unknown key (did you mean 'select'?)"),
    ("fail-on: sometimes\n", 1, "fail-on"),
    ("min-score: 101\n", 1, "min-score"),
    ("ignore: KUBE001\n", 1, "ignore"),
    ("exemptions:\n  - codes: [KUBE001]\n    paths: ['a']\n", 2, "reason"),
    ("exemptions:\n  - reason: no selector at all\n", 2, "at least one of paths, kind"),
    ("exemptions:\n  - reason: bad date\n    kind: Pod\n    expires: 2030-02-31\n", 2,
     "not a real date"),
    ("severity:\n  KUBE001: fatal\n", 2, "severity.KUBE001"),
    ("select: [KUBE\n", 1, "still open at the end of the file"),
])
def test_bad_config_names_file_line_and_key(tmp_path: Path, text: str, line: int,
                                            fragment: str) -> None:
    (tmp_path / ".scaffold.yaml").write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / ".scaffold.yaml", tmp_path)
    assert raised.value.path == str(tmp_path / ".scaffold.yaml")
    assert raised.value.line == line, str(raised.value)
    assert fragment in str(raised.value)


def test_bad_pyproject_names_the_table_and_key(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.scaffold]\nfail_on = 'error'\n"})
    with pytest.raises(ConfigError, match=r"\[tool.scaffold\].*fail_on: unknown key.*fail-on"):
        load_config(tmp_path / "pyproject.toml", tmp_path)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.scaffold\nx = 1\n"})
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path / "pyproject.toml", tmp_path)


def test_empty_yaml_config_means_defaults(tmp_path: Path) -> None:
    (tmp_path / ".scaffold.yaml").write_text("# nothing yet\n")
    config = load_config(tmp_path / ".scaffold.yaml", tmp_path)
    assert config.select is None and config.fail_on == "error" and config.inline_ignores

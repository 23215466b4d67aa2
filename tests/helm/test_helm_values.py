"""Values files against the chart's values.schema.json, the way helm checks them: the merged
values of each environment, with findings at the line of the file that set the value."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import active_at, codes, scan, write_tree
from scaffold_plugins.helm.values import coalesce

CHART = "apiVersion: v2\nname: web\nversion: 1.0.0\nappVersion: '1'\n"
SCHEMA = json.dumps({
    "type": "object",
    "required": ["replicaCount", "image"],
    "properties": {
        "replicaCount": {"type": "integer", "minimum": 1},
        "image": {"type": "object", "required": ["tag"],
                  "properties": {"tag": {"type": "string"}}},
        "database": {"type": "object",
                     "properties": {"password": {"type": "string", "minLength": 12}}},
    },
}, indent=2)
VALUES = "replicaCount: 2\nimage:\n  tag: '1.27'\n"


def _chart(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, {"web/Chart.yaml": CHART, "web/values.schema.json": SCHEMA,
                                 "web/values.yaml": VALUES, **files})


def _helm005(report) -> list[tuple[str | None, int | None, str]]:
    return sorted((f.path, f.line, f.message) for f in report.findings if f.code == "HELM005")


def test_coalesce_merges_maps_replaces_the_rest_and_null_removes() -> None:
    defaults = {"a": {"b": 1, "c": [1, 2]}, "d": "x", "e": {"f": 1}}
    assert coalesce(defaults, {"a": {"c": [3]}, "d": None, "e": "scalar"}) == \
        {"a": {"b": 1, "c": [3]}, "e": "scalar"}
    assert defaults["a"] == {"b": 1, "c": [1, 2]}  # untouched


def test_environment_file_breaking_the_schema_is_reported_at_its_line(tmp_path: Path) -> None:
    root = _chart(tmp_path, {
        # Valid once merged over values.yaml, though it lacks the required keys itself:
        "web/values-dev.yaml": "replicaCount: 1\n",
        "web/values-prod.yaml": "# production\nimage:\n  tag: 127\nreplicaCount: 3\n",
        "web/ci/smoke-values.yaml": "replicaCount: 0\n",
    })
    report = scan(root, disabled=("hadolint", "shellcheck"))
    assert _helm005(report) == [
        ("web/ci/smoke-values.yaml", 1,
         "replicaCount: 0 is less than the minimum of 1 (values.schema.json)"),
        ("web/values-prod.yaml", 3,
         'image.tag: 127 is not of type "string" (values.schema.json)'),
    ]


def test_defaults_are_checked_alone_and_their_errors_not_repeated_per_environment(
        tmp_path: Path) -> None:
    root = _chart(tmp_path, {"web/values.yaml": "replicaCount: 0\nimage:\n  tag: '1.27'\n",
                             "web/values-prod.yaml": "image:\n  tag: '1.28'\n"})
    assert active_at(scan(root), "HELM005") == [("web/values.yaml", 1)]


def test_a_removed_required_key_is_reported_where_it_was_removed(tmp_path: Path) -> None:
    root = _chart(tmp_path, {"web/values-dev.yaml": "replicaCount: 2\nimage: null\n"})
    assert _helm005(scan(root)) == [
        ("web/values-dev.yaml", 2, 'values: "image" is a required property (values.schema.json)')]


def test_a_secret_value_is_not_echoed(tmp_path: Path) -> None:
    root = _chart(tmp_path, {"web/values-dev.yaml": "database:\n  password: hunter2\n"})
    [(_, line, message)] = _helm005(scan(root))
    assert line == 2 and "hunter2" not in message and '"hu…(7 chars)"' in message


def test_no_schema_no_check_and_a_broken_schema_is_a_parse_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a/Chart.yaml": CHART, "a/values.yaml": "replicaCount: x\n",
                                 "b/Chart.yaml": CHART, "b/values.yaml": "replicaCount: x\n",
                                 "b/values.schema.json": '{\n  "type": "object",\n  oops\n}\n',
                                 "c/Chart.yaml": CHART, "c/values.yaml": "replicaCount: x\n",
                                 "c/values.schema.json": '{\n  "type": "object",\n  "minimum": "one"\n}\n'})
    report = scan(root)
    assert "HELM005" not in codes(report)
    assert active_at(report, "CORE001") == [("b/values.schema.json", 3),
                                            ("c/values.schema.json", 3)]
    messages = sorted(f.message for f in report.findings if f.code == "CORE001")
    assert messages[0].startswith("invalid JSON") and "not a valid JSON Schema" in messages[1]


def test_files_that_only_look_like_values_files_are_left_alone(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"values.yaml": "replicaCount: x\n",
                                 "values.schema.json": SCHEMA,
                                 "web/Chart.yaml": CHART, "web/values.schema.json": SCHEMA,
                                 "web/values.yaml": VALUES,
                                 "web/other-values.yaml": "replicaCount: x\n",
                                 "web/config/values-x.yaml": "replicaCount: x\n"})
    assert "HELM005" not in codes(scan(root))

"""The YAML loader: plain data, lines on demand, YAML 1.2 numbers, clear errors."""

from __future__ import annotations

import pytest

from scaffold.errors import ParseError
from scaffold.yamlfile import load_documents


def test_lines_of_keys_and_items_across_documents() -> None:
    first, second = load_documents("a: 1\nb:\n  - x\n  - {y: 2}\n---\nk: v\n")
    assert first.lines.locate(first.data, ["b", 1, "y"]) == 4
    assert (first.line, second.line) == (1, 6)


def test_keys_stay_as_written_and_dates_stay_text() -> None:
    (document,) = load_documents("on: push\n80: http\nwhen: 2024-01-01\n")
    assert document.data == {"on": "push", "80": "http", "when": "2024-01-01"}


def test_no_base_60_numbers() -> None:
    (document,) = load_documents("ports: [22:22, 8080, 1.5, 0x10]\ntime: 1:30\n")
    assert document.data == {"ports": ["22:22", 8080, 1.5, 16], "time": "1:30"}


def test_application_tags_and_merge_keys() -> None:
    (document,) = load_documents(
        "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nports: !reset []\nref: !Ref Bucket\n")
    assert document.data["c"] == {"x": 1, "y": 3}
    assert document.data["ports"] == [] and document.data["ref"] == "Bucket"


@pytest.mark.parametrize("text,line,fragment", [
    ("a: [1\n", 1, "still open at the end of the file"),
    ("a: 1\n\tb: 2\n", 2, "tab"),
    ("a: 1\na: [\n  x\n", 2, "still open"),
])
def test_syntax_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as raised:
        load_documents(text)
    assert raised.value.line == line and fragment in raised.value.message


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "kind: ConfigMap\n" + "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_its_document() -> None:
    with pytest.raises(ParseError, match="expand to more than 1,000,000 nodes") as raised:
        load_documents("a: 1\n---\n" + _bomb(9))
    assert raised.value.line == 3


def test_anchors_within_bounds_load_as_shared_objects() -> None:
    (document,) = load_documents(_bomb(4))
    assert document.data["a3"][0] is document.data["a2"]

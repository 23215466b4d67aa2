"""Dockerfiles: one document per file, parsed with exact line numbers (see `parser.py`).

`data` is what schema policies see: `{"instructions": [{keyword, value, line, stage}],
"stages": [{name, image, line}]}`; code checks get the parsed `Dockerfile` itself.
"""

from __future__ import annotations

from scaffold import Document, LineIndex, Target, hookimpl
from scaffold_plugins.dockerfile import checks
from scaffold_plugins.dockerfile.parser import Dockerfile, parse
from scaffold_policies import POLICY_ROOT

TARGET = "dockerfile"


def is_dockerfile(name: str) -> bool:
    """`Dockerfile`, `Dockerfile.prod`, `api.dockerfile`, `Containerfile` (any case)."""
    lower = name.lower()
    if lower.endswith(".dockerignore"):  # `Dockerfile.dockerignore` is an ignore file
        return False
    for stem in ("dockerfile", "containerfile"):
        if lower == stem or lower.startswith(stem + "."):
            return True
    return lower.endswith(".dockerfile")


def _data(dockerfile: Dockerfile, lines: LineIndex) -> dict:
    instructions = []
    for instruction in dockerfile.instructions:
        item = {"keyword": instruction.keyword, "value": instruction.value,
                "line": instruction.line, "stage": instruction.stage}
        lines.mark_all(item, dict.fromkeys(item, instruction.line))
        instructions.append(item)
    stages = []
    for stage in dockerfile.stages:
        item = {"name": stage.name, "image": stage.resolved_image, "line": stage.line}
        lines.mark_all(item, dict.fromkeys(item, stage.line))
        stages.append(item)
    data = {"instructions": instructions, "stages": stages}
    lines.mark_all(instructions, {i: item["line"] for i, item in enumerate(instructions)})
    lines.mark_all(stages, {i: item["line"] for i, item in enumerate(stages)})
    return data


@hookimpl
def scaffold_targets():
    return [Target(TARGET, "A Dockerfile or Containerfile", "Dockerfile")]


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "dockerfile"]


@hookimpl
def scaffold_checks():
    return checks.CHECKS


@hookimpl
def scaffold_parse(source):
    if not is_dockerfile(source.name):
        return None
    dockerfile = parse(source.text)
    lines = LineIndex()
    data = _data(dockerfile, lines)
    return [Document(TARGET, source.path, 1, data, lines, subject=None, parsed=dockerfile)]

"""Dockerfiles and .dockerignore files.

Dockerfile: one document per file, parsed with exact line numbers (see `parser.py`). `data` is
what schema policies see: `{"instructions": [{keyword, value, line, stage}], "stages": [{name,
image, line}], "dockerignore": {"path", "present"}}`; code checks get the parsed `Dockerfile`
itself. `dockerignore` says which ignore file a build would use, looked up on disk beside the
Dockerfile while parsing, so checks stay pure functions of the document.

.dockerignore: one document per file, `{"patterns": [{pattern, exclude, line}]}`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scaffold import Document, LineIndex, Suppression, Target, hookimpl
from scaffold_plugins.dockerfile import check_table, dockerignore
from scaffold_policies import POLICY_ROOT

if TYPE_CHECKING:
    from scaffold_plugins.dockerfile.parser import Dockerfile

TARGET = "dockerfile"
# A well-formed inline ignore; malformed ones are the engine's to report.
_IGNORE = re.compile(r"scaffold:\s*ignore\s*=\s*(?P<codes>[A-Z0-9_,\s]+?)\s*--\s*(?P<reason>\S.*)$")


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


def _instruction_suppressions(dockerfile: Dockerfile) -> tuple[Suppression, ...]:
    """An ignore comment above a multi-line instruction covers every line of it.

    The engine applies a comment to the next code line only; checks report the exact line
    inside a long RUN, so a comment above the RUN must reach that far.
    """
    comments = [(line, match) for line, text in dockerfile.comments
                if "scaffold:" in text and (match := _IGNORE.search(text))]
    if not comments:
        return ()
    found = []
    previous_end = 0
    for instruction in dockerfile.instructions:
        if instruction.end_line > instruction.line:
            covered = tuple(range(instruction.line, instruction.end_line + 1))
            for line, match in comments:
                if previous_end < line < instruction.line:
                    codes = tuple(c.strip() for c in match.group("codes").split(",") if c.strip())
                    found.append(Suppression(codes, match.group("reason").strip(), line, covered))
        previous_end = instruction.end_line
    return tuple(found)


@hookimpl
def scaffold_targets():
    return [Target(TARGET, "A Dockerfile or Containerfile", "Dockerfile"),
            Target(dockerignore.TARGET, "A .dockerignore file", ".dockerignore")]


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "dockerfile", POLICY_ROOT / "dockerignore"]


@hookimpl
def scaffold_checks():
    return check_table.CHECKS


@hookimpl
def scaffold_parse(source):
    if dockerignore.is_dockerignore(source.name):
        return [dockerignore.parse_document(source)]
    if not (is_dockerfile(source.name) or source.kind == TARGET):
        return None
    from scaffold_plugins.dockerfile.parser import parse  # only when there is a Dockerfile

    dockerfile = parse(source.text)
    lines = LineIndex()
    data = _data(dockerfile, lines)
    found = dockerignore.find_for_dockerfile(source.abspath, source.path)
    data["dockerignore"] = {"path": found, "present": found is not None}
    return [Document(TARGET, source.path, 1, data, lines, subject=None, parsed=dockerfile,
                     suppressions=_instruction_suppressions(dockerfile))]

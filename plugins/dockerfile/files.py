"""Checks on COPY/ADD and on stage references: what gets into the image, and from where."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from scaffold import Document, Violation

from .analysis import analyze, mounts, with_triggers
from .images import looks_like_image
from .parser import Dockerfile, Instruction, Stage
from .words import parse_heredoc_word

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
                    ".tar.zst", ".tzst", ".tar.lz", ".tar.lzma", ".tlz")
GIT_SOURCE = re.compile(r"^(git@|git://|ssh://)|\.git(#.*)?$|\.git/?#")
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
WHOLE_CONTEXT = frozenset({".", "./", "*", "./*", "/"})
_ABSOLUTE = re.compile(r"[A-Za-z]:[\\/]|[\\/]")


def _copies(dockerfile: Dockerfile, onbuild: bool = True) -> Iterator[Instruction]:
    """COPY and ADD instructions, ONBUILD triggers too unless `onbuild` is False (a trigger's
    paths belong to the child image's context and WORKDIR, unknown here)."""
    source = with_triggers(dockerfile) if onbuild else dockerfile.instructions
    for instruction in source:
        if instruction.keyword in ("COPY", "ADD"):
            yield instruction


def _is_heredoc(word: str) -> bool:
    return word.startswith("<<") and parse_heredoc_word(word) is not None


def add_for_local_files(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in _copies(document.parsed):
        if instruction.keyword != "ADD":
            continue
        local = [s for s in instruction.sources if not URL.match(s) and not GIT_SOURCE.search(s)
                 and not _is_heredoc(s) and not s.lower().endswith(ARCHIVE_SUFFIXES)]
        if local:
            yield Violation(f"`ADD {' '.join(local)}` copies local files: use `COPY`.",
                            line=instruction.line)


def add_remote_url(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in _copies(document.parsed):
        if instruction.keyword != "ADD" or instruction.flag("checksum"):
            continue
        for source in instruction.sources:
            if URL.match(source) and source.lower().startswith(("http://", "https://")) \
                    and not GIT_SOURCE.search(source):
                yield Violation(f"`ADD {source}` downloads a file without checking its "
                                "checksum.", line=instruction.line)


def copy_destination_not_directory(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in _copies(document.parsed):
        destination = instruction.destination or ""
        if len(instruction.sources) < 2 or "$" in destination:
            continue
        if destination.endswith(("/", "\\")) or destination in (".", "..") \
                or destination.endswith(("/.", "/..")):
            continue
        yield Violation(f"`{instruction.keyword}` has {len(instruction.sources)} sources but its "
                        f"destination `{destination}` does not end with `/`.",
                        line=instruction.line)


def duplicate_stage_name(document: Document, params: Mapping) -> Iterator[Violation]:
    seen: dict[str, Stage] = {}
    for stage in document.parsed.stages:
        if stage.name is None:
            continue
        if stage.name in seen:
            yield Violation(f"Stage name `{stage.name}` is already used at line "
                            f"{seen[stage.name].line}.", line=stage.line)
        else:
            seen[stage.name] = stage


def _stage_references(stage: Stage) -> Iterator[tuple[str, Instruction]]:
    for instruction in stage.instructions:
        if instruction.keyword == "COPY":
            for value in instruction.flag_values("from"):
                if value:
                    yield value, instruction
        elif instruction.keyword == "RUN":
            for mount in mounts(instruction):
                if mount.get("from"):
                    yield mount["from"], instruction


def copy_from_invalid(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    for stage in dockerfile.stages:
        for reference, instruction in _stage_references(stage):
            problem = _reference_problem(dockerfile, stage, reference)
            if problem:
                yield Violation(f"`--from={reference}` {problem}.", line=instruction.line)


def _reference_problem(dockerfile: Dockerfile, stage: Stage, reference: str) -> str | None:
    if "$" in reference:
        return None
    if reference.isdigit():
        index = int(reference)
        if index == stage.index:
            return "refers to the stage it is in"
        return "refers to a later stage" if index > stage.index else None
    name = reference.lower()
    if any(s.name == name for s in dockerfile.stages[:stage.index]):
        return None
    if stage.name == name:
        return "refers to the stage it is in"
    if any(s.name == name for s in dockerfile.stages[stage.index + 1:]):
        return "refers to a stage defined later: stages can only use earlier ones"
    if looks_like_image(reference):
        return None
    return ("names no earlier stage; if it is an image, Docker pulls "
            f"`{reference}:latest` (give it a tag)")


def relative_destination(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    analysis = analyze(dockerfile)
    for instruction in _copies(dockerfile, onbuild=False):
        destination = (instruction.destination or "").strip("\"'")
        if not destination or "$" in destination or _ABSOLUTE.match(destination):
            continue
        if any(i.keyword == "WORKDIR" for i in analysis.before(instruction)):
            continue
        yield Violation(f"`{instruction.keyword}` to the relative path `{destination}` with no "
                        "`WORKDIR` set: it lands wherever the base image's WORKDIR is.",
                        line=instruction.line)


# --- .dockerignore beside the Dockerfile ----------------------------------------------------


def _copies_whole_context(dockerfile: Dockerfile) -> Instruction | None:
    """The first instruction that sends the whole build context into the build."""
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("COPY", "ADD") and not instruction.flag("from"):
            if any(source in WHOLE_CONTEXT for source in instruction.sources):
                return instruction
        elif instruction.keyword == "RUN":
            for mount in mounts(instruction):
                if mount.get("type") == "bind" and not mount.get("from") \
                        and mount.get("source", mount.get("src", ".")) in ("", ".", "./", "/"):
                    return instruction
    return None


def dockerignore_missing(document: Document, params: Mapping) -> Iterator[Violation]:
    found = (document.data or {}).get("dockerignore") or {}
    if found.get("present"):
        return
    instruction = _copies_whole_context(document.parsed)
    if instruction is not None:
        yield Violation(f"`{instruction.keyword}` copies the whole build context, and no "
                        "`.dockerignore` lies beside the Dockerfile to keep `.git`, `.env` and "
                        "keys out of it.", line=instruction.line)

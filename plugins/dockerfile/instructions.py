"""Checks on single instructions and their repetition: HEALTHCHECK, CMD, ENTRYPOINT, EXPOSE,
WORKDIR, ENV/LABEL syntax."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from scaffold import Document, Violation

from .analysis import analyze
from .parser import Dockerfile, Instruction

_PORT = re.compile(r"(\d+)(?:-(\d+))?(?:/([A-Za-z]+))?")
_PROTOCOLS = frozenset({"tcp", "udp", "sctp"})
_ABSOLUTE = re.compile(r"[A-Za-z]:[\\/]|[\\/]")  # `/app`, `C:\\app`, `\\app`


def healthcheck(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    check = analyze(dockerfile).last_in_final_stage("HEALTHCHECK")
    if check is None:
        yield Violation(line=dockerfile.final_stage.line)
    elif check.args and check.args[0] == "NONE":
        yield Violation("The final stage disables the health check (`HEALTHCHECK NONE`).",
                        line=check.line)


def _repeated(dockerfile: Dockerfile, keyword: str) -> Iterator[tuple[Instruction, Instruction]]:
    """`(first, again)` for each repeat of `keyword` within one stage (ONBUILD aside)."""
    for stage in dockerfile.stages:
        found = [i for i in stage.instructions if i.keyword == keyword]
        for again in found[1:]:
            yield found[0], again


def _repeat_check(keyword: str):
    def check(document: Document, params: Mapping) -> Iterator[Violation]:
        for first, again in _repeated(document.parsed, keyword):
            yield Violation(f"A second `{keyword}` in this stage (the first is at line "
                            f"{first.line}): only the last one takes effect.", line=again.line)
    check.__name__ = f"repeated_{keyword.lower()}"
    return check


def exec_form(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in document.parsed.instructions:
        if instruction.keyword not in ("CMD", "ENTRYPOINT") or instruction.exec_form is not None:
            continue
        words = instruction.value.split(None, 1)
        if words and words[0] == "exec":  # `CMD exec app`: the shell replaces itself with app
            continue
        yield Violation(f"`{instruction.keyword}` is in shell form: the process runs under "
                        "`/bin/sh -c` and does not receive stop signals.", line=instruction.line)


def _ports(instruction: Instruction) -> Iterator[tuple[str, re.Match | None]]:
    for word in instruction.args:
        word = word.strip("\"'")
        if word and "$" not in word:
            yield word, _PORT.fullmatch(word)


def expose_ssh(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in document.parsed.instructions:
        if instruction.keyword != "EXPOSE":
            continue
        for word, match in _ports(instruction):
            if match is None or (match.group(3) or "tcp").lower() != "tcp":
                continue
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if low <= 22 <= high:
                yield Violation(f"`EXPOSE {word}` publishes SSH.", line=instruction.line)


def expose_invalid(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in document.parsed.instructions:
        if instruction.keyword != "EXPOSE":
            continue
        for word, match in _ports(instruction):
            problem = _port_problem(word, match)
            if problem:
                yield Violation(f"`EXPOSE {word}`: {problem}.", line=instruction.line)


def _port_problem(word: str, match: re.Match | None) -> str | None:
    if match is None:
        if ":" in word:
            return "a Dockerfile cannot publish to a host port; expose the container port only"
        return "not a port, a port range or `port/protocol`"
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    if high > 65535:
        return "ports go up to 65535"
    if high < low:
        return "the range ends before it starts"
    if match.group(3) and match.group(3).lower() not in _PROTOCOLS:
        return "the protocol must be tcp, udp or sctp"
    return None


def workdir_relative(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    analysis = analyze(dockerfile)
    for instruction in dockerfile.instructions:
        if instruction.keyword != "WORKDIR":
            continue
        path = instruction.value.strip().strip("\"'")
        if path.startswith("$") or _ABSOLUTE.match(path):
            continue
        # Relative to an absolute WORKDIR set earlier in the same chain, the result is known.
        earlier = [i for i in analysis.before(instruction) if i.keyword == "WORKDIR"]
        if any(_is_absolute(i.value) for i in earlier):
            continue
        yield Violation(f"`WORKDIR {path}` is relative to whatever the base image sets.",
                        line=instruction.line)


def _is_absolute(path: str) -> bool:
    path = path.strip().strip("\"'")
    return bool(_ABSOLUTE.match(path))


def legacy_key_value(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in document.parsed.instructions:
        if instruction.keyword in ("ENV", "LABEL") and instruction.args \
                and "=" not in instruction.args[0]:
            yield Violation(f"`{instruction.keyword} {instruction.pairs[0][0]} ...` uses the "
                            "legacy space-separated form.", line=instruction.line)


multiple_healthchecks = _repeat_check("HEALTHCHECK")
multiple_cmd = _repeat_check("CMD")
multiple_entrypoint = _repeat_check("ENTRYPOINT")

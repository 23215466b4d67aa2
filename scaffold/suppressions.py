"""Inline ignores: `# scaffold: ignore=CODE[,CODE] -- reason` on a line or just above it.

The reason is mandatory. A comment without one (or without codes) suppresses nothing and is
itself reported (CORE002), so an ignore can never be added without saying why.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from scaffold.models import Suppression

_MARKER = "scaffold:"
_IGNORE = re.compile(r"#\s*scaffold:\s*ignore\s*(?:=\s*(?P<body>.*))?$")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


class BadSuppression(NamedTuple):
    line: int
    message: str


def parse_ignore(body: str) -> tuple[tuple[str, ...], str, str | None]:
    """(codes, reason, problem) from the text after `ignore=`: `DF001, DF002 -- why`."""
    codes_text, _, reason = body.partition("--")
    codes = tuple(c.strip() for c in codes_text.split(",") if c.strip())
    bad = [c for c in codes if not _CODE.match(c)]
    if not codes:
        return (), "", "names no code: write `ignore=CODE[,CODE] -- reason`"
    if bad:
        return (), "", f"{bad[0]!r} is not a code: write `ignore=CODE[,CODE] -- reason`"
    if not reason.strip():
        return codes, "", f"ignore={','.join(codes)} has no reason: add ` -- why it is safe`"
    return codes, reason.strip(), None


def _next_code_line(lines: list[str], index: int) -> int | None:
    for later in range(index + 1, len(lines)):
        stripped = lines[later].strip()
        if stripped and not stripped.startswith("#"):
            return later + 1
    return None


def comment_suppressions(lines: list[str]) -> tuple[list[Suppression], list[BadSuppression]]:
    """Every ignore comment in a file, and the malformed ones."""
    found: list[Suppression] = []
    bad: list[BadSuppression] = []
    for index, text in enumerate(lines):
        if _MARKER not in text:
            continue
        match = _IGNORE.search(text)
        if match is None:
            continue
        codes, reason, problem = parse_ignore(match.group("body") or "")
        if problem:
            bad.append(BadSuppression(index + 1, f"inline ignore {problem}"))
            continue
        covered = [index + 1]
        if not text[: match.start()].strip():  # a comment on its own line covers the next one
            following = _next_code_line(lines, index)
            if following:
                covered.append(following)
        found.append(Suppression(codes, reason, index + 1, tuple(covered)))
    return found, bad


def matches(codes: tuple[str, ...], code: str) -> bool:
    """Codes and prefixes: `KUBE` matches `KUBE001`, as in --select."""
    return any(code.startswith(prefix) for prefix in codes)


def annotation_suppression(value: object, line: int) -> Suppression:
    """A suppression from an annotation such as `scaffold.dev/ignore: "KUBE001 -- why"`.

    A malformed one keeps an empty reason, so the engine reports it (CORE002) and it
    suppresses nothing.
    """
    codes, reason, problem = parse_ignore(str(value))
    return Suppression(codes, "" if problem else reason, line, (), "annotation")

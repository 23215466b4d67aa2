"""What a service's own Dockerfile says about its user and health check.

A service built from local sources needs no `user:` or `healthcheck:` in the compose file when
its Dockerfile's final stage sets a non-root `USER` or a `HEALTHCHECK`: Compose uses the image's.
Only those two instructions matter here, so this reads just enough of the Dockerfile (line
continuations, stages and the `build.target` stage) without depending on the Dockerfile plugin.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s*(.*)$")
_FROM = re.compile(r"^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE)
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Stage:
    name: str | None
    base: str
    user: str | None  # the last USER of the stage itself
    healthcheck: str | None  # the last HEALTHCHECK's arguments


@dataclass(frozen=True)
class DockerfileFacts:
    user: str | None  # the user the image runs as, None when the Dockerfile sets none
    healthcheck: bool | None  # True: has one; False: `HEALTHCHECK NONE`; None: none set
    base_image: str | None  # the image the chosen stage finally builds on


def _logical_lines(text: str) -> list[str]:
    """Instructions with continuations joined; comments and heredoc bodies dropped."""
    escape = "`" if re.match(r"^#\s*escape\s*=\s*`", text) else "\\"
    result, current, heredoc = [], "", None
    for raw in text.splitlines():
        if heredoc is not None:
            heredoc = None if raw.strip() == heredoc else heredoc
            continue
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith(escape):
            current += stripped[:-1] + " "
            continue
        current += stripped
        marker = _HEREDOC.search(current)
        heredoc = marker.group(1) if marker else None
        result.append(current)
        current = ""
    if current:
        result.append(current)
    return result


def _stages(text: str) -> list[Stage]:
    stages: list[Stage] = []
    name, base, user, health = None, "", None, None
    started = False
    for line in _logical_lines(text):
        match = _INSTRUCTION.match(line)
        if not match:
            continue
        keyword, rest = match.group(1).upper(), match.group(2).strip()
        if keyword == "FROM":
            if started:
                stages.append(Stage(name, base, user, health))
            found = _FROM.match(rest)
            base = found.group(1) if found else rest
            name = found.group(2).lower() if found and found.group(2) else None
            user, health, started = None, None, True
        elif keyword == "USER":
            user = rest
        elif keyword == "HEALTHCHECK":
            health = rest
    if started:
        stages.append(Stage(name, base, user, health))
    return stages


def facts_from_text(text: str, target: str | None = None) -> DockerfileFacts | None:
    stages = _stages(text)
    if not stages:
        return None
    by_name = {stage.name: stage for stage in stages if stage.name}
    stage = by_name.get(target.lower()) if target else None
    stage = stage or stages[-1]
    user = health = None
    seen: set[str] = set()
    while True:  # a stage inherits USER and HEALTHCHECK from the stage it is built on
        user = user if user is not None else stage.user
        health = health if health is not None else stage.healthcheck
        parent = by_name.get(stage.base.lower())
        if parent is None or parent.name in seen:
            break
        seen.add(stage.base.lower())
        stage = parent
    has_health = None if health is None else health.split(None, 1)[0].upper() != "NONE"
    return DockerfileFacts(user, has_health, stage.base)


@lru_cache(maxsize=256)
def _read(path: str, mtime_ns: int, target: str | None) -> DockerfileFacts | None:
    del mtime_ns  # part of the cache key only
    try:
        text = Path(path).read_text("utf-8-sig", errors="replace")
    except OSError:
        return None
    return facts_from_text(text, target)


def facts_from_file(path: Path, target: str | None = None) -> DockerfileFacts | None:
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _read(str(path), mtime, target)

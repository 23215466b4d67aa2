"""Which files are shell scripts, and in which dialect: decided from the name and the first
bytes only, so looking at every file of a large tree costs one small read at most.

Shared by the shell plugin (which parses them) and the shellcheck plugin (which lints them), so
the two always agree on what a shell script is.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

# The dialects ShellCheck understands; a `zsh` or `fish` script is not ours even when it is
# named `*.sh`, because every check here (and ShellCheck) would misread it.
DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "mksh": "ksh",
            "ash": "busybox", "busybox": "busybox"}
SUFFIXES = {".sh": None, ".bash": "bash", ".ksh": "ksh", ".dash": "dash"}
# Wrapper scripts that build tools generate and projects commit unchanged: nobody edits them,
# so findings there would be noise nobody can fix.
GENERATED = {"gradlew", "mvnw"}


@dataclass(frozen=True)
class ScriptKind:
    """A shell script's dialect (None: no shebang, so it depends on who runs it) and the
    interpreter line as written."""

    dialect: str | None
    shebang: str | None = None
    flags: tuple[str, ...] = ()  # words after the interpreter: `#!/bin/bash -eu`


def _interpreter(shebang: str) -> tuple[str, tuple[str, ...]] | None:
    """(interpreter name, its flags) from `/usr/bin/env -S bash -e` or `/bin/sh -e`."""
    words = shebang.split()
    if not words:
        return None
    name, rest = posixpath.basename(words[0]), words[1:]
    if name == "env":
        while rest and (rest[0].startswith("-") or "=" in rest[0]):
            if rest[0] in ("-u", "--unset", "-C", "--chdir") and len(rest) > 1:
                rest = rest[1:]  # these take a value
            rest = rest[1:]
        if not rest:
            return None
        name, rest = posixpath.basename(rest[0]), rest[1:]
    if name == "busybox" and rest and rest[0] in ("sh", "ash"):
        rest = rest[1:]
    return name, tuple(rest)


def parse_shebang(first_line: str) -> ScriptKind | None:
    """The kind of script a `#!` line announces; None for another interpreter (python...)."""
    shebang = first_line[2:].strip()
    found = _interpreter(shebang)
    if found is None or found[0] not in DIALECTS:
        return None
    return ScriptKind(DIALECTS[found[0]], shebang, found[1])


def script_kind(source: Any) -> ScriptKind | None:
    """The script's kind, or None when the file is not a shell script we can check.

    `*.sh`, `*.bash` (and `*.ksh`, `*.dash`) files are scripts unless their shebang names
    another interpreter; files without an extension are scripts when their shebang names a
    shell. `source` is a `SourceFile` (anything with `name` and `head()`): the name rules
    most files out before any byte is read.
    """
    name = source.name
    suffix = posixpath.splitext(name)[1].lower()
    if name in GENERATED or suffix and suffix not in SUFFIXES:
        return None
    head = source.head()
    if head.startswith(b"#!"):
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
        return parse_shebang(first)
    return ScriptKind(SUFFIXES[suffix]) if suffix else None

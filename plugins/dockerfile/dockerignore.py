""".dockerignore files: parsed and matched the way Docker does, and checked for what they
must keep out of a build context.

Docker's rules differ from .gitignore's: patterns are anchored at the context root (`*.pem`
does not match `certs/key.pem`; `**/*.pem` does), a pattern matching a folder excludes what
is inside it, `!` re-includes, and the last matching pattern wins. The reading and matching
follow `moby/patternmatcher` and its `ignorefile` package.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from scaffold import Document, LineIndex, Violation

TARGET = "dockerignore"


def is_dockerignore(name: str) -> bool:
    """`.dockerignore`, and `Dockerfile.dockerignore` (BuildKit's per-Dockerfile file)."""
    return name == ".dockerignore" or (name.endswith(".dockerignore") and len(name) > 13)


def read_patterns(text: str) -> list[dict]:
    """`[{pattern, exclude, line}]` as `ignorefile.ReadAll` reads them."""
    patterns = []
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        if raw.startswith("#"):
            continue
        pattern = raw.strip()
        if not pattern:
            continue
        include = pattern.startswith("!")
        if include:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = posixpath.normpath(pattern.replace("\\", "/"))
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append({"pattern": pattern, "exclude": not include, "line": number})
    return patterns


def parse_document(source) -> Document:
    patterns = read_patterns(source.text)
    data = {"patterns": patterns}
    lines = LineIndex()
    lines.mark_all(patterns, {i: p["line"] for i, p in enumerate(patterns)})
    for item in patterns:
        lines.mark_all(item, dict.fromkeys(item, item["line"]))
    return Document(TARGET, source.path, 1, data, lines)


# --- matching -------------------------------------------------------------------------------

_REGEX_CACHE: dict[str, re.Pattern] = {}


def _regex(pattern: str) -> re.Pattern:
    """A pattern as moby's `Pattern.compile` turns it into a regular expression."""
    found = _REGEX_CACHE.get(pattern)
    if found is not None:
        return found
    out, i, n = ["^"], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*" and pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
            out.append(".*" if i >= n else "(.*/)?")
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                out.append(_char_class(pattern[i + 1:end]))
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    out.append("$")
    try:
        compiled = re.compile("".join(out))
    except re.error:  # a malformed class such as `[z-a]`: Docker fails the build; match nothing
        compiled = re.compile(r"(?!)")
    if len(_REGEX_CACHE) > 4096:
        _REGEX_CACHE.clear()
    _REGEX_CACHE[pattern] = compiled
    return compiled


def _char_class(body: str) -> str:
    """`[a-c]`, `[!a]` (Go's `[^a]`) as a Python class, every other special character literal."""
    negate = body[:1] in ("!", "^")
    out, previous = [], ""
    for ch in body[1:] if negate else body:
        literal = ch in "\\[&~|^" or (ch == "-" and previous == "-")
        out.append("\\" + ch if literal else ch)
        previous = ch
    return "[" + ("^" if negate else "") + "".join(out) + "]"


def _matches(pattern: str, path: str) -> bool:
    """The path itself or one of its parent folders matches (a folder takes its contents)."""
    regex = _regex(pattern)
    if regex.match(path):
        return True
    parts = path.split("/")
    return any(regex.match("/".join(parts[:end])) for end in range(1, len(parts)))


def decision(patterns: list[dict], path: str) -> tuple[bool, dict | None]:
    """`(excluded, deciding pattern)` for a path relative to the context root."""
    excluded, deciding = False, None
    for item in patterns:
        if item["pattern"] and _matches(item["pattern"], path):
            excluded, deciding = item["exclude"], item
    return excluded, deciding


# --- checks ---------------------------------------------------------------------------------

SAMPLES_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["paths", "what"],
    "properties": {
        "paths": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
                  "description": "Paths, relative to the context root, that must be excluded."},
        "what": {"type": "string", "minLength": 1, "description": "What they are, for messages."},
    },
}


def must_exclude(document: Document, params: Mapping) -> Iterator[Violation]:
    patterns = document.data["patterns"]
    for path in params["paths"]:
        excluded, deciding = decision(patterns, path)
        if excluded:
            continue
        if deciding is not None:  # a `!pattern` brings it back
            yield Violation(f"`!{deciding['pattern']}` re-includes `{path}` "
                            f"({params['what']}) in the build context.", line=deciding["line"])
        else:
            yield Violation(f"Nothing excludes `{path}` ({params['what']}) from the build "
                            "context.", line=document.line)
        return  # one finding per file: the fix is one pattern




# --- beside a Dockerfile --------------------------------------------------------------------


def find_for_dockerfile(abspath: Path, relpath: str) -> str | None:
    """The ignore file a build of this Dockerfile would use, if any: `<name>.dockerignore`
    beside it (BuildKit), or `.dockerignore` in its folder or a parent folder up to the scan
    root (the build context is often the repository root: `docker build -f app/Dockerfile .`).
    Returned relative to the scan root, as reports show paths."""
    depth = len(Path(relpath).parts) - 1 if not Path(relpath).is_absolute() else 0
    folder = abspath.parent
    candidates = [folder / f"{abspath.name}.dockerignore", folder / ".dockerignore"]
    for _ in range(depth):
        folder = folder.parent
        candidates.append(folder / ".dockerignore")
    root = abspath.parents[depth] if depth < len(abspath.parents) else abspath.parent
    for candidate in candidates:
        if candidate.is_file():
            try:
                return candidate.relative_to(root).as_posix()
            except ValueError:
                return candidate.as_posix()
    return None

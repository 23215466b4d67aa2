"""Code checks for Dockerfiles: what a JSON Schema over the instruction list cannot say.

Each check takes the document (its `parsed` is the `Dockerfile`) and the policy's params, and
yields a `Violation` at the line of the offending instruction.
"""

from __future__ import annotations

import re
import shlex
from typing import Iterator, Mapping

from scaffold import Check, Document, Violation, redact
from scaffold_plugins.dockerfile.parser import Dockerfile, Instruction, Stage
from scaffold_plugins.dockerfile.words import split_image

ROOT_USERS = {"root", "0"}
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
                    ".tar.zst")
REMOTE_PREFIXES = ("http://", "https://", "git@", "git://")
SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|"
    r"AUTH)($|_)", re.IGNORECASE)
SHELL_SEPARATORS = {"&&", "||", ";", "|", "&", ";;", "(", ")"}
NOT_SECRET_SUFFIX = re.compile(r"_(FILE|PATH|DIR|LOCATION|URL)$", re.IGNORECASE)


def _stage_chain(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the earlier stages it builds on, nearest first."""
    chain, seen = [stage], {stage.index}
    while chain[-1].base_stage is not None and chain[-1].base_stage not in seen:
        seen.add(chain[-1].base_stage)
        chain.append(dockerfile.stages[chain[-1].base_stage])
    return chain


def _last_in_final_stage(dockerfile: Dockerfile, keyword: str) -> Instruction | None:
    for stage in _stage_chain(dockerfile, dockerfile.final_stage):
        found = [i for i in stage.instructions if i.keyword == keyword]
        if found:
            return found[-1]
    return None


def base_image_tag(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    for stage in dockerfile.stages:
        if stage.is_scratch or stage.base_stage is not None or "$" in stage.resolved_image:
            continue
        _, repository, tag, digest = split_image(stage.resolved_image)
        if digest:
            continue
        if tag is None or tag == "latest":
            what = "has no tag" if tag is None else "uses the `latest` tag"
            yield Violation(f"Base image `{stage.resolved_image}` {what}.", line=stage.line)


def final_user(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    user = _last_in_final_stage(dockerfile, "USER")
    if user is None:
        yield Violation("The final stage sets no `USER`, so the container runs as root.",
                        line=dockerfile.final_stage.line)
        return
    name = user.value.split(":", 1)[0].strip()
    if name in ROOT_USERS:
        yield Violation(f"The final stage's last `USER` is `{user.value}` (root).",
                        line=user.line)


def healthcheck(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    check = _last_in_final_stage(dockerfile, "HEALTHCHECK")
    if check is None:
        yield Violation(line=dockerfile.final_stage.line)
    elif check.value.strip().upper() == "NONE":
        yield Violation("The final stage disables the health check (`HEALTHCHECK NONE`).",
                        line=check.line)


def add_for_local_files(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    for instruction in dockerfile.instructions:
        if instruction.keyword != "ADD" or instruction.heredocs:
            continue
        local = [s for s in instruction.sources
                 if not s.startswith(REMOTE_PREFIXES) and not s.lower().endswith(ARCHIVE_SUFFIXES)]
        if local:
            yield Violation(f"`ADD {' '.join(local)}` copies local files: use `COPY`.",
                            line=instruction.line)


def _shell_words(shell: str) -> list[str]:
    """Words and operators (`;`, `&&`, `|`...) as separate tokens, quotes respected."""
    lexer = shlex.shlex(shell, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # an unclosed quote: fall back to plain words
        return shell.split()


def _commands(shell: str) -> Iterator[list[str]]:
    """The simple commands of a shell line, as words: `a && cd x; b` -> [a], [cd, x], [b]."""
    current: list[str] = []
    # A newline (in a heredoc) ends a command too; continuations are already joined.
    words = [w for line in shell.split("\n") for w in (*_shell_words(line), ";")]
    for word in words:
        if word in SHELL_SEPARATORS:
            if current:
                yield current
            current = []
        else:
            current.append(word)
    if current:
        yield current


def run_cd(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    for instruction in dockerfile.instructions:
        if instruction.keyword != "RUN" or instruction.exec_form is not None:
            continue
        if any(words[0] == "cd" for words in _commands(instruction.shell or "")):
            yield Violation(line=instruction.line)


def secret_in_env(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        for name, value in instruction.pairs:
            if value and SECRET_NAME.search(name) and not NOT_SECRET_SUFFIX.search(name) \
                    and not value.startswith("$"):
                yield Violation(f"`{instruction.keyword} {name}` holds a literal secret "
                                f"({redact(value)}).", line=instruction.line)


CHECKS = [
    Check("dockerfile.base-image-tag", base_image_tag),
    Check("dockerfile.final-user", final_user),
    Check("dockerfile.healthcheck", healthcheck),
    Check("dockerfile.add-local-files", add_for_local_files),
    Check("dockerfile.run-cd", run_cd),
    Check("dockerfile.secret-in-env", secret_in_env),
]

"""Checks on who the container runs as, and on privilege escalation inside the build."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from scaffold import Document, Violation

from .analysis import analyze
from .parser import Dockerfile

ROOT_USERS = frozenset({"root", "0"})


def _user_part(value: str) -> str:
    """`app:app` -> `app`; quotes are not special in USER but people write them."""
    return value.split(":", 1)[0].strip().strip("\"'")


def final_user(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    user = analyze(dockerfile).last_in_final_stage("USER")
    if user is None:
        yield Violation("The final stage sets no `USER`, so the container runs as root.",
                        line=dockerfile.final_stage.line)
    elif _user_part(user.value) in ROOT_USERS:
        yield Violation(f"The final stage's last `USER` is `{user.value}` (root).",
                        line=user.line)


def user_not_numeric(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    user = analysis.last_in_final_stage("USER")
    if user is None or analysis.windows:  # Windows users are names (ContainerUser)
        return
    name = _user_part(user.value)
    # Root is DF002's finding; a variable is only known at build time.
    if name in ROOT_USERS or name.isdigit() or "$" in name or not name:
        return
    yield Violation(f"`USER {user.value}` names the user: Kubernetes cannot verify that "
                    f"`{name}` is not root (use its numeric UID).", line=user.line)


def sudo(document: Document, params: Mapping) -> Iterator[Violation]:
    for run in analyze(document.parsed).runs:
        for command in run.commands:
            if "sudo" in command.wrappers or command.name == "sudo":
                yield Violation(line=command.line)

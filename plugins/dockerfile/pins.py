"""Packages installed without a version: the same Dockerfile builds a different image later.

One check per package manager, because teams pin some ecosystems and not others (a lock file
covers npm, Debian drops old versions from its mirrors). Lists of packages from files
(`pip install -r`), local paths, archives and variables are never findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from scaffold import Document, Violation

from .analysis import analyze
from .packages import APT, Invocation, invocations
from .shell import Command, Options

_PIP_VERSION = re.compile(r"[<>=~]=|[<>]|@")
_PIP_VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
_PIP_FILES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")
_NPM_VERSION = re.compile(r"[\^~<>=]*v?\d")
_NPM_VALUES = frozenset({"--prefix", "--registry", "--cache", "--loglevel", "-w", "--workspace",
                         "--omit", "--include", "--tag", "--userconfig", "--location",
                         "--install-strategy", "--network-timeout", "--modules-folder",
                         "--cwd", "--dir", "-C", "--filter", "-F"})
_GEM_VALUES = frozenset({"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s",
                         "--source", "-P", "--trust-policy", "--platform", "-g", "--file",
                         "--build-root"})


def _summary(packages: list[str]) -> str:
    shown = ", ".join(f"`{p}`" for p in packages[:4])
    return shown + (f" and {len(packages) - 4} more" if len(packages) > 4 else "")


def _check(tool: str, unpinned: Callable[[Command, Invocation | None], list[str] | None],
           how: str):
    def check(document: Document, params: Mapping) -> Iterator[Violation]:
        analysis = analyze(document.parsed)
        for run in analysis.runs:
            calls = {id(call.command): call for call in invocations(analysis, run)}
            for command in run.commands:
                packages = unpinned(command, calls.get(id(command)))
                if packages:
                    label = command.name if tool == "npm" else tool
                    yield Violation(f"`{label}` installs {_summary(packages)} without a version "
                                    f"({how}).", line=command.line)
    check.__name__ = f"unpinned_{tool.lower()}"
    return check


def _variable_or_path(package: str) -> bool:
    return "$" in package or "/" in package or package.startswith(".")


def apt_unpinned(command: Command, call: Invocation | None) -> list[str] | None:
    if call is None or call.tool not in APT or call.subcommand != "install":
        return None
    return [p for p in call.operands
            if "=" not in p and not p.endswith(".deb") and not _variable_or_path(p)]


def apk_unpinned(command: Command, call: Invocation | None) -> list[str] | None:
    if call is None or call.tool != "apk" or call.subcommand != "add":
        return None
    return [p for p in call.operands
            if not any(mark in p for mark in "=~<>") and not p.endswith(".apk")
            and not _variable_or_path(p)]


def pip_unpinned(command: Command, call: Invocation | None) -> list[str] | None:
    if call is None or call.tool not in ("pip", "uv-pip") or call.subcommand != "install":
        return None
    if call.options.has("-c", "--constraint"):
        return None  # a constraints file pins what the command names
    found = []
    for package in call.operands:
        if "$" in package or package.lower().endswith(_PIP_FILES):
            continue
        if _PIP_VCS.match(package):
            if "@" not in package.split("://", 1)[-1]:
                found.append(package)  # a VCS URL without @ref follows a branch
            continue
        if "/" in package or package.startswith(".") or "://" in package:
            continue  # a local project or an archive URL
        if not _PIP_VERSION.search(package):
            found.append(package)
    return found


def npm_unpinned(command: Command, call: Invocation | None = None) -> list[str] | None:
    name, args = command.name, command.args
    if name == "npm":
        options = Options(args, _NPM_VALUES)
        operands = options.operands
        if not operands or operands[0] not in ("install", "i", "add", "isntall", "in"):
            return None
        packages = operands[1:]
    elif name in ("yarn", "pnpm"):
        options = Options(args, _NPM_VALUES)
        operands = options.operands
        if operands[:2] == ["global", "add"]:
            packages = operands[2:]
        elif operands[:1] == ["add"]:
            packages = operands[1:]
        else:
            return None
    else:
        return None
    return [p for p in packages if _npm_unpinned(p)]


def _npm_unpinned(package: str) -> bool:
    if "$" in package or package.startswith((".", "/", "~")) or ":" in package \
            or package.endswith((".tgz", ".tar.gz")):
        return False  # a path, a tarball, or a `git:`/`github:`/`file:`/`npm:` spec
    scope = package.startswith("@")
    name, at, version = package[1 if scope else 0:].partition("@")
    if not at:
        # `user/repo` installs from GitHub: a different problem from a registry version
        return scope or "/" not in name
    return not _NPM_VERSION.match(version)  # `@latest`, `@next` and other tags move


def gem_unpinned(command: Command, call: Invocation | None = None) -> list[str] | None:
    if command.name != "gem":
        return None
    options = Options(command.args, _GEM_VALUES)
    operands = options.operands
    if not operands or operands[0] not in ("install", "i"):
        return None
    if options.has("-v", "--version"):
        return None
    return [p for p in operands[1:]
            if ":" not in p and not p.endswith(".gem") and "$" not in p and "/" not in p]


apt_check = _check("apt", apt_unpinned, "pin with `package=version`")
apk_check = _check("apk", apk_unpinned, "pin with `package=version` or `package~version`")
pip_check = _check("pip", pip_unpinned, "pin with `package==version` or use a requirements file")
npm_check = _check("npm", npm_unpinned, "pin with `package@version` or use package.json")
gem_check = _check("gem", gem_unpinned, "pin with `-v version` or `package:version`")

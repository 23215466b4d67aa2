"""Package manager hygiene in RUN: update with install, no prompts, no caches left behind.

Cache and size checks look only at the stages that end up in the final image: a builder
stage's layers are thrown away, so its caches cost build time, not image size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from scaffold import Document, Violation

from .analysis import Analysis, Run, analyze, has_cache_mount
from .commands import once_per_line
from .shell import Command, Options

APT = frozenset({"apt-get", "apt", "aptitude"})
RPM = frozenset({"yum", "dnf", "microdnf", "tdnf"})
APT_VALUES = frozenset({"-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release",
                        "--default-release", "--host-architecture"})
APK_VALUES = frozenset({"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch",
                        "--repositories-file", "--cache-dir", "--keys-dir", "--cache-max-age"})
RPM_VALUES = frozenset({"-c", "--config", "-d", "-e", "-x", "--exclude", "--installroot",
                        "--releasever", "--enablerepo", "--disablerepo", "--repo", "--repoid",
                        "--setopt", "--nobest", "--forcearch"})
ZYPPER_VALUES = frozenset({"-r", "--repo", "-R", "--root", "-t", "--type", "-c", "--config"})
PIP_VALUES = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "--trusted-host", "-t", "--target", "--prefix",
    "--root", "--platform", "--python-version", "--implementation", "--abi", "--only-binary",
    "--no-binary", "--progress-bar", "--cache-dir", "--src", "--upgrade-strategy", "--log",
    "--proxy", "--retries", "--timeout", "--cert", "--client-cert", "--report",
    "--global-option", "-C", "--config-settings", "-b", "--build", "--python",
})
_PIP_NAME = re.compile(r"pip[0-9.]*")
_PYTHON_NAME = re.compile(r"python[0-9.]*")

APT_INSTALLS = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep",
                          "reinstall", "satisfy", "source"})
APT_PROMPTS = frozenset({"install", "remove", "purge", "upgrade", "dist-upgrade", "full-upgrade",
                         "autoremove", "autopurge", "build-dep", "reinstall", "satisfy"})
RPM_INSTALLS = frozenset({"install", "groupinstall", "localinstall", "update", "upgrade",
                          "reinstall", "downgrade", "distro-sync", "group", "module",
                          "update-minimal", "upgrade-minimal"})
RPM_PROMPTS = RPM_INSTALLS | frozenset({"remove", "erase", "autoremove", "groupremove"})
ZYPPER_INSTALLS = frozenset({"install", "in", "update", "up", "dist-upgrade", "dup", "patch",
                             "source-install", "si"})
ZYPPER_PROMPTS = ZYPPER_INSTALLS | frozenset({"remove", "rm"})


class Invocation:
    """A package manager call, normalised: `python3 -m pip install x` is `pip install x`."""

    __slots__ = ("command", "tool", "args", "options", "subcommand", "operands")

    def __init__(self, command: Command, tool: str, args: tuple[str, ...], values: frozenset[str]):
        self.command, self.tool, self.args = command, tool, args
        self.options = Options(args, values)
        operands = self.options.operands
        self.subcommand = operands[0] if operands else ""
        self.operands = operands[1:]

    @property
    def line(self) -> int:
        return self.command.line


def invocation(command: Command) -> Invocation | None:
    name, args = command.name, command.args
    if name in APT:
        return Invocation(command, name, args, APT_VALUES)
    if name == "apk":
        return Invocation(command, "apk", args, APK_VALUES)
    if name in RPM:
        return Invocation(command, name, args, RPM_VALUES)
    if name == "zypper":
        return Invocation(command, "zypper", args, ZYPPER_VALUES)
    if _PIP_NAME.fullmatch(name):
        return Invocation(command, "pip", args, PIP_VALUES)
    if _PYTHON_NAME.fullmatch(name) and len(args) >= 2 and args[0] == "-m" \
            and _PIP_NAME.fullmatch(args[1]):
        return Invocation(command, "pip", args[2:], PIP_VALUES)
    if name == "uv" and args[:1] == ("pip",):
        return Invocation(command, "uv-pip", args[1:], PIP_VALUES)
    return None


def invocations(analysis: Analysis, run: Run) -> list[Invocation]:
    """The package manager calls of a RUN, worked out once per file."""
    def compute() -> list[Invocation]:
        return [call for command in run.commands if (call := invocation(command)) is not None]
    return analysis.memo(("calls", id(run)), compute)


def _family(tool: str) -> str:
    return "apt" if tool in APT else "rpm" if tool in RPM else tool


# --- update without install; upgrades; apt vs apt-get --------------------------------------


def update_alone(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.runs:
        calls = invocations(analysis, run)
        installs = {_family(c.tool) for c in calls if _is_install(c)}
        for call in calls:
            family = _family(call.tool)
            if _is_index_update(call) and family not in installs:
                yield Violation(f"`{call.tool} {call.subcommand}` runs without an install in the "
                                "same RUN: a later install may use a stale cached index.",
                                line=call.line)


def _is_index_update(call: Invocation) -> bool:
    if call.tool in APT or call.tool == "apk":
        return call.subcommand == "update"
    return call.tool == "zypper" and call.subcommand in ("refresh", "ref")


def _is_install(call: Invocation) -> bool:
    if call.tool in APT:
        return call.subcommand in APT_INSTALLS
    if call.tool == "apk":
        return call.subcommand in ("add", "upgrade", "fix")
    if call.tool == "zypper":
        return call.subcommand in ZYPPER_INSTALLS
    return False


def upgrade(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.runs:
        for call in invocations(analysis, run):
            if _upgrades_everything(call):
                yield Violation(f"`{call.tool} {call.subcommand}` upgrades every package of the "
                                "base image.", line=call.line)


def _upgrades_everything(call: Invocation) -> bool:
    sub = call.subcommand
    if call.tool in APT:
        return sub in ("upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade")
    if call.tool == "apk":
        return sub == "upgrade" and not call.operands
    if call.tool in RPM:
        return sub in ("update", "upgrade", "distro-sync", "update-minimal", "upgrade-minimal") \
            and not call.operands
    if call.tool == "zypper":
        return sub in ("update", "up", "dist-upgrade", "dup", "patch") and not call.operands
    return False


def apt_not_apt_get(document: Document, params: Mapping) -> Iterator[Violation]:
    def found() -> Iterator[Violation]:
        for run in analyze(document.parsed).runs:
            for command in run.commands:
                if command.name == "apt" and command.args:
                    yield Violation(f"`apt {command.args[0]}`: `apt` is for people; scripts use "
                                    "`apt-get`.", line=command.line)
    return once_per_line(found())


# --- prompts --------------------------------------------------------------------------------


def install_prompts(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.runs:
        for call in invocations(analysis, run):
            if _prompts(call) and not (call.tool in APT and _configured(analysis, run,
                                                                        "Assume-Yes")):
                yield Violation(f"`{call.tool} {call.subcommand}` can stop to ask for "
                                "confirmation: the build hangs or fails.", line=call.line)


def _prompts(call: Invocation) -> bool:
    options, sub = call.options, call.subcommand
    if call.tool in APT:
        if sub not in APT_PROMPTS or call.tool == "aptitude":
            return False
        quiet = options.count("-q") + 2 * ("--quiet=2" in call.args or "-q=2" in call.args)
        assume = options.value("-o", "--option") or ""
        return not (options.has("-y", "--yes", "--assume-yes") or quiet >= 2
                    or "assume-yes" in assume.lower())
    if call.tool in RPM and call.tool != "microdnf":
        return sub in RPM_PROMPTS and not options.has("-y", "--assumeyes", "--assume-yes")
    if call.tool == "zypper":
        return sub in ZYPPER_PROMPTS and not options.has("-n", "--non-interactive", "-y",
                                                         "--no-confirm")
    if call.tool == "pip":
        return sub == "uninstall" and not options.has("-y", "--yes")
    return False


def _configured(analysis: Analysis, run: Run, setting: str) -> bool:
    """An apt.conf setting written by an earlier RUN in the stage chain (or this one)."""
    wanted = setting.lower()
    for instruction in (*analysis.before(run.instruction), run.instruction):
        if instruction.keyword == "RUN" and wanted in instruction.source.lower():
            return True
    return False


# --- caches and recommends in the final image -----------------------------------------------


def no_install_recommends(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.shipped_runs():
        for call in invocations(analysis, run):
            if call.tool not in ("apt-get", "apt") or call.subcommand != "install":
                continue
            option = (call.options.value("-o", "--option") or "").lower()
            if call.options.has("--no-install-recommends") or "install-recommends" in option:
                continue
            if _configured(analysis, run, "Install-Recommends"):
                continue
            yield Violation(f"`{call.tool} install` without `--no-install-recommends` also "
                            "installs recommended packages.", line=call.line)


def _removes(run: Run, *paths: str) -> bool:
    """An `rm`/`find -delete` of one of `paths` (or inside it) in the same RUN."""
    for command in run.commands:
        if command.name in ("rm", "find"):
            for arg in command.args:
                if any(arg.rstrip("/*").startswith(path) or arg.startswith(path)
                       for path in paths):
                    return True
    return False


def apt_lists_kept(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.shipped_runs():
        calls = invocations(analysis, run)
        updates = [c for c in calls if c.tool in APT and c.subcommand == "update"]
        if not updates or has_cache_mount(run.instruction, "/var/lib/apt/lists"):
            continue
        cleaned = _removes(run, "/var/lib/apt/lists") or any(
            c.tool in APT and c.subcommand in ("distclean", "dist-clean") for c in calls)
        if not cleaned:
            yield Violation("`apt-get update` leaves the package lists in the layer: remove "
                            "`/var/lib/apt/lists/*` in the same RUN.", line=updates[0].line)


def apk_cache_kept(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.shipped_runs():
        calls = invocations(analysis, run)
        if not any(c.tool == "apk" for c in calls) or _removes(run, "/var/cache/apk") \
                or has_cache_mount(run.instruction, "/var/cache/apk", "/etc/apk/cache"):
            continue
        if any(c.tool == "apk" and c.subcommand == "cache" for c in calls):
            continue
        for call in calls:
            if call.tool == "apk" and call.subcommand in ("add", "upgrade") \
                    and not call.options.has("--no-cache"):
                yield Violation(f"`apk {call.subcommand}` without `--no-cache` keeps the package "
                                "index in the layer.", line=call.line)


def pip_cache_kept(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.shipped_runs():
        calls = invocations(analysis, run)
        if not any(c.tool == "pip" for c in calls) or _pip_cache_handled(analysis, run):
            continue
        for call in calls:
            if call.tool == "pip" and call.subcommand == "install" \
                    and not call.options.has("--no-cache-dir") \
                    and not any(key == "PIP_NO_CACHE_DIR" for key, _ in call.command.env):
                yield Violation("`pip install` without `--no-cache-dir` keeps downloaded "
                                "packages in the layer.", line=call.line)


def _pip_cache_handled(analysis: Analysis, run: Run) -> bool:
    if has_cache_mount(run.instruction, "/root/.cache/pip") or any(
            ".cache" in (m or "") for m in run.instruction.flag_values("mount")
            if m and "type=cache" in m):
        return True
    if _removes(run, "/root/.cache", "~/.cache", "$HOME/.cache"):
        return True
    if any(c.tool == "pip" and c.subcommand == "cache" for c in invocations(analysis, run)):
        return True
    for instruction in analysis.before(run.instruction):
        if instruction.keyword == "ENV" and any(k == "PIP_NO_CACHE_DIR" for k, _ in instruction.pairs):
            return True
        if instruction.keyword == "RUN" and "no-cache-dir" in instruction.source:
            return True  # `pip config set global.no-cache-dir ...` or a pip.conf written
    return False


_RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/zypp", "/var/cache/libdnf5",
               "/var/cache/tdnf", "/var/cache/*")


def rpm_cache_kept(document: Document, params: Mapping) -> Iterator[Violation]:
    analysis = analyze(document.parsed)
    for run in analysis.shipped_runs():
        calls = invocations(analysis, run)
        if not any(c.tool in RPM or c.tool == "zypper" for c in calls):
            continue
        if has_cache_mount(run.instruction, *_RPM_CACHES[:-1]) or _removes(run, *_RPM_CACHES):
            continue
        cleaned = {_family(c.tool) for c in calls if c.subcommand in ("clean", "cc")}
        for call in calls:
            installs = RPM_INSTALLS if call.tool in RPM else ZYPPER_INSTALLS \
                if call.tool == "zypper" else ()
            if call.subcommand in installs and _family(call.tool) not in cleaned:
                clean = "zypper clean --all" if call.tool == "zypper" else f"{call.tool} clean all"
                yield Violation(f"`{call.tool} {call.subcommand}` leaves its package cache in the "
                                f"layer: add `{clean}` to the same RUN.", line=call.line)

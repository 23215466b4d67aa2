"""Checks on what RUN commands do: `cd`, piping downloads into a shell, pipes without
pipefail, disabled TLS or signature checks, world-writable files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from scaffold import Document, Violation

from .analysis import Run, analyze, source_lines, with_triggers
from .parser import Dockerfile, Instruction
from .shell import SHELLS, Command, Options, reads_script_from_stdin, sets_pipefail


def once_per_line(violations: Iterable[Violation]) -> Iterator[Violation]:
    """The first violation on each line: `curl -k a && curl -k b` is one problem to fix."""
    seen: set[int | None] = set()
    for violation in violations:
        if violation.line not in seen:
            seen.add(violation.line)
            yield violation


def run_cd(document: Document, params: Mapping) -> Iterator[Violation]:
    def found() -> Iterator[Violation]:
        for run in analyze(document.parsed).runs:
            for command in run.commands:
                if command.name == "cd":
                    yield Violation(line=command.line)
    return once_per_line(found())


# --- downloads piped into an interpreter ----------------------------------------------------

_FETCHERS = frozenset({"curl", "wget"})
_INTERPRETER = re.compile(r"(?:python|perl|ruby|node|php)[0-9.]*")
_FETCH_SUBSTITUTION = re.compile(r"(?:\$\(|<\(|`)\s*(?:sudo\s+)?(?:\S*/)?(?:curl|wget)\b")


def _runs_stdin(command: Command) -> bool:
    if command.name in SHELLS:
        return reads_script_from_stdin(command)
    if not _INTERPRETER.fullmatch(command.name):
        return False
    options = Options(command.args)
    if options.has("-c", "-e", "-m", "-r", "-E", "--eval", "--print", "-p"):
        return False
    return not options.operands or options.operands[0] == "-"


def _pipelines(commands: tuple[Command, ...]) -> Iterator[list[Command]]:
    groups: dict[int, list[Command]] = {}
    for command in commands:
        groups.setdefault(command.pipeline, []).append(command)
    return (group for group in groups.values() if len(group) > 1)


def curl_pipe_shell(document: Document, params: Mapping) -> Iterator[Violation]:
    def found() -> Iterator[Violation]:
        for run in analyze(document.parsed).runs:
            for pipeline in _pipelines(run.commands):
                fetch = next((c for c in pipeline if c.name in _FETCHERS), None)
                if fetch is None:
                    continue
                after = pipeline[pipeline.index(fetch) + 1:]
                runner = next((c for c in after if c.piped and _runs_stdin(c)), None)
                if runner is not None:
                    yield Violation(f"`{fetch.name} ... | {runner.name}` runs a downloaded "
                                    "script without checking it.", line=fetch.line)
            for command in run.commands:
                if command.name in (*SHELLS, "eval", "source", ".") and any(
                        _FETCH_SUBSTITUTION.search(word) for word in command.raw[1:]):
                    yield Violation(f"`{command.name}` runs a script it downloads, without "
                                    "checking it.", line=command.line)
    return once_per_line(found())


# --- pipes without pipefail -----------------------------------------------------------------

_NON_POSIX = frozenset({"powershell", "powershell.exe", "pwsh", "pwsh.exe", "cmd", "cmd.exe"})


def _shell_state(instruction: Instruction) -> str:
    """What a `SHELL` instruction sets: "pipefail", "posix" or "other" (PowerShell, cmd)."""
    args = instruction.exec_form or ()
    program = args[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if args else ""
    if program in _NON_POSIX:
        return "other"
    for index, word in enumerate(args[1:], 1):
        if word == "pipefail" and args[index - 1].startswith("-") and args[index - 1].endswith("o"):
            return "pipefail"
    return "posix"


def pipefail(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    runs = {run.instruction.line: run for run in analyze(dockerfile).runs if not run.onbuild}
    state_at_end: dict[int, str] = {}
    for stage in dockerfile.stages:
        state = state_at_end.get(stage.base_stage, "posix") if stage.base_stage is not None \
            else "posix"
        for instruction in stage.instructions:
            if instruction.keyword == "SHELL":
                state = _shell_state(instruction)
            elif instruction.keyword == "RUN" and instruction.exec_form is None \
                    and state == "posix" and instruction.line in runs:
                yield from _unguarded_pipes(runs[instruction.line])
        state_at_end[stage.index] = state


def _unguarded_pipes(run: Run) -> Iterator[Violation]:
    """Each pipeline that runs while pipefail is off, at the line of its first `|`."""
    enabled = False
    reported: set[int] = set()
    first: dict[int, Command] = {}
    for command in run.commands:
        first.setdefault(command.pipeline, command)
        change = sets_pipefail(command)
        if change is not None:
            enabled = change
        elif command.piped and not enabled and command.pipeline not in reported:
            reported.add(command.pipeline)
            left = first[command.pipeline].name
            yield Violation(f"`{left} ... | {command.name}`: without `pipefail` the step "
                            f"succeeds even when `{left}` fails.", line=command.line)


# --- TLS verification and package signatures turned off ------------------------------------

_CURL_VALUES = frozenset({"-o", "-H", "-d", "-u", "-X", "-A", "-e", "-b", "-c", "-T", "-w",
                          "-x", "-m", "-r", "-F", "-C", "-E", "-K", "-Y", "-y", "-z", "-U",
                          "-t", "-Q", "-P", "--output", "--header", "--data", "--user",
                          "--request", "--url", "--cacert", "--cert", "--key", "--retry",
                          "--max-time", "--connect-timeout", "--proxy", "--user-agent"})
_TLS_FLAGS = frozenset({"--no-check-certificate", "--insecure-skip-tls-verify", "--no-verify-ssl",
                        "--skip-tls-verify", "--tls-verify=false", "--tlsverify=false",
                        "--insecure-skip-tls-verify=true"})
_FALSE = frozenset({"false", "0", "no", "off"})
_PIP_NAME = re.compile(r"pip[0-9.]*")
_TLS_TEXT = re.compile(
    r"sslverify\s*=\s*(?:0|false|no|off)\b"
    r"|Verify-(?:Peer|Host)\s*(?:=|\s)\s*\"?(?:false|0|no)\b"
    r"|check_certificate\s*=\s*off"
    r"|\binsecure\b[^\n]*\.curlrc"
    r"|strict[-_]ssl\s*=\s*false"
    r"|ssl_verify\s+(?:false|no|0)\b"
    r"|\bdisable-tls\s+true|\bsecure-http\s+false",
    re.IGNORECASE)
_SIGNATURE_TEXT = re.compile(
    r"gpgcheck\s*=\s*(?:0|false|no)\b|\[[^\]]*\btrusted=yes"
    r"|AllowUnauthenticated\s*(?:=|\s)\s*\"?(?:true|1|yes)"
    r"|AllowInsecureRepositories\s*(?:=|\s)\s*\"?(?:true|1|yes)",
    re.IGNORECASE)
_SETOPT_GPG_OFF = re.compile(r"--setopt=\S*gpgcheck=(?:0|false|no)")
_SIGNATURE_FLAGS = frozenset({"--allow-untrusted", "--allow-unauthenticated",
                              "--allow-insecure-repositories", "--force-yes", "--nogpgcheck",
                              "--no-gpg-checks", "--nosignature", "--nodigest",
                              "--no-check-gpg"})


def _tls_env(name: str, value: str) -> bool:
    name, value = name.upper(), value.strip().strip("\"'").lower()
    if name == "NODE_TLS_REJECT_UNAUTHORIZED":
        return value == "0"
    if name in ("GIT_SSL_NO_VERIFY", "PIP_TRUSTED_HOST", "GOINSECURE"):
        return bool(value)  # git: any value turns verification off
    if name == "PYTHONHTTPSVERIFY":
        return value == "0"
    if name in ("NPM_CONFIG_STRICT_SSL", "YARN_ENABLE_STRICT_SSL"):
        return value in _FALSE
    return False


def _assignments(command: Command) -> Iterator[tuple[str, str]]:
    yield from command.env
    if command.name in ("export", "declare", "typeset", "readonly", "local"):
        for word in command.args:
            name, sep, value = word.partition("=")
            if sep:
                yield name, value


def _tls_off(command: Command) -> str | None:
    """What turns certificate checks off in this command, or None."""
    name, args = command.name, command.args
    for key, value in _assignments(command):
        if _tls_env(key, value):
            return f"`{key}={value}`"
    for arg in args:
        if arg.lower() in _TLS_FLAGS or arg.startswith("--trusted-host"):
            return f"`{name} {arg}`"  # wget, pip, helm, kubectl, podman, aws...
    lowered = [arg.lower() for arg in args]
    if name == "curl" and Options(args, _CURL_VALUES).has("-k", "--insecure", "--proxy-insecure"):
        return "`curl --insecure` (`-k`)"
    if name in ("npm", "yarn", "pnpm") and _setting_is(
            lowered, ("strict-ssl", "--strict-ssl", "enablestrictssl"), _FALSE):
        return f"`{name}` with `strict-ssl false`"
    if name == "git" and _setting_is(lowered, ("http.sslverify",), _FALSE):
        return "`git` with `http.sslVerify false`"
    if _PIP_NAME.fullmatch(name) and ("global.trusted-host" in lowered
                                      or "install.trusted-host" in lowered):
        return "`pip config` with `trusted-host`"
    return None


def _setting_is(words: list[str], keys: tuple[str, ...], values: frozenset[str]) -> bool:
    """`key value`, `key=value` or `-c key=value` somewhere in `words`."""
    for index, word in enumerate(words):
        key, sep, value = word.partition("=")
        if key in keys:
            if sep:
                return value in values
            if index + 1 < len(words) and words[index + 1] in values:
                return True
    return False


def _signature_off(command: Command) -> bool:
    for arg in command.args:
        lowered = arg.lower()
        if lowered in _SIGNATURE_FLAGS or _SETOPT_GPG_OFF.fullmatch(lowered):
            return True
    return any(key.upper() == "GOSUMDB" and value.strip().lower() == "off"
               for key, value in _assignments(command))


def _env_instructions(dockerfile: Dockerfile) -> Iterator[tuple[Instruction, str, str]]:
    for instruction in with_triggers(dockerfile):
        if instruction.keyword in ("ENV", "ARG"):
            for name, value in instruction.pairs:
                if value is not None:
                    yield instruction, name, value


def _text_hits(dockerfile: Dockerfile, pattern: re.Pattern) -> Iterator[int]:
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("RUN", "COPY", "ADD", "ONBUILD"):
            for line, text in source_lines(instruction):
                if pattern.search(text):
                    yield line


def tls_verification_disabled(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed

    def found() -> Iterator[Violation]:
        for instruction, name, value in _env_instructions(dockerfile):
            if _tls_env(name, value):
                yield Violation(f"`{instruction.keyword} {name}={value}` turns TLS "
                                "certificate checks off.", line=instruction.line)
        for run in analyze(dockerfile).runs:
            for command in run.commands:
                what = _tls_off(command)
                if what:
                    yield Violation(f"{what} turns TLS certificate checks off.",
                                    line=command.line)
        for line in _text_hits(dockerfile, _TLS_TEXT):
            yield Violation("A configuration written here turns TLS certificate checks off.",
                            line=line)
    return once_per_line(found())


def signature_check_disabled(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed

    def found() -> Iterator[Violation]:
        for instruction, name, value in _env_instructions(dockerfile):
            if name.upper() == "GOSUMDB" and value.strip().lower() == "off":
                yield Violation(f"`{instruction.keyword} GOSUMDB=off` turns Go module checksum "
                                "verification off.", line=instruction.line)
        for run in analyze(dockerfile).runs:
            for command in run.commands:
                if _signature_off(command):
                    yield Violation(f"`{command.name}` installs packages without verifying "
                                    "their signatures.", line=command.line)
        for line in _text_hits(dockerfile, _SIGNATURE_TEXT):
            yield Violation("A repository configured here is trusted without signature "
                            "checks.", line=line)
    return once_per_line(found())


# --- world-writable permissions -------------------------------------------------------------

_SYMBOLIC = re.compile(r"([ugoa]*)([-+=])([rwxXst]*)")


def world_writable(mode: str) -> bool:
    """`777`, `0666`, `o+w`, `a=rwx` give everyone write access; `1777` (sticky) is /tmp-like."""
    mode = mode.strip("\"'")
    if re.fullmatch(r"[0-7]{3,4}", mode):
        sticky = len(mode) == 4 and int(mode[0]) & 1
        return bool(int(mode[-1]) & 2) and not sticky
    for clause in mode.split(","):
        match = _SYMBOLIC.fullmatch(clause)
        if match and match.group(2) in "+=" and "w" in match.group(3) \
                and "t" not in match.group(3) and ("o" in match.group(1) or "a" in match.group(1)):
            return True
    return False


def _modes(command: Command) -> Iterator[str]:
    if command.name == "chmod":
        options = Options(command.args, frozenset({"--reference"}))
        if options.operands and not options.has("--reference"):
            yield options.operands[0]
        # `chmod -R 777 x` parses `-R` as a flag; `chmod -w x` is a mode, but never world-writable
    elif command.name in ("mkdir", "install"):
        value = Options(command.args, frozenset({"-m", "--mode"})).value("-m", "--mode")
        if value:
            yield value


def world_writable_check(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed

    def found() -> Iterator[Violation]:
        for instruction in with_triggers(dockerfile):
            mode = instruction.flag("chmod") if instruction.keyword in ("COPY", "ADD") else None
            if mode and world_writable(mode):
                yield Violation(f"`{instruction.keyword} --chmod={mode}` makes files writable by "
                                "every user.", line=instruction.line)
        for run in analyze(dockerfile).runs:
            for command in run.commands:
                for mode in _modes(command):
                    if world_writable(mode):
                        how = "" if command.name == "chmod" else "-m "
                        yield Violation(f"`{command.name} {how}{mode}` makes files writable by "
                                        "every user.", line=command.line)
    return once_per_line(found())

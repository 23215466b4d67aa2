"""Commands that run another command: `sudo`, `env`, `xargs`, `timeout 10`, `gosu user`...
Checks want the command they run, so these are peeled off, and remembered."""

from __future__ import annotations

import re

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\+)?=")

# Wrappers run the command that follows them. Each maps to the options that take a value,
# so `sudo -u app apt-get ...` peels to `apt-get ...`.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "--user",
                       "--group", "--close-from", "--chdir", "--host", "--prompt", "--role",
                       "--type", "--command-timeout", "--other-user"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p", "--class", "--classdata"}),
    "stdbuf": frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}),
    "eatmydata": frozenset(),
    "fakeroot": frozenset(),
    "unbuffer": frozenset(),
    "chronic": frozenset(),
    "tini": frozenset({"-p", "-e", "-l"}),
    "dumb-init": frozenset(),
    "command": frozenset(),
    "builtin": frozenset(),
    "runuser": frozenset({"-u", "-g", "-G", "--user", "--group"}),
    "xargs": frozenset({"-I", "-i", "-n", "-P", "-L", "-l", "-d", "-a", "-E", "-e", "-s",
                        "--max-args", "--max-procs", "--max-lines", "--delimiter",
                        "--arg-file", "--eof", "--max-chars", "--replace"}),
}
# Wrappers whose first operand is not the command: `gosu USER cmd`, `timeout 10 cmd`.
_OPERAND_WRAPPERS: dict[str, frozenset[str]] = {
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "chroot": frozenset({"--userspec", "--groups"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
}


def peel(words: list[str]) -> tuple[list[tuple[str, str]], list[str], int]:
    """Env prefixes and wrappers in front of the real command: (env, wrappers, start)."""
    env: list[tuple[str, str]] = []
    wrappers: list[str] = []
    i = 0
    while i < len(words):
        match = _ASSIGNMENT.match(words[i])
        if match:
            env.append((words[i][:match.end() - 1].rstrip("+"), words[i][match.end():]))
            i += 1
            continue
        name = words[i].rsplit("/", 1)[-1]
        if name in _WRAPPERS and not _is_lookup(name, words[i + 1:]):
            wrappers.append(name)
            i = _skip_options(words, i + 1, _WRAPPERS[name])
        elif name in _OPERAND_WRAPPERS:
            wrappers.append(name)
            i = _skip_options(words, i + 1, _OPERAND_WRAPPERS[name]) + 1
        elif name == "busybox" and i + 1 < len(words) and not words[i + 1].startswith("-"):
            wrappers.append(name)
            i += 1
        else:
            break
    return env, wrappers, i


def _is_lookup(name: str, rest: list[str]) -> bool:
    """`command -v curl` looks curl up; it does not run it."""
    return name == "command" and bool(rest) and rest[0] in ("-v", "-V")


def _skip_options(words: list[str], i: int, values: frozenset[str]) -> int:
    while i < len(words) and words[i].startswith("-") and words[i] != "-":
        if words[i] == "--":
            return i + 1
        flag = words[i].split("=", 1)[0]
        i += 2 if (flag in values and "=" not in words[i]) else 1
    return i

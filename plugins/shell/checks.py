"""Code checks for shell scripts: what a JSON Schema over the command list cannot say.

Each check takes the document (its `parsed` is the `Script`) and the policy's params, and
yields a `Violation` at the line of the offending command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from scaffold import Document, Violation
from scaffold_plugins.shell.expansions import ALWAYS_SET, NEVER_EMPTY, constants, expansions
from scaffold_plugins.shell.script import Command, Script, Word, strip_wrappers, unquote
from scaffold_plugins.shell.strict import strict_mode

SHELLS = {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"}
DOWNLOADERS = {"curl", "wget", "fetch"}
_DOWNLOAD_SUBSTITUTION = re.compile(r"(?:\$\(|<\(|`)\s*(?:sudo\s+)?(?:curl|wget|fetch)\b")


def effective(command: Command) -> tuple[Word, ...]:
    """The command's words without wrappers (`sudo`, `env A=1`, `command`...) in front."""
    return strip_wrappers(command.words)[1]


def _name(command: Command) -> str | None:
    words = effective(command)
    return words[0].text.rsplit("/", 1)[-1] if words else None


# -- strict mode ------------------------------------------------------------------------------


def strict_mode_check(document: Document, params: Mapping) -> Iterator[Violation]:
    found = strict_mode(document.parsed, params.get("pipefail_dialects", ()))
    if found is not None:
        yield Violation(found.message, line=found.line)


# -- downloads run by a shell -----------------------------------------------------------------


def _runs_download(command: Command) -> bool:
    """`sh -c "$(curl ...)"`, `bash <(wget -O- ...)`, `source <(curl ...)`, `eval "$(curl...)"`."""
    name = _name(command)
    if name not in SHELLS and name not in ("source", ".", "eval"):
        return False
    return any(_DOWNLOAD_SUBSTITUTION.search(word.raw) for word in effective(command)[1:])


def pipe_to_shell(document: Document, params: Mapping) -> Iterator[Violation]:
    script: Script = document.parsed
    for pipeline in script.pipelines:
        names = [_name(command) for command in pipeline]
        downloader = next((i for i, name in enumerate(names) if name in DOWNLOADERS), None)
        shell = next((i for i, name in enumerate(names) if name in SHELLS), None)
        if downloader is not None and shell is not None and shell > downloader:
            yield Violation(f"`{names[downloader]} ... | {names[shell]}` runs a downloaded "
                            "script without checking it.", line=pipeline[downloader].line)
            continue
        for command in pipeline:
            if _runs_download(command):
                yield Violation(f"`{_name(command)}` runs a downloaded script without "
                                "checking it.", line=command.line)


# -- rm -r on an unguarded variable ----------------------------------------------------------


def _rm_operands(words: tuple[Word, ...]) -> tuple[bool, list[Word]]:
    """(recursive?, operands) of an `rm` command."""
    recursive, operands, options_done = False, [], False
    for word in words[1:]:
        text = word.text
        if options_done or not text.startswith("-") or text == "-":
            operands.append(word)
        elif text == "--":
            options_done = True
        elif text == "--recursive" or not text.startswith("--") and set(text[1:]) & {"r", "R"}:
            recursive = True
    return recursive, operands


def _danger(word: Word, safe: set[str]) -> str | None:
    for expansion in expansions(word.raw):
        if expansion.guarded or expansion.name in safe or expansion.name in NEVER_EMPTY:
            continue
        variable, guarded = f"${expansion.name}", f'`"${{{expansion.name}:?}}"`'
        if not expansion.quoted:
            return (f"`rm -r` on unquoted `{variable}`: an empty value, blanks or glob "
                    f"characters change what is deleted; write {guarded}")
        if expansion.at_start and expansion.followed_by == "/":
            return (f"`rm -r` on `{word.text}`: if `{variable}` is empty this deletes from "
                    f"the root of the file system; write {guarded}")
    return None


def rm_unguarded(document: Document, params: Mapping) -> Iterator[Violation]:
    script: Script = document.parsed
    safe: set[str] | None = None
    for command in script.commands:
        words = effective(command)
        if not words or words[0].text.rsplit("/", 1)[-1] != "rm":
            continue
        recursive, operands = _rm_operands(words)
        if not recursive:
            continue
        if safe is None:  # computed once, for the scripts that have an `rm -r` at all
            safe = constants(script) | ALWAYS_SET
        for operand in operands:
            problem = _danger(operand, safe)
            if problem:
                yield Violation(f"{problem}.", line=command.line)
                break


# -- eval of variables ------------------------------------------------------------------------


def eval_variable(document: Document, params: Mapping) -> Iterator[Violation]:
    script: Script = document.parsed
    for command in script.commands:
        words = effective(command)
        if not words or words[0].text != "eval":
            continue
        if unquote(" ".join(w.raw for w in words[1:3])).startswith("set --"):
            continue  # `eval set -- "$args"`: re-splitting getopt's output, the POSIX idiom
        found = next((e for word in words[1:] for e in expansions(word.raw)
                      if e.name not in NEVER_EMPTY), None)
        if found is not None:
            yield Violation(f"`eval` runs the value of `${found.name}` as code.",
                            line=command.line)


# -- world-writable permissions --------------------------------------------------------------


def _world_writable(mode: str) -> bool:
    if re.fullmatch(r"[0-7]{3,4}", mode):
        sticky = len(mode) == 4 and int(mode[0]) & 1  # `1777`: a shared /tmp-like directory
        return bool(int(mode[-1]) & 2) and not sticky
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)([-+=])([rwxXst]*)", clause)
        if match and match[2] in "+=" and "w" in match[3] and set(match[1]) & {"o", "a"}:
            return True
    return False


def chmod_world_writable(document: Document, params: Mapping) -> Iterator[Violation]:
    script: Script = document.parsed
    for command in script.commands:
        words = effective(command)
        if not words or words[0].text != "chmod":
            continue
        # The mode is the first word that is no option (`-w` removes rights: harmless here).
        mode = next((w.text for w in words[1:] if not w.text.startswith("-")), None)
        if mode is not None and _world_writable(mode):
            yield Violation(f"`chmod {mode}` lets every user on the system change these files.",
                            line=command.line)


# -- TLS verification disabled -----------------------------------------------------------------

_TLS_COMMANDS = {"curl", "wget", "git", "npm", "yarn", "pnpm", "pip", "pip3"}
_CURL_VALUE_OPTIONS = set("oudHXAeTwxbcCEFKmrYyzDtQUPh")
_INSECURE_VARIABLES = {"GIT_SSL_NO_VERIFY": None, "NODE_TLS_REJECT_UNAUTHORIZED": "0",
                       "PYTHONHTTPSVERIFY": "0"}


def _curl_insecure(args: list[str]) -> bool:
    for arg in args:
        if arg == "--insecure":
            return True
        if arg.startswith("-") and not arg.startswith("--"):
            for letter in arg[1:]:
                if letter == "k":
                    return True
                if letter in _CURL_VALUE_OPTIONS:
                    break  # the rest of the word is this option's value
    return False


def _insecure_arguments(name: str, args: list[str]) -> str | None:
    joined = " ".join(args).lower()
    if name == "curl" and _curl_insecure(args):
        return "`curl -k` accepts any certificate"
    if name == "wget" and "--no-check-certificate" in args:
        return "`wget --no-check-certificate` accepts any certificate"
    if name == "git" and re.search(r"http\.sslverify[= ](false|0|no)", joined):
        return "`git` with `http.sslVerify` off accepts any certificate"
    if name in ("npm", "yarn", "pnpm") and re.search(r"strict-ssl[= ](false|0)", joined):
        return f"`{name}` with `strict-ssl` off accepts any certificate"
    if name in ("pip", "pip3") and "--trusted-host" in joined:
        return "`pip --trusted-host` skips certificate checks for that host"
    return None


def _insecure_variable(word: Word) -> str | None:
    name, _, value = word.text.partition("=")
    if name in _INSECURE_VARIABLES:
        expected = _INSECURE_VARIABLES[name]
        if (expected is None and value not in ("", "0", "false")) or value == expected:
            return f"`{name}={value}` turns certificate checks off"
    return None


def tls_verification(document: Document, params: Mapping) -> Iterator[Violation]:
    script: Script = document.parsed
    for command in script.commands:
        variables = [w for w in (*command.assignments, *command.words)
                     if w.text.partition("=")[0] in _INSECURE_VARIABLES]
        problem = next(filter(None, map(_insecure_variable, variables)), None)
        words = effective(command) if problem is None else ()
        name = words[0].text.rsplit("/", 1)[-1] if words else None
        if name in _TLS_COMMANDS:
            problem = _insecure_arguments(name, [w.text for w in words[1:]])
        if problem:
            yield Violation(f"{problem}: a machine in the middle can serve anything.",
                            line=command.line)

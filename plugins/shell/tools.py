"""Running a wrapped linter (hadolint, shellcheck) over many files in one process.

Shared by the hadolint and shellcheck plugins. Both tools start in milliseconds but cost far
more per process than per file, so the files go in one call (split only when the command line
would get too long for the system). One unreadable file can make a tool give up on the whole
call (hadolint does): the batch is then run again without the files the tool named, or split
in halves when it named none, so one bad file never hides the results for the others.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

# subprocess, shutil and logging are imported where used: every run loads the tool plugins,
# and most runs of a single file never start a tool.

# Windows limits a whole command line to 32,767 characters; Linux one argument list to ~2 MB.
_MAX_COMMAND_LINE = 30_000 if os.name == "nt" else 200_000

Parse = Callable[[str], "list[Any] | None"]  # the tool's stdout -> items, None if unusable


class ToolFailed(Exception):
    """The tool could not run at all (not executable, timed out): a note, never a crash."""


@dataclass
class Outcome:
    items: list[Any] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # path -> what the tool said
    processes: int = 0
    seconds: float = 0.0


def find_binary(name: str) -> str | None:
    """The tool installed with scaffold (next to its Python: `pip install 'scaffold[tools]'`
    in a venv that need not be activated) first, as its version is the one scaffold is tested
    with, then the one on PATH."""
    import shutil

    beside_python = shutil.which(name, path=str(Path(sys.executable).parent))
    return beside_python or shutil.which(name)


def is_text(source: Any) -> bool:
    """False for a binary file (a NUL byte early on): the engine reports it as unreadable
    already, and a linter's verdict on it would be noise."""
    return b"\0" not in source.head(8192)


def clean_environment(drop_prefixes: Sequence[str]) -> dict[str, str]:
    """The environment without the variables through which a tool reads user settings, so
    that results depend on the files and scaffold's config only."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(tuple(drop_prefixes))}


def _chunks(paths: Sequence[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    size = 0
    for path in paths:
        if chunks[-1] and size + len(path) + 1 > _MAX_COMMAND_LINE:
            chunks.append([])
            size = 0
        chunks[-1].append(path)
        size += len(path) + 1
    return [chunk for chunk in chunks if chunk]


def _unreadable(stderr: str, chunk: Sequence[str]) -> dict[str, str]:
    """Files the tool named in an error line (`hadolint: PATH: withBinaryFile: does not
    exist`), with its reason."""
    found = {}
    for line in stderr.splitlines():
        for path in chunk:
            marker = f"{path}: "
            if marker in line and path not in found:
                reason = line.rsplit(marker, 1)[1]
                found[path] = reason.split(": ", 1)[-1] if ": " in reason else reason
    return found


def _call(argv: list[str], cwd: Path, env: dict[str, str], timeout: float
          ) -> subprocess.CompletedProcess:
    import subprocess

    try:
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolFailed(f"did not finish within {timeout:.0f} s") from None
    except OSError as error:
        raise ToolFailed(f"could not be started ({error.strerror or error})") from None


def _check_binary(binary: str, cwd: Path, env: dict[str, str],
                  failed: subprocess.CompletedProcess) -> None:
    """Raise ToolFailed when the tool cannot even print its version: then every file would
    "fail", and splitting the batch to find the bad one would only waste processes."""
    probe = _call([binary, "--version"], cwd, env, 30)
    if probe.returncode != 0:
        said = (failed.stderr.strip().splitlines() or [""])[0]
        raise ToolFailed(f"does not run (exit code {failed.returncode}"
                         + (f": {said})" if said else ")"))


def run_batched(command: list[str], paths: Sequence[str], parse: Parse, *, cwd: Path,
                env: dict[str, str]) -> Outcome:
    """Run `command + paths` (in as few processes as the system allows) and parse the output.

    Raises ToolFailed when the tool cannot run at all.
    """
    outcome = Outcome()
    started = time.perf_counter()
    timeout = 60 + 0.5 * len(paths)  # generous: ~10-20 ms a file is what the tools take
    queue = _chunks(paths)
    checked_binary = False
    while queue:
        chunk = queue.pop()
        result = _call([*command, *chunk], cwd, env, timeout)
        outcome.processes += 1
        items = parse(result.stdout)
        unreadable = _unreadable(result.stderr, chunk) if result.stderr else {}
        outcome.unreadable.update(unreadable)
        if items is not None:
            outcome.items.extend(items)
            continue
        if not unreadable and not checked_binary:
            _check_binary(command[0], cwd, env, result)  # a broken tool, not a bad file?
            checked_binary = True
        rest = [path for path in chunk if path not in unreadable]
        if unreadable and rest:
            queue.append(rest)
        elif len(rest) == 1:
            first = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[0]
            outcome.unreadable[rest[0]] = first
        elif rest:
            half = len(rest) // 2
            queue.extend([rest[:half], rest[half:]])
    outcome.seconds = time.perf_counter() - started
    import logging

    logging.getLogger("scaffold.tools").debug("%s: %d files, %d process(es), %.3f s", Path(command[0]).name, len(paths),
              outcome.processes, outcome.seconds)
    return outcome


def tool_run(tool: str, paths: dict[str, str], findings: Sequence[Any],
             unparsed: dict[str, str], outcome: Outcome, root: Path, *, skipped_rules: str,
             config_files: Sequence[str]) -> Any:
    """The ToolRun of one batched run. Files the tool could not parse or read are noted once
    each and left out of `checked`; a config file of the tool's own is noted as not read
    (scaffold's config decides codes and severities)."""
    from scaffold import ToolRun

    unreadable = {paths[p]: why for p, why in outcome.unreadable.items()}
    skipped = {*unparsed, *unreadable}
    checked = tuple(path for path in paths.values() if path not in skipped)
    notes = [f"could not parse {path} {reason}; {skipped_rules} did not run on it, the native "
             "checks still apply" for path, reason in sorted(unparsed.items())]
    notes += [f"could not read {path}: {reason}" for path, reason in sorted(unreadable.items())]
    notes += [f"{name} is not read: set codes and severities in scaffold's config "
              "(`ignore:`, `severity:`) instead" for name in config_files if (root / name).is_file()]
    return ToolRun(tool, checked, tuple(findings), tuple(notes))


def run_tool(tool: str, files: Sequence[Any], what: str, install: str, root: Any,
             run: Callable[[list[Any], Path, str], Any]) -> list[Any]:
    """The `scaffold_run_tool` of a wrapped binary: nothing without files for it, a note
    saying how to install it when it is missing, else one batched run."""
    from scaffold import ToolRun

    if not files:
        return []
    binary = find_binary(tool)
    if binary is None:
        return [ToolRun(tool, (), (), (f"not installed, so its rules did not run on "
                                       f"{len(files)} {what}: {install}",))]
    return [run(list(files), Path(root), binary)]

"""Errors scaffold shows to people, and the exit codes they map to.

A `ScaffoldError` is printed as one clear message without a traceback. Anything else that
escapes is a bug in scaffold and is reported as an internal error (exit 2).
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0  # the gate passed
    GATE_FAILED = 1  # findings at or above --fail-on, or the score below --min-score
    ERROR = 2  # usage, configuration, policy or internal error: nothing was judged


class ScaffoldError(Exception):
    """An error in what the user gave us (arguments, config, policies): exit 2, no traceback."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class UsageError(ScaffoldError):
    """Bad command-line arguments."""


class ConfigError(ScaffoldError):
    """A bad `[tool.scaffold]` table or `.scaffold.yaml`."""


class PolicyError(ScaffoldError):
    """A policy or profile file that does not satisfy the policy meta-schema."""


class PluginError(ScaffoldError):
    """A plugin that breaks the hook contract in a way the run cannot go on from."""


class ParseError(Exception):
    """Raised by a plugin's parser: the engine turns it into a CORE001 finding at that line."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

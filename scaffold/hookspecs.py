"""The hooks a scaffold plugin can implement. This module is the plugin authors' reference:
`docs/hooks.md` is generated from these docstrings, and a test fails when it drifts.

A plugin is a module (or object) registered under the ``scaffold`` entry-point group. It marks
its implementations with ``scaffold.hookimpl`` and may implement any subset of the hooks below.
Call conventions: every hook is called with keyword arguments; an implementation may accept
only the arguments it needs. An exception raised by one plugin is reported as a ``CORE003``
finding naming the plugin, and the run goes on with the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pluggy

if TYPE_CHECKING:
    from scaffold.models import Check, Document, Target
    from scaffold.reports import ReportFormat
    from scaffold.sources import SourceFile

hookspec = pluggy.HookspecMarker("scaffold")


# -- registration: called once at start-up, before any file is read --------------------------


@hookspec
def scaffold_targets() -> Iterable[Target]:
    """Declare the kinds of document this plugin produces.

    Policies name a target in their ``target`` field; a policy naming a target no plugin
    declares is rejected at load time. ``example_filename`` is the file name the embedded
    examples of a policy for this target are parsed as (``Dockerfile``, ``manifest.yaml``).

    :return: a list of ``scaffold.Target``.
    """


@hookspec
def scaffold_policy_dirs() -> Iterable[Path]:
    """Contribute directories of policy files (``*.yaml``, one policy per file).

    Each file is validated against the policy meta-schema when it is loaded. Codes must be
    unique across all directories.

    :return: a list of directories.
    """


@hookspec
def scaffold_checks() -> Iterable[Check]:
    """Contribute code checks, for what a JSON Schema cannot say.

    A policy uses one with ``check: <name>`` and ``params:``; the params are validated
    against ``Check.params_schema`` at load time. The check function is called as
    ``function(document, params)`` and yields ``scaffold.Violation`` objects, none when the
    document passes. Names are unique across plugins, conventionally ``<plugin>.<check>``.

    :return: a list of ``scaffold.Check``.
    """


@hookspec
def scaffold_report_formats() -> Iterable[ReportFormat]:
    """Contribute report formats for ``scaffold check --format``.

    :return: a list of ``scaffold.reports.ReportFormat`` (a name and a function from
        ``scaffold.Report`` to text). Rendering the same report twice must give the same text.
    """


# -- scanning: called for every file the walk finds ------------------------------------------


@hookspec
def scaffold_parse(source: SourceFile) -> Iterable[Document] | None:
    """Turn a file into documents, or return ``None`` when the file is not for this plugin.

    Decide from ``source.name`` or ``source.head()`` first: reading ``source.text`` or
    ``source.yaml()`` costs a read and a parse (each done once per file, shared by plugins).
    Raise ``scaffold.ParseError`` with a line for a file that is yours but malformed: the
    engine reports it as ``CORE001`` at that line. Return an empty list for a file that is
    yours and holds nothing to check.

    :param source: the file, with ``path`` relative to the scan root.
    :return: a list of ``scaffold.Document``, or ``None``.
    """

"""The hooks a scaffold plugin can implement. This module is the plugin authors' reference:
`docs/hooks.md` is generated from these docstrings, and a test fails when it drifts.

A plugin is a module (or object) registered under the ``scaffold`` entry-point group. It marks
its implementations with ``scaffold.hookimpl`` and may implement any subset of the hooks below.
Call conventions: every hook is called with keyword arguments; an implementation may accept
only the arguments it needs. An exception raised by one plugin is reported as a ``CORE003``
finding naming the plugin, and the run goes on with the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from scaffold.models import Check, Document, ExternalRules, Target, ToolRun
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


@hookspec
def scaffold_external_rules() -> Iterable[ExternalRules]:
    """Declare the codes a wrapped tool reports, by prefix (hadolint: ``DL``).

    Declared codes can be selected, ignored, given a severity, ignored inline and explained
    (``scaffold explain DL3008`` links to the rule's documentation), like native codes.

    :return: a list of ``scaffold.ExternalRules``.
    """


# -- scanning: called for every file the walk finds ------------------------------------------


@hookspec
def scaffold_prepare(files: Sequence[SourceFile], root: Path) -> None:
    """Start slow work early: called once per scan, before any file is parsed, with every
    file the walk found.

    A plugin whose parse waits on other processes (rendering a Helm chart) starts them here,
    in the background, so they run beside the scan of other files instead of one after
    another. Put what you started in ``source.prepared[<your plugin>]`` and pick it up in
    ``scaffold_parse``. Do not call ``source.text`` or ``source.yaml()`` here: the scan uses
    them at the same time; read the file from ``source.abspath`` yourself if you must.

    :param files: the files of the scan, in path order.
    :param root: the folder paths are relative to.
    :return: nothing; a returned value is ignored.
    """


@hookspec
def scaffold_classify(source: SourceFile) -> str | None:
    """Say what a file is before any plugin parses it, when its place tells and its name
    does not: a Helm chart's templates are Go templates, not YAML, however they are named.

    The first plugin (in name order) to return a kind sets ``source.kind``; plugins that parse
    by name leave a file of another kind alone. Decide from ``source.abspath`` and cache what
    you learn per folder: this is called for every file of the walk.

    :param source: the file, with ``path`` relative to the scan root.
    :return: a kind name, or ``None``.
    """


@hookspec
def scaffold_parse(source: SourceFile) -> Iterable[Document] | None:
    """Turn a file into documents, or return ``None`` when the file is not for this plugin.

    Decide from ``source.name`` or ``source.head()`` first: reading ``source.text`` or
    ``source.yaml()`` costs a read and a parse (each done once per file, shared by plugins).
    Raise ``scaffold.ParseError`` with a line for a file that is yours but malformed: the
    engine reports it as ``CORE001`` at that line. Return an empty list for a file that is
    yours and holds nothing to check.

    A file that names another one of a known kind (a compose file's ``build.dockerfile``)
    calls ``source.refer(path, kind)``: the engine then parses that file too, with
    ``source.kind`` set to ``kind``, so a plugin can claim files whose name does not tell.

    :param source: the file, with ``path`` relative to the scan root.
    :return: a list of ``scaffold.Document``, or ``None``.
    """


# -- the whole tree: called once per scan, after every file was parsed --------------------------


@hookspec
def scaffold_tree_documents(documents: Sequence[Document], complete: bool) -> Iterable[Document]:
    """Documents for policies that need the whole scan: a Service that selects no pod, a
    ConfigMap no workload mounts.

    Called once after the walk with every document of the targets declared with
    ``whole_tree=True``, in scan order. Return new documents (of any declared target), for
    example one per object with an index of the tree in ``parsed``: they are evaluated like
    any other, and their findings point at the file and line of the object they name.

    :param documents: the kept documents of the scan.
    :param complete: False when the scan was given several paths of which some are files
        (the changed files a pre-commit run passes): the tree is then partial, and a check
        for something *missing* from it must not report.
    :return: a list of ``scaffold.Document``.
    """


# -- tools: called once per scan, after every file was parsed ---------------------------------


@hookspec
def scaffold_run_tool(files: Sequence[SourceFile], root: Path) -> Iterable[ToolRun]:
    """Run a wrapped tool once over the whole scan (never once per file: tools start slowly).

    Pick the files the tool understands from ``files`` (every file the walk found, with
    ``path`` relative to ``root``), run it, and return what it found. Findings keep the tool's
    codes (declare them with ``scaffold_external_rules``); set ``equivalent`` to the native
    policy code that reports the same problem, and the engine keeps one finding per problem.
    Inline ignores, exemptions and baselines apply to them like to any finding. When the tool
    is not installed, return a run with a note that says how to install it, not an error.

    :param files: the files of the scan, in path order.
    :param root: the folder paths are relative to.
    :return: a list of ``scaffold.ToolRun`` (usually one).
    """

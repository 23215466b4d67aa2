"""The public Python API: what the CLI calls, and what embedders and tests can call too."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.config import Config, find_config, load_config
from scaffold.engine import Progress, ScanOptions, run_scan
from scaffold.errors import UsageError
from scaffold.models import Report, Severity
from scaffold.registry import Registry
from scaffold.selection import Selection, code_filter, select_policies


@dataclass
class Context:
    """The config and everything the plugins contribute, loaded and validated."""

    config: Config
    registry: Registry


def _default_root(paths: list[Path]) -> Path:
    """The current directory when the paths lie under it, else the first path's folder."""
    cwd = Path.cwd().resolve()
    first = Path(os.path.abspath(paths[0])) if paths else cwd
    if first.is_relative_to(cwd):
        return cwd
    return first if first.is_dir() else first.parent


def load_context(paths: Iterable[Path] = (), config_file: Path | None = None,
                 disabled: Iterable[str] = (), isolated: bool = False,
                 extra_plugins: dict[str, Any] | None = None) -> Context:
    """Read the config (given, or the nearest one above the first path) and load plugins and
    policies. Raises a ScaffoldError for anything wrong in them."""
    paths = list(paths) or [Path(".")]
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"{config_file}: no such config file")
    found = None if isolated else (config_file or find_config(Path(os.path.abspath(paths[0]))))
    config = load_config(found, _default_root(paths))
    registry = Registry.load(disabled=[*config.disable_plugins, *disabled],
                             extra_policy_dirs=config.policy_paths, extra_plugins=extra_plugins)
    return Context(config, registry)


def check(context: Context, paths: Iterable[Path], *, select: tuple[str, ...] | None = None,
          ignore: tuple[str, ...] = (), profile: str | None = None,
          inline_ignores: bool | None = None, baseline: Path | None = None,
          progress: Progress | None = None) -> Report:
    """Scan `paths`. Arguments given here win over the config (ignore lists are joined)."""
    config = context.config
    selection = Selection(
        select=select if select is not None else config.select,
        ignore=(*config.ignore, *ignore), profile=profile or config.profile,
        severity=config.severity, params=config.params, settings=config.settings,
        source=config.source or "config",
    )
    codes = code_filter(context.registry, selection)
    policies = select_policies(context.registry, selection, codes)
    options = ScanOptions(
        paths=tuple(Path(p) for p in (list(paths) or [Path(".")])),
        inline_ignores=config.inline_ignores if inline_ignores is None else inline_ignores,
        baseline=baseline, progress=progress,
        profile=context.registry.profile(selection.profile) if selection.profile else None,
    )
    return run_scan(context.registry, config, policies, options, codes)


def gate(report: Report, fail_on: str, min_score: int | None) -> list[str]:
    """Why the gate fails; an empty list means it passes."""
    reasons = []
    if fail_on != "never":
        threshold = Severity.parse(fail_on)
        failing = [f for f in report.active_findings if f.severity >= threshold]
        if failing:
            reasons.append(f"{len(failing)} finding(s) at or above {fail_on}")
    if min_score is not None and report.score.score is not None and report.score.score < min_score:
        reasons.append(f"score {report.score.score} is below the minimum {min_score}")
    return reasons


def render(context: Context, report: Report, format_name: str) -> str:
    try:
        report_format = context.registry.formats[format_name]
    except KeyError:
        known = ", ".join(sorted(context.registry.formats))
        raise UsageError(f"unknown format {format_name!r} (known: {known})") from None
    return report_format.render(report)

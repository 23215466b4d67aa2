"""The command line: arguments -> API -> output -> exit code. No logic of its own.

Exit codes: 0 the gate passed, 1 the gate failed, 2 usage, configuration, policy or internal
error (see docs/cli.md).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from scaffold import __version__
from scaffold.errors import ExitCode, ScaffoldError, UsageError

FAIL_ON = ("error", "warning", "info", "never")


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.split(",") if code.strip()]


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="config file (default: the nearest .scaffold.yaml or pyproject.toml)")
    parser.add_argument("--isolated", action="store_true", help="ignore every config file")
    parser.add_argument("--disable-plugin", action="append", default=[], metavar="NAME",
                        help="do not load this plugin (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scaffold", description="Check and score infrastructure files.",
        epilog="Exit codes: 0 gate passed, 1 gate failed, 2 usage/config/internal error.")
    parser.add_argument("--version", action="version", version=f"scaffold {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="check files and score them",
                                description="Check infrastructure files and score them.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="files or directories (default: .)")
    check.add_argument("--format", action="append", default=[], metavar="FORMAT",
                       help="text (default), json, sarif, junit, markdown; repeatable, each "
                            "paired with the --output in the same position")
    check.add_argument("--output", "-o", action="append", default=[], metavar="FILE",
                       help="where the matching --format goes ('-' for stdout)")
    check.add_argument("--fail-on", choices=FAIL_ON,
                       help="fail on an active finding at or above this severity "
                            "(default: error)")
    check.add_argument("--min-score", type=int, metavar="N",
                       help="fail when the score is below N (0-100)")
    check.add_argument("--select", type=_codes, action="extend", metavar="CODES",
                       help="only these codes or prefixes, comma-separated")
    check.add_argument("--ignore", type=_codes, action="extend", default=[], metavar="CODES",
                       help="skip these codes or prefixes, comma-separated")
    check.add_argument("--profile", metavar="NAME", help="a named policy selection")
    check.add_argument("--kubernetes-version", metavar="1.N",
                       help="the Kubernetes version manifests are checked against (replaces "
                            "the config's kubernetes-version)")
    check.add_argument("--no-inline-ignores", action="store_true",
                       help="do not honour # scaffold: ignore= comments or annotations")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="findings in this baseline are reported as suppressed")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="write the current findings to FILE and exit 0")
    check.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    check.add_argument("--timings", action="store_true",
                       help="print the scan's wall time and each wrapped tool's to stderr "
                            "(never in a report)")
    _add_common(check)

    policies = commands.add_parser("policies", help="list the policies and profiles")
    policies.add_argument("--format", choices=("table", "json"), default="table")
    policies.add_argument("--profile", metavar="NAME", help="only the policies of this profile")
    _add_common(policies)

    explain = commands.add_parser("explain", help="explain one policy")
    explain.add_argument("code", metavar="CODE")
    _add_common(explain)

    new = commands.add_parser("new", help="generate a project from a blueprint (Copier)")
    new.add_argument("target", nargs="+", metavar="[BLUEPRINT] DEST",
                     help="the blueprint (default: service) and the folder to generate into")
    new.add_argument("--data", "-d", action="append", default=[], metavar="KEY=VALUE",
                     help="answer a question (repeatable)")
    new.add_argument("--defaults", action="store_true",
                     help="take every default instead of asking")
    new.add_argument("--overwrite", action="store_true",
                     help="replace files the blueprint generates in a non-empty folder")
    new.add_argument("--check", action="store_true",
                     help="then check and score what was generated")
    _add_common(new)

    plugins = commands.add_parser("plugins", help="list the installed plugins")
    plugins.add_argument("--format", choices=("table", "json"), default="table")
    _add_common(plugins)
    return parser


def _context(args: argparse.Namespace, paths: Sequence[Path] = ()):
    from scaffold.api import load_context

    return load_context(paths, args.config, args.disable_plugin, args.isolated)


def _outputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    formats = args.format or ["text"]
    outputs = args.output or (["-"] if len(formats) == 1 else [])
    if len(outputs) != len(formats):
        raise UsageError(f"{len(formats)} --format but {len(outputs)} --output: give one "
                         "--output per --format, in the same order")
    return list(zip(formats, outputs, strict=True))  # lengths checked just above


def _write(text: str, destination: str) -> None:
    if destination == "-":
        sys.stdout.write(text)
        return
    path = Path(destination)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{destination}: cannot write: {error.strerror}") from None


def _progress_bar() -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        if total < 50:  # short scans finish before a bar would help
            return
        if done == total or done % 25 == 0:
            filled = 30 * done // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} files")
            if done == total:
                sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()

    return show


@contextlib.contextmanager
def _timings(show: bool) -> Iterator[None]:
    """With `--timings`, the wall time of each wrapped tool (logged by the tool phase to
    `scaffold.timings`) and of the whole check go to stderr: times vary run to run, so they
    are never part of a report."""
    if not show:
        yield
        return
    import logging
    import time

    logger = logging.getLogger("scaffold.timings")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("scaffold: timing: %(message)s"))
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)  # not `logger.level =`: setLevel clears the enabled cache
    started = time.perf_counter()
    try:
        yield
        logger.info("check %.2f s in all (tools run beside the native checks)",
                    time.perf_counter() - started)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _with_kubernetes_version(context: Any, version: str | None) -> Any:
    if version is None:
        return context
    if not re.fullmatch(r"1\.[0-9]{1,2}", version):
        raise UsageError(f"--kubernetes-version takes a minor version like 1.33, not {version!r}")
    config = context.config
    settings = {**config.settings, "kubernetes-version": version}
    return dataclasses.replace(context, config=config._replace(settings=settings))


def run_check(args: argparse.Namespace) -> int:
    from scaffold import api, baseline

    outputs = _outputs(args)
    if args.min_score is not None and not 0 <= args.min_score <= 100:
        raise UsageError("--min-score takes a number from 0 to 100")
    context = _with_kubernetes_version(_context(args, args.paths), args.kubernetes_version)
    with _timings(args.timings):
        report = api.check(
            context, args.paths, select=tuple(args.select) if args.select else None,
            ignore=tuple(args.ignore), profile=args.profile,
            inline_ignores=False if args.no_inline_ignores else None, baseline=args.baseline,
            progress=None if args.no_progress else _progress_bar(),
        )
    if args.write_baseline:
        _write(baseline.render(report.findings), str(args.write_baseline))
        print(f"scaffold: wrote {len(report.active_findings)} finding(s) to "
              f"{args.write_baseline}", file=sys.stderr)
        return ExitCode.OK
    rendered = [(api.render(context, report, name), destination) for name, destination in outputs]
    for text, destination in rendered:
        _write(text, destination)
    reasons = api.gate(report, args.fail_on or context.config.fail_on,
                       args.min_score if args.min_score is not None else context.config.min_score)
    for reason in reasons:
        print(f"scaffold: gate failed: {reason}", file=sys.stderr)
    return ExitCode.GATE_FAILED if reasons else ExitCode.OK


def run_policies(args: argparse.Namespace) -> int:
    from scaffold import describe

    registry = _context(args).registry
    policies = registry.policies()
    if args.profile:
        from scaffold.selection import Selection, select_policies

        policies = select_policies(registry, Selection(profile=args.profile))
    profiles = [registry.policy_set.profiles[n] for n in sorted(registry.policy_set.profiles)]
    external = [registry.external[prefix] for prefix in sorted(registry.external)]
    render = describe.policies_json if args.format == "json" else describe.policies_table
    sys.stdout.write(render(policies, profiles, external))
    return ExitCode.OK


def run_explain(args: argparse.Namespace) -> int:
    from scaffold import describe

    registry = _context(args).registry
    policies = registry.policy_set.by_code()
    code = args.code.upper()
    rules = registry.external_rules_for(code)
    if code not in policies and rules is not None:
        sys.stdout.write(describe.explain_external(code, rules))
        return ExitCode.OK
    if code not in policies:
        near = sorted(c for c in policies if c.startswith(code[:2]))[:8]
        hint = f" (did you mean: {', '.join(near)})" if near else ""
        raise UsageError(f"no policy with code {args.code!r}{hint}")
    sys.stdout.write(describe.explain(policies[code]))
    return ExitCode.OK


def run_plugins(args: argparse.Namespace) -> int:
    from scaffold import describe

    infos = _context(args).registry.host.infos()
    render = describe.plugins_json if args.format == "json" else describe.plugins_table
    sys.stdout.write(render(infos))
    return ExitCode.OK


def run_new(args: argparse.Namespace) -> int:
    from scaffold import new

    if len(args.target) > 2:
        raise UsageError("scaffold new takes [BLUEPRINT] DEST")
    blueprint, destination = (args.target if len(args.target) == 2
                              else [new.DEFAULT_BLUEPRINT, *args.target])
    destination = Path(destination)
    result = new.generate(blueprint, destination, new.parse_data(args.data),
                          defaults=args.defaults, overwrite=args.overwrite)
    print(f"scaffold: generated {len(result.files)} file(s) from the {blueprint} blueprint in "
          f"{destination}:")
    for area, count in result.areas().items():
        print(f"  {'(top level)' if area == '.' else area + '/'}: {count}")
    print("Next:")
    for number, step in enumerate(result.next_steps(), 1):
        print(f"  {number}. {step}")
    print("Updates: this copy records no blueprint version; to follow new versions with "
          "`copier update`, generate with `copier copy <scaffold's git repository> DEST`.")
    if not args.check:
        return ExitCode.OK
    from scaffold import api

    print()
    context = _context(args, [destination])
    report = api.check(context, [destination])
    sys.stdout.write(api.render(context, report, "text"))
    reasons = api.gate(report, context.config.fail_on, context.config.min_score)
    for reason in reasons:
        print(f"scaffold: gate failed: {reason}", file=sys.stderr)
    return ExitCode.GATE_FAILED if reasons else ExitCode.OK


COMMANDS = {"check": run_check, "policies": run_policies, "explain": run_explain,
            "plugins": run_plugins, "new": run_new}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except ScaffoldError as error:
        print(f"scaffold: error: {error}", file=sys.stderr)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        print("scaffold: interrupted", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as error:  # a bug in scaffold: say so plainly, trace only on request
        if os.environ.get("SCAFFOLD_DEBUG"):
            traceback.print_exc()
        print(f"scaffold: internal error: {type(error).__name__}: {error} "
              "(set SCAFFOLD_DEBUG=1 for a traceback, and please report it)", file=sys.stderr)
        return ExitCode.ERROR

"""One checkov process over the manifests of a scan: command, time limit, JSON, findings.

checkov is started in a session of its own and killed as a group when it overruns its time
limit (it may start worker processes that would otherwise outlive it). Its output goes to files,
not pipes, so nothing it leaves behind can block the scan. It runs in an empty temporary
folder with `HOME` pointing there, so no `.checkov.yaml` is read, and without `CKV_*`,
`BC_*`, `PRISMA_*` variables: results depend on the files and on scaffold's config only.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from scaffold import ParseError, ToolFinding, ToolRun
from scaffold_plugins.checkov import rules
from scaffold_plugins.checkov.equivalents import EQUIVALENTS
from scaffold_plugins.checkov.locate import ManifestLines
from scaffold_plugins.shell.tools import ToolFailed, clean_environment

TOOL = "checkov"
TIMEOUT_VARIABLE = "SCAFFOLD_CHECKOV_TIMEOUT"
DEFAULT_TIMEOUT = 300.0  # 500 manifests take 6-7 s; RBAC graph checks can take minutes
CONFIG_FILES = (".checkov.yaml", ".checkov.yml")
_SETTINGS_PREFIXES = ("CKV_", "CHECKOV_", "BC_", "PRISMA_")
_RESULTS_FILE = "results_json.json"
# Past this many characters of paths, the files are linked into one folder passed with `-d`.
_MAX_COMMAND_LINE = 30_000 if os.name == "nt" else 200_000


def time_limit() -> tuple[float, str | None]:
    """The time limit in seconds, from SCAFFOLD_CHECKOV_TIMEOUT, and a note when that is
    not a positive number."""
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT, None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value > 0:
        return value, None
    return DEFAULT_TIMEOUT, (f"{TIMEOUT_VARIABLE}={text!r} is not a positive number of seconds; "
                             f"used {DEFAULT_TIMEOUT:g} s")


def environment(folder: Path) -> dict[str, str]:
    env = clean_environment(_SETTINGS_PREFIXES)
    env["CKV_SKIP_PACKAGE_UPDATE_CHECK"] = "true"  # offline: no call to PyPI
    env["HOME"] = str(folder)  # no ~/.checkov.yaml
    return env


def _inputs(paths: dict[str, str], folder: Path) -> tuple[list[str], dict[str, str]]:
    """checkov's file arguments, and every path it may report for each file -> our path."""
    by_name = {}
    for absolute, relative in paths.items():
        by_name[absolute] = relative
        by_name[os.path.realpath(absolute)] = relative
    if sum(len(p) + 1 for p in paths) < _MAX_COMMAND_LINE:
        return ["-f", *paths], by_name
    mirror = folder / "manifests"
    for index, (absolute, relative) in enumerate(paths.items()):
        link = mirror / str(index) / Path(absolute).name
        link.parent.mkdir(parents=True)
        try:
            link.symlink_to(absolute)
        except OSError:  # no symlinks (Windows without the privilege): a copy reads the same
            shutil.copyfile(absolute, link)
        by_name[str(link)] = relative
    return ["-d", str(mirror)], by_name


def command(binary: str, inputs: list[str], output: Path) -> list[str]:
    return [binary, "--framework", "kubernetes", "--skip-download", "--quiet", "--compact",
            "--soft-fail", "-o", "json", "--output-file-path", str(output), *inputs]


def _kill(process: Any) -> None:
    import signal

    try:
        if os.name == "nt":
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def execute(argv: list[str], folder: Path, env: dict[str, str], limit: float) -> str:
    """Run checkov to the end or to `limit` seconds; what it wrote to stderr.

    Raises ToolFailed when it cannot start or overruns its limit.
    """
    import subprocess

    group = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt"
             else {"start_new_session": True})
    with open(folder / "stderr.txt", "w+b") as stderr:
        try:
            process = subprocess.Popen(argv, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=stderr, **group)
        except OSError as error:
            raise ToolFailed(f"could not be started ({error.strerror or error})") from None
        try:
            process.wait(limit)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise ToolFailed(f"did not finish within {limit:g} s and was stopped (set "
                             f"{TIMEOUT_VARIABLE} to allow longer)") from None
        except BaseException:  # Ctrl-C: leave no checkov behind
            _kill(process)
            raise
        stderr.seek(0)
        return stderr.read().decode("utf-8", "replace")


def _reports(folder: Path, stderr: str) -> list[dict]:
    try:
        loaded = json.loads((folder / _RESULTS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        lines = [line.strip() for line in stderr.splitlines() if line.strip()]
        said = next((line for line in reversed(lines) if "error" in line.lower()),
                    lines[-1] if lines else "")
        raise ToolFailed(f"wrote no report ({said[:200]})" if said else "wrote no report") \
            from None
    return [item for item in (loaded if isinstance(loaded, list) else [loaded])
            if isinstance(item, dict)]


def _failed(reports: list[dict]) -> list[dict]:
    return [check for report in reports if report.get("check_type") == "kubernetes"
            for check in (report.get("results") or {}).get("failed_checks") or []
            if isinstance(check, dict)]


def _manifest_lines(source: Any) -> ManifestLines | None:
    try:
        return ManifestLines(source.yaml())
    except ParseError:
        return None


def findings(failed: list[dict], by_name: dict[str, str], sources: dict[str, Any]
             ) -> list[ToolFinding]:
    """One finding per code and line, at the field the check is about."""
    parsed: dict[str, ManifestLines | None] = {}
    found: dict[tuple[str, str, int], ToolFinding] = {}
    for check in failed:
        code = str(check.get("check_id") or "")
        path = by_name.get(str(check.get("file_abs_path")))
        if not code or path is None:
            continue
        if path not in parsed:
            parsed[path] = _manifest_lines(sources[path])
        span = check.get("file_line_range") or [1, 1]
        keys = (check.get("check_result") or {}).get("evaluated_keys") or []
        placed = parsed[path].place(code, int(span[0]), keys) if parsed[path] else None
        line = placed.line if placed else int(span[0])
        name = str(check.get("check_name") or code).strip().rstrip(".")
        where = placed.where if placed else str(check.get("resource") or "")
        message = f"{name} ({where})" if where else name
        found.setdefault((code, path, line), ToolFinding(
            code, rules.severity(code), message, path, line, EQUIVALENTS.get(code),
            rules.category(code)))
    return list(found.values())


def run(manifests: list[Any], root: Path, binary: str) -> ToolRun:
    import tempfile

    sources = {source.path: source for source in manifests}
    paths = {os.path.abspath(source.abspath): source.path for source in manifests}
    limit, limit_note = time_limit()
    notes = [limit_note] if limit_note else []
    notes += [f"{name} is not read: set codes and severities in scaffold's config "
              "(`ignore:`, `severity:`) instead" for name in CONFIG_FILES
              if (root / name).is_file()]
    started = time.perf_counter()
    # A killed checkov's workers may hold files open a moment (Windows): never fail on that.
    with tempfile.TemporaryDirectory(prefix="scaffold-checkov-",
                                     ignore_cleanup_errors=True) as name:
        folder = Path(name)
        inputs, by_name = _inputs(paths, folder)
        try:
            stderr = execute(command(binary, inputs, folder), folder, environment(folder), limit)
            failed = _failed(_reports(folder, stderr))
        except ToolFailed as error:
            seconds = time.perf_counter() - started
            notes.append(f"{binary} {error}; its rules did not run on {len(paths)} "
                         "manifest(s), only the native checks did")
            return ToolRun(TOOL, (), (), tuple(notes), seconds)
    seconds = time.perf_counter() - started
    return ToolRun(TOOL, tuple(sources), tuple(findings(failed, by_name, sources)),
                   tuple(notes), seconds)


"""Rendering and linting a chart, with the `helm` binary or the Helm SDK for Python.

The binary (on PATH: what users have, and what scaffold is tested with) is preferred; the SDK
(`pip install 'scaffold[helm]'`, import `helm_python`) is used when there is no binary. Both
run offline: no cluster, no repository, no `helm dependency update`, and helm's own settings
(repositories, plugins, caches) are replaced by an empty folder for the run, so nothing of the
user's is read or written.

The binary renders once per values file, all processes at once (each is ~60 ms, mostly start
up), and `helm lint` beside them; everything shares one deadline.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from scaffold_plugins.helm import messages

TIMEOUT_SECONDS = 60.0  # for all of one chart's helm processes together
ENABLE_HINT = ("install helm (https://helm.sh/docs/intro/install/) or the Helm SDK for Python "
               "(`pip install 'scaffold[helm]'`)")
_SOURCE = re.compile(r"^# Source: (?P<name>.+?)\s*$")
_SEPARATOR = re.compile(r"^---\s*$")


class Manifest(NamedTuple):
    """One rendered YAML document and the chart file helm says it came from."""

    source: str  # helm's name: `web/templates/deployment.yaml`
    text: str  # may start with helm's `# Source:` line: line numbers count it, as helm's do


class Problem(NamedTuple):
    """Something helm reported: a render or lint error."""

    kind: str  # "render-error" or "lint-error"
    message: str
    location: messages.Location
    lint_path: str | None = None  # for lint messages: the chart path helm printed


class Render(NamedTuple):
    """The outcome of rendering the chart with one values file (None: the defaults only)."""

    values: Path | None
    manifests: tuple[Manifest, ...] = ()
    error: Problem | None = None


class Outcome(NamedTuple):
    renderer: str
    renders: tuple[Render, ...]
    lint: tuple[Problem, ...]
    seconds: float


def split_output(output: str) -> list[Manifest]:
    """`helm template` output: documents separated by `---`, each after a `# Source:` line."""
    manifests = []
    source: str | None = None
    lines: list[str] = []
    for line in [*output.split("\n"), "---"]:
        if _SEPARATOR.match(line):
            if source is not None and any(t.strip() and not t.startswith("#") for t in lines):
                manifests.append(Manifest(source, "\n".join(lines)))
            source, lines = None, []
            continue
        match = _SOURCE.match(line)
        if match and source is None:
            source = match.group("name")
        lines.append(line)
    return manifests


def split_template(name: str, text: str) -> list[Manifest]:
    """One rendered template (from the SDK) into its YAML documents."""
    found, lines = [], []
    for line in [*text.split("\n"), "---"]:
        if _SEPARATOR.match(line):
            if any(t.strip() and not t.startswith("#") for t in lines):
                found.append(Manifest(name, "\n".join(lines)))
            lines = []
        else:
            lines.append(line)
    return found


def _problem(kind: str, text: str) -> Problem:
    explained = messages.explain(messages.one_line(text))
    return Problem(kind, explained.text, explained.location)


def lint_problems(found: Sequence[messages.LintMessage]) -> list[Problem]:
    """Lint errors, less what the renders report better (template errors, with their line) and
    what scaffold checks itself (the values schema: lint runs with it skipped)."""
    problems = []
    for item in found:
        if item.severity != "ERROR":
            continue
        location = messages.locate(item.message)
        if item.path.startswith("templates") and (location.file or "unable to parse YAML"
                                                   in item.message):
            continue  # a template error: the render of the same values reports it, located
        problems.append(Problem("lint-error", item.message, location, item.path))
    # `unable to load chart: validation: X` and `validation: X`: one problem, said once.
    return [p for p in problems
            if not any(o.message != p.message and o.message in p.message for o in problems)]


def release_name(metadata: dict[str, Any]) -> str:
    """The chart's name as the release name, so names read `web`, not `release-name-web`."""
    name = re.sub(r"[^a-z0-9-]+", "-", str(metadata.get("name") or "").lower()).strip("-")
    return name[:53].rstrip("-") or "release"


# -- the helm binary ---------------------------------------------------------------------------


def find_helm() -> str | None:
    return shutil.which("helm")


def _environment(home: str) -> dict[str, str]:
    """The caller's environment with helm's settings pointed at an empty folder."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
    for name in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        environment[name] = os.path.join(home, name.lower())
    environment["HELM_PLUGINS"] = os.path.join(home, "plugins")
    environment["KUBECONFIG"] = os.path.join(home, "kubeconfig")  # never a real cluster's
    return environment


class BinaryRenderer:
    name = "helm"

    def __init__(self, binary: str):
        self.binary = binary

    def run(self, chart: Path, release: str, values: Sequence[Path | None], lint: bool,
            timeout: float = TIMEOUT_SECONDS) -> Outcome:
        import subprocess

        started = time.monotonic()
        # The release's own namespace, as `helm install -n` gives it: a chart writing
        # `namespace: {{ .Release.Namespace }}` is not in `default` (KUBE223) when installed.
        base = [self.binary, "template", release, str(chart), "--namespace", release,
                "--skip-schema-validation", "--debug"]
        commands = [base + (["--values", str(path)] if path else []) for path in values]
        if lint:
            commands.append([self.binary, "lint", str(chart), "--quiet",
                             "--skip-schema-validation"])
        with tempfile.TemporaryDirectory(prefix="scaffold-helm-") as home:
            environment = _environment(home)
            # Each in a session of its own, so a timeout ends what it started too.
            processes = [subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True, env=environment, cwd=home,
                                          start_new_session=os.name == "posix")
                         for command in commands]
            results = [_wait(process, started + timeout) for process in processes]
        renders = tuple(_render(path, result, timeout) for path, result in zip(values, results, strict=False))
        problems: tuple[Problem, ...] = ()
        if lint:
            code, out, err = results[-1]
            if code is None:
                problems = (_problem("lint-error", f"helm lint timed out after {timeout:g} s"),)
            else:
                problems = tuple(lint_problems(messages.lint_messages(out + "\n" + err)))
        return Outcome(self.name, renders, problems, time.monotonic() - started)


def _wait(process: Any, deadline: float) -> tuple[int | None, str, str]:
    import subprocess

    try:
        out, err = process.communicate(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            import signal

            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
        process.kill()
        process.communicate()
        return None, "", ""
    return process.returncode, out, err


def _render(values: Path | None, result: tuple[int | None, str, str], timeout: float) -> Render:
    code, out, err = result
    if code is None:
        return Render(values, error=_problem("render-error",
                                             f"helm template timed out after {timeout:g} s"))
    # On a YAML error, `--debug` still prints what was rendered: the other documents are
    # checked, and the broken one's text locates the error.
    manifests = tuple(split_output(out))
    if code != 0:
        return Render(values, manifests, _problem("render-error", err or out))
    return Render(values, manifests)


# -- the Helm SDK for Python -------------------------------------------------------------------


def sdk_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("helm_python") is not None
    except (ImportError, ValueError):
        return False


class SdkRenderer:
    """`helm_python` (Helm's Go SDK through ctypes): renders in-process in about a
    millisecond. A call cannot be interrupted, so the timeout abandons it in its thread."""

    name = "helm-python"

    def run(self, chart: Path, release: str, values: Sequence[Path | None], lint: bool,
            timeout: float = TIMEOUT_SECONDS) -> Outcome:
        import threading

        started = time.monotonic()
        box: list[Outcome] = []
        worker = threading.Thread(target=lambda: box.append(
            self._run(chart, release, values, lint, started)), daemon=True)
        worker.start()
        worker.join(timeout)
        if box:
            return box[0]
        late = _problem("render-error", f"the Helm SDK timed out after {timeout:g} s")
        return Outcome(self.name, tuple(Render(path, error=late) for path in values), (),
                       time.monotonic() - started)

    def _run(self, chart: Path, release: str, values: Sequence[Path | None], lint: bool,
             started: float) -> Outcome:
        import helm_python

        renders = []
        try:
            loaded = helm_python.Chart.load(str(chart))
        except helm_python.HelmError as error:
            failed = _problem("render-error", str(error))
            renders = [Render(path, error=failed) for path in values]
        else:
            with loaded:
                renders = [self._render(helm_python, loaded, release, path) for path in values]
        problems: list[Problem] = []
        if lint:
            try:
                report = helm_python.lint(str(chart), None, skip_schema_validation=True)
            except helm_python.HelmError as error:
                problems = [_problem("lint-error", str(error))]
            else:
                problems = lint_problems([messages.LintMessage(
                    {3: "ERROR", 2: "WARNING"}.get(m.get("severity"), "INFO"),
                    str(m.get("path", "")), messages.one_line(str(m.get("error", ""))))
                    for m in report.get("messages", ())])
        return Outcome(self.name, tuple(renders), tuple(problems), time.monotonic() - started)

    @staticmethod
    def _render(helm_python: Any, chart: Any, release: str, path: Path | None) -> Render:
        try:
            overrides = None
            if path is not None:
                try:
                    overrides = helm_python.values_from_yaml(path.read_text("utf-8"))
                except helm_python.HelmError as error:
                    return Render(path, error=_problem(
                        "render-error", f"failed to parse {path}: {error}"))
            rendered = chart.render(overrides, name=release, namespace=release)
        except helm_python.HelmError as error:
            return Render(path, error=_problem("render-error", str(error)))
        except OSError as error:
            return Render(path, error=_problem("render-error", f"cannot read {path}: {error}"))
        manifests = []
        for name in sorted(rendered):
            base = name.rsplit("/", 1)[-1]
            if base.startswith("_") or not base.endswith((".yaml", ".yml", ".json")):
                continue  # partials and NOTES.txt: helm never applies them
            manifests += split_template(name, rendered[name])
        return Render(path, tuple(manifests))


def renderer() -> BinaryRenderer | SdkRenderer | None:
    """The helm binary on PATH, else the SDK when installed, else None."""
    binary = find_helm()
    if binary:
        return BinaryRenderer(binary)
    if sdk_available():
        return SdkRenderer()
    return None

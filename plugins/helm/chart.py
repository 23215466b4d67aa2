"""A Chart.yaml -> the chart's documents: the chart itself (`helm.chart`), what helm reported
(`helm.render`), and the Kubernetes objects it renders with each values file, located in the
templates they came from.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from scaffold import Document, LineIndex, ParseError
from scaffold_plugins.helm import layout, render, template_lines
from scaffold_plugins.helm.messages import Location, chart_field, yaml_line
from scaffold_plugins.kubernetes import documents as kubernetes

CHART_TARGET = "helm.chart"
RENDER_TARGET = "helm.render"
NO_RENDERER = "no-renderer"
_TEST_HOOKS = frozenset({"test", "test-success"})


class HelmOrigin(NamedTuple):
    """`Document.parsed` of a rendered Kubernetes object: which render it came from.

    The same object is rendered once per values file: checks that compare objects across a
    tree should compare those of one render only."""

    chart: str  # the chart folder, relative to the scan root ("" for the root)
    values: str | None  # the values file (relative to the root); None for the defaults only
    renderer: str  # "helm" or "helm-python"

    @property
    def tree(self) -> str:
        """Each render is a tree of its own for cross-resource checks."""
        return f"helm:{self.chart}:{self.values or ''}"


class ChartFacts(NamedTuple):
    """`Document.parsed` of a `helm.chart` document."""

    folder: Path
    path: str  # the chart folder relative to the root
    has_schema: bool
    dependencies: tuple[layout.Dependency, ...]
    subchart: bool


class _Chart:
    """One chart being read: its files, its Chart.yaml lines, and its templates' outlines."""

    def __init__(self, source: Any, metadata: dict, lines: LineIndex, line: int):
        self.source = source
        self.metadata = metadata
        self.lines = lines
        self.line = line
        self.folder: Path = source.abspath.parent
        self.path = posixpath.dirname(source.path)
        self.name = str(metadata.get("name") or self.folder.name)
        self._outlines: dict[str, list[template_lines.Segment] | None] = {}

    def chart_line(self, *path: Any) -> int:
        return self.lines.locate(self.metadata, path) or self.line

    def outline(self, name: str) -> list[template_lines.Segment] | None:
        """The outline of a chart file (relative to the chart), None when not on disk."""
        if name not in self._outlines:
            try:
                text = (self.folder / name).read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                self._outlines[name] = None
            else:
                self._outlines[name] = template_lines.outline(text)
        return self._outlines[name]

    def chart_file(self, helm_name: str) -> str:
        """A file as helm names it (`web/templates/x.yaml`), relative to the chart."""
        return helm_name.split("/", 1)[1] if "/" in helm_name else helm_name

    def dependency_line(self, name: str) -> int:
        """The Chart.yaml line declaring the dependency a file of `charts/<name>/` is from."""
        parts = name.split("/")
        subchart = parts[1] if len(parts) > 1 and parts[0] == "charts" else None
        declared = self.metadata.get("dependencies")
        for index, dependency in enumerate(declared if isinstance(declared, list) else ()):
            if isinstance(dependency, dict) and subchart in (dependency.get("name"),
                                                              dependency.get("alias")):
                return self.chart_line("dependencies", index)
        return self.line

    def in_chart(self, values: str | None) -> str:
        """A values file as the chart knows it: `values-prod.yaml`, `ci/smoke-values.yaml`."""
        if values is None:
            return layout.DEFAULT_VALUES
        return values[len(self.path) + 1:] if self.path else values

    def values_name(self, path: Path | None) -> str | None:
        if path is None:
            return None
        return layout.relative(self.path, path.relative_to(self.folder).as_posix())

    def clean(self, message: str) -> str:
        """Helm's message with the chart's absolute path made relative to the scan root."""
        return message.replace(str(self.folder) + "/", layout.relative(self.path, "")) \
            .replace(str(self.folder), self.path or ".")


PREPARED = "helm"  # the key of a chart's prerender in `SourceFile.prepared`


def _plan(folder: Path, metadata: dict[str, Any], dependencies: tuple
          ) -> tuple[Path, str, list[Path | None]]:
    """(chart folder, release name, values files) of a chart's renders: none for a library
    chart, or one whose dependencies are missing."""
    values: list[Path | None] = []
    if not layout.is_library(metadata) and all(d.present for d in dependencies):
        values = [None, *layout.environment_values(folder)]
    return folder, render.release_name(metadata), values


def prerender(sources: list[Any]) -> None:
    """Start rendering every top-level chart of the scan at once, in the background: each
    `Chart.yaml` then finds its renders done (or under way) when the scan reaches it, instead
    of waiting for helm chart after chart. Reads `Chart.yaml` on its own (the scan parses the
    same file at the same time); a chart it cannot read is rendered when parsed, as before."""
    renderer = render.renderer()
    if renderer is None or not sources:
        return
    from concurrent.futures import ThreadPoolExecutor

    import yaml

    pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2),
                              thread_name_prefix="scaffold-helm")
    for source in sources:
        folder = source.abspath.parent
        try:
            metadata = yaml.load(source.abspath.read_bytes(), Loader=yaml.CSafeLoader)
        except (OSError, yaml.YAMLError):
            continue
        if not isinstance(metadata, dict) or layout.parent_chart(folder) is not None:
            continue
        plan = _plan(folder, metadata, tuple(layout.dependencies(folder, metadata)))
        source.prepared[PREPARED] = (plan, pool.submit(renderer.run, *plan, lint=True))
    pool.shutdown(wait=False)


def chart_documents(source: Any) -> list[Document]:
    yaml_documents = source.yaml()
    first = yaml_documents[0] if yaml_documents else None
    if first is None or not isinstance(first.data, dict):
        raise ParseError("Chart.yaml must be a mapping (apiVersion, name, version...)",
                         first.line if first else 1)
    chart = _Chart(source, first.data, first.lines, first.line)
    dependencies = tuple(layout.dependencies(chart.folder, chart.metadata))
    subchart = layout.parent_chart(chart.folder) is not None
    facts = ChartFacts(chart.folder, chart.path, (chart.folder / layout.SCHEMA_FILE).is_file(),
                       dependencies, subchart)
    found = [Document(CHART_TARGET, source.path, first.line, chart.metadata, first.lines,
                      subject=f"chart {chart.name}", parsed=facts)]
    if subchart:
        return found  # rendered as part of its parent, with the parent's values
    renderer = render.renderer()
    if renderer is None:
        message = (f"chart {chart.name} was not rendered, so its templates were not checked: "
                   f"{render.ENABLE_HINT}")
        return [*found, _render_document(chart, None, NO_RENDERER, message, [], source.path,
                                         chart.line)]
    plan = _plan(chart.folder, chart.metadata, dependencies)
    prepared = source.prepared.pop(PREPARED, None)
    if prepared is not None and prepared[0] == plan:
        outcome = prepared[1].result()  # started by `prerender` while other files were checked
    else:
        outcome = renderer.run(*plan, lint=True)
    values = plan[2]
    _log_time(chart, outcome, len(values))
    found += _render_documents(chart, outcome)
    for result in outcome.renders:
        origin = HelmOrigin(chart.path, chart.values_name(result.values), outcome.renderer)
        found += _object_documents(chart, result, origin)
    return found


def _log_time(chart: _Chart, outcome: render.Outcome, renders: int) -> None:
    """Rendering time goes to the `scaffold.timings` log (`scaffold check --timings`)."""
    import logging  # only when a chart was rendered

    logging.getLogger("scaffold.timings").info(
        "%s %s: %d render(s) and lint in %.2f s", outcome.renderer, chart.source.path, renders,
        outcome.seconds)


# -- what helm reported --------------------------------------------------------------------


def _render_document(chart: _Chart, renderer: str | None, problem: str | None,
                     message: str | None, values: list[str | None], path: str,
                     line: int) -> Document:
    data = {"chart": chart.name, "renderer": renderer, "problem": problem, "message": message,
            "values": [v or layout.relative(chart.path, layout.DEFAULT_VALUES) for v in values]}
    return Document(RENDER_TARGET, path, line, data, LineIndex(), subject=f"chart {chart.name}")


def _where(chart: _Chart, problem: render.Problem, result: render.Render | None
           ) -> tuple[str, int]:
    """The file (relative to the root) and line of a problem helm reported."""
    location = problem.location
    if location.file and Path(location.file).is_absolute():  # a values file helm was given
        try:
            name = Path(location.file).relative_to(chart.folder).as_posix()
        except ValueError:
            return chart.source.path, chart.line
        return layout.relative(chart.path, name), location.line or 1
    if location.file:
        name = chart.chart_file(location.file)
        segments = chart.outline(name)
        if segments is None:
            return chart.source.path, chart.dependency_line(name)
        line = location.line
        if location.rendered:
            line = _rendered_line(segments, location, result)
        return layout.relative(chart.path, name), line or 1
    return _lint_where(chart, problem)


def _rendered_line(segments: list[template_lines.Segment], location: Location,
                   result: render.Render | None) -> int | None:
    """A line of helm's rendered output (a YAML error), mapped back to its template."""
    for manifest in result.manifests if result else ():
        if manifest.source == location.file:
            lines = manifest.text.split("\n")
            if location.line and location.line <= len(lines):
                return template_lines.line_for_text(segments, lines[location.line - 1])
    return None


def _lint_where(chart: _Chart, problem: render.Problem) -> tuple[str, int]:
    name = (problem.lint_path or "").rstrip("/")
    if name in ("", layout.CHART_FILE) or Path(name).is_absolute() or \
            not (chart.folder / name).is_file():
        field = chart_field(problem.message)
        return chart.source.path, chart.chart_line(field) if field else chart.line
    return layout.relative(chart.path, name), yaml_line(problem.message) or 1


def _render_documents(chart: _Chart, outcome: render.Outcome) -> list[Document]:
    """One document per distinct problem (the same template error seen with every values file
    is one problem), or one passing document when helm reported none."""
    grouped: dict[tuple[str, str, int, str], list[str | None]] = {}
    attempts = [result.values for result in outcome.renders]
    reported = [(result.error, result) for result in outcome.renders if result.error]
    render_texts = [problem.message for problem, _ in reported]
    reported += [(problem, None) for problem in outcome.lint  # unless a render said it
                 if not any(text in problem.message for text in render_texts)]
    reported += [(problem, result) for result in outcome.renders
                 for problem in _yaml_problems(chart, result)]
    for problem, result in reported:
        path, line = _where(chart, problem, result)
        key = (problem.kind, path, line, chart.clean(problem.message))
        grouped.setdefault(key, []).append(chart.values_name(result.values) if result else None)
    if not grouped:
        return [_render_document(chart, outcome.renderer, None, None, [], chart.source.path,
                                 chart.line)]
    found = []
    for (kind, path, line, message), values in grouped.items():
        if kind == "render-error" and len(values) < len(attempts):
            shown = ", ".join(chart.in_chart(v) for v in values)
            message += f" (rendering with {shown})"
        found.append(_render_document(chart, outcome.renderer, kind, message, values, path,
                                      line))
    return found


def _yaml_problems(chart: _Chart, result: render.Render) -> list[render.Problem]:
    """Rendered documents that are not valid YAML, which helm did not already report (the SDK
    returns the text as rendered)."""
    problems = []
    for manifest in result.manifests:
        if result.error and result.error.location.file == manifest.source:
            continue
        try:
            _parse(manifest.text)
        except ParseError as error:
            detail = error.message.removeprefix("invalid YAML: ")
            message = f"renders invalid YAML: {detail} (line {error.line} of the rendered output)"
            location = Location(manifest.source, error.line, rendered=True)
            problems.append(render.Problem("render-error", message, location))
    return problems


# -- the rendered objects ------------------------------------------------------------------


def _parse(text: str) -> list:
    from scaffold.yamlfile import load_documents

    return load_documents(text)


def _is_test_hook(obj: dict) -> bool:
    hooks = kubernetes.dig(obj, ("metadata", "annotations", "helm.sh/hook"))
    return isinstance(hooks, str) and any(h.strip() in _TEST_HOOKS for h in hooks.split(","))


def _object_documents(chart: _Chart, result: render.Render, origin: HelmOrigin
                      ) -> Iterator[Document]:
    seen: dict[tuple[str, Any], int] = {}  # (template, kind) -> documents so far
    for manifest in result.manifests:
        try:
            parsed = _parse(manifest.text)
        except ParseError:
            continue  # reported as a render problem
        name = chart.chart_file(manifest.source)
        segments = chart.outline(name)
        path = layout.relative(chart.path, name) if segments is not None else chart.source.path
        rendered_lines = manifest.text.split("\n")
        for yaml_document in parsed:
            data = yaml_document.data
            if not kubernetes.is_object(data):
                continue
            if segments is None:  # a packaged subchart: no template file to point at
                lines, start = LineIndex(), chart.dependency_line(name)
            else:
                ordinal = seen.get((name, data["kind"]), 0)
                seen[(name, data["kind"])] = ordinal + 1
                segment = template_lines.pick_segment(
                    segments, data["kind"], template_lines.rendered_paths(data), ordinal)
                lines = template_lines.template_index(data, yaml_document.lines,
                                                      rendered_lines, segment)
                start = segment.first_line if segment else 1
            for obj in kubernetes.objects(data):
                if not _is_test_hook(obj):
                    yield from kubernetes.documents(obj, path, lines, start, parsed=origin)

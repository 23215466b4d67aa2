"""Helm charts: rendered with `helm template` (or the Helm SDK for Python) once per values
file, and the objects checked as Kubernetes documents located in the templates they came from
(`chart.py`, `template_lines.py`); the chart itself, its values and what helm reports are
checked by the policies under `policies/helm`.

Files under a chart's `templates/` are Go templates, not YAML: `scaffold_classify` marks them
`helm.template`, so the YAML and Kubernetes plugins leave them to this one.
"""

from __future__ import annotations

from scaffold import Check, Target, hookimpl
from scaffold_plugins.helm import layout
from scaffold_policies import POLICY_ROOT

_AT = "scaffold_plugins.helm.checks:"
_CHART_REFERENCE = "helm.chart"  # the kind a template or values file refers its Chart.yaml as


@hookimpl
def scaffold_targets():
    return [
        Target("helm.chart", "A Helm chart's Chart.yaml, with the files beside it",
               layout.CHART_FILE),
        Target("helm.values", "A values file of a Helm chart (values.yaml, values-<env>.yaml, "
               "ci/*-values.yaml)", layout.DEFAULT_VALUES),
        Target("helm.render", "What helm reported rendering and linting a chart",
               layout.CHART_FILE),
    ]


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "helm"]


@hookimpl
def scaffold_checks():
    problem = {"type": "object", "additionalProperties": False, "required": ["problem"],
               "properties": {"problem": {"enum": ["render-error", "lint-error",
                                                   "no-renderer"]}}}
    return [
        Check("helm.values-schema-missing", _AT + "values_schema_missing"),
        Check("helm.dependencies-missing", _AT + "dependencies_missing"),
        Check("helm.values-match-schema", _AT + "values_match_schema"),
        Check("helm.reported", _AT + "helm_reported", problem),
    ]


@hookimpl
def scaffold_prepare(files):
    charts = [source for source in files if source.name == layout.CHART_FILE]
    if charts:
        from scaffold_plugins.helm.chart import prerender

        prerender(charts)


@hookimpl
def scaffold_classify(source):
    return layout.TEMPLATE_KIND if layout.template_chart(source.abspath) else None


@hookimpl
def scaffold_parse(source):
    name = source.name
    if source.kind == layout.TEMPLATE_KIND:
        # Checked through its chart's render; named alone (a pre-commit run), it brings the
        # chart in.
        chart = layout.template_chart(source.abspath)
        if chart is not None:
            source.refer(layout.top_chart(chart) / layout.CHART_FILE, _CHART_REFERENCE)
        return []
    if name == layout.CHART_FILE:
        from scaffold_plugins.helm.chart import chart_documents

        return chart_documents(source)
    if name == layout.SCHEMA_FILE and layout.is_chart(str(source.abspath.parent)):
        from scaffold_plugins.helm.values import check_schema_file

        check_schema_file(source)
        return []
    if layout.is_yaml(name):
        chart = layout.values_chart(source.abspath)
        if chart is not None:
            from scaffold_plugins.helm.values import values_documents

            source.refer(layout.top_chart(chart) / layout.CHART_FILE, _CHART_REFERENCE)
            return values_documents(source, chart)
    return None

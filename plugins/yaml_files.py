"""Every YAML file is parsed once, so a syntax error anywhere is reported at its line.

Other plugins (Kubernetes, compose, workflows) read the same parse through `source.yaml()`.
"""

from __future__ import annotations

from scaffold import hookimpl

YAML_SUFFIXES = (".yaml", ".yml")


@hookimpl
def scaffold_parse(source):
    if not source.name.endswith(YAML_SUFFIXES) or source.kind == "helm.template":
        return None  # a Helm template is Go text/template, rendered by the helm plugin
    source.yaml()  # raises ParseError at the offending line
    return []

"""checkov, wrapped: one run per scan over the Kubernetes manifests of the tree.

Manifests are the files the kubernetes plugin reads (`*.yaml`, `*.yml`, and `*.json` with an
`apiVersion`) that hold an object with `apiVersion` and `kind`; Helm templates (kind
`helm.template`, or any file under a chart's `templates/` folder) are Go templates, rendered by
the helm plugin, and are never passed. checkov runs offline (`--skip-download`, no update
check, no API key), with `--framework kubernetes`, on absolute paths, in one process.

- Codes: checkov's `CKV_K8S_*` and `CKV2_K8S_*`, declared under the prefix `CKV`, so
  `--select`, `--ignore`, `severity:`, inline ignores and `scaffold explain CKV_K8S_14` work.
- Severities: scaffold's table (`rules`): checkov has none offline.
- Lines: the field the check evaluated (`locate`), else the object's `kind:` line.
- Folding: `equivalents.EQUIVALENTS` maps checks to the native policy of the same problem.
- Time limit: 300 s, or `SCAFFOLD_CHECKOV_TIMEOUT` seconds; past it checkov is stopped and a
  note says so (the native checks still ran). Its wall time is `ToolRun.seconds`, shown by
  `scaffold check --timings`, never in a report.
- checkov's own configuration (`.checkov.yaml`, `CKV_*` variables) is not read; its in-file
  skips (`checkov.io/skip1` annotations) still work, as do `# scaffold: ignore=CKV_K8S_14 --
  reason` comments (a `scaffold.dev/ignore` annotation does not: the engine applies
  annotations to native findings only).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from scaffold import ExternalRules, ParseError, hookimpl

TOOL = "checkov"
INSTALL = "pip install 'scaffold[checkov]' (or pipx install checkov)"
RULES_URL = "https://www.checkov.io/5.Policy%20Index/kubernetes.html"
# Not manifests, though they hold apiVersion and kind: other plugins' kinds of file.
NOT_MANIFESTS = frozenset({"helm.template", "kustomize.kustomization", "kustomize.patch"})
_YAML_SUFFIXES = (".yaml", ".yml")
# Top-level keys only: a policy or a doc quoting a manifest in a block has them indented.
_API_VERSION = re.compile(r"""^(?:- +|  )?["']?apiVersion["']?\s*:""", re.MULTILINE)
_KIND = re.compile(r"""^(?:- +|  )?["']?kind["']?\s*:""", re.MULTILINE)  # or a list item's


@hookimpl
def scaffold_external_rules():
    return [ExternalRules("CKV", TOOL, "checkov's Kubernetes checks", RULES_URL, "security")]


@functools.lru_cache(maxsize=4096)
def _in_chart_templates(folder: Path) -> bool:
    """True for a folder at or under a chart's `templates/` (a `Chart.yaml` beside it)."""
    for parent in (folder, *folder.parents):
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return True
    return False


def is_manifest(source) -> bool:
    """A file the kubernetes plugin reads that holds `apiVersion` and `kind` keys: a cheap
    look at the text (checkov parses it anyway), never a YAML parse of every file."""
    json = source.name.endswith(".json")
    if source.kind in NOT_MANIFESTS or not (json or source.name.endswith(_YAML_SUFFIXES)):
        return False
    if json and b'"apiVersion"' not in source.head(4096):
        return False
    if _in_chart_templates(Path(source.abspath).parent):
        return False
    try:
        text = source.text
    except ParseError:  # binary or not UTF-8: the engine reports it (CORE001)
        return False
    finally:
        source.release()
    if json:
        return '"kind"' in text
    return bool(_API_VERSION.search(text) and _KIND.search(text))


@hookimpl
def scaffold_run_tool(files, root):
    from scaffold_plugins.shell.tools import run_tool

    manifests = [source for source in files if is_manifest(source)]
    return run_tool(TOOL, manifests, "Kubernetes manifest(s)", INSTALL, root, _run)


def _run(manifests, root, binary):
    from scaffold_plugins.checkov.run import run

    return run(manifests, root, binary)

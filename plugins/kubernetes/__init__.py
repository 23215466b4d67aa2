"""Kubernetes manifests: every object, every pod spec and every container becomes a document
(see `documents`), checked by the policies under `policies/kubernetes`, by JSON Schema
validation against the Kubernetes API (`schemas`) and, over the whole tree, by cross-resource
checks (`related`).
"""

from __future__ import annotations

from scaffold import ParseError, Target, hookimpl
from scaffold_plugins.kubernetes import documents as _documents
from scaffold_policies import POLICY_ROOT

YAML_SUFFIXES = (".yaml", ".yml")
OBJECT_TARGET = "kubernetes.object"
# Kinds set by other plugins' `scaffold_classify` that are not manifests: a Helm template, a
# kustomize patch (a partial object), a kustomization (a build recipe).
_NOT_MANIFESTS = frozenset({"helm.template", "kustomize.patch", "kustomize.kustomization"})


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "kubernetes"]


@hookimpl
def scaffold_targets():
    return [
        Target(OBJECT_TARGET, "A Kubernetes object (any kind)", "manifest.yaml",
               whole_tree=True),
        Target("kubernetes.pod", "The pod spec of a Pod or workload", "manifest.yaml"),
        Target("kubernetes.container", "A container, init container or ephemeral container",
               "manifest.yaml"),
        Target("kubernetes.related", "A Kubernetes object seen with every other object of "
               "its tree (cross-resource checks)", "manifest.yaml"),
    ]


@hookimpl
def scaffold_checks():
    from scaffold_plugins.kubernetes.check_table import CHECKS

    return CHECKS


def _yaml_documents(source):
    if source.name.endswith(YAML_SUFFIXES):
        return source.yaml()
    if source.name.endswith(".json") and b'"apiVersion"' in source.head(4096):
        try:
            return source.yaml()
        except ParseError:
            return None  # not ours to report: the JSON plugin of the tree, if any, is
    return None


@hookimpl
def scaffold_parse(source):
    if source.kind in _NOT_MANIFESTS:
        return None
    parsed = _yaml_documents(source)
    if parsed is None:
        return None
    found = []
    for yaml_document in parsed:
        for obj in _documents.objects(yaml_document.data):
            found.extend(_documents.documents(obj, source.path, yaml_document.lines,
                                              yaml_document.line))
    return found or None


@hookimpl
def scaffold_tree_documents(documents, complete):
    from scaffold_plugins.kubernetes.related import related_documents

    return related_documents(documents, complete)

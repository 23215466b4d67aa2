"""kustomize: each `kustomization.yaml` folder (a base or an overlay) is built with
`kustomize build` or `kubectl kustomize`, and the objects it produces are checked as
Kubernetes objects, each at the file and line it was written in (kustomize's origin
annotations say which file; the object's fields are found there).

Without either tool the resources are still checked as plain manifests, and one KUST001
finding says what that misses.
"""

from __future__ import annotations

from scaffold import Document, LineIndex, Target, hookimpl
from scaffold_policies import POLICY_ROOT

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
TARGET = "kustomize.kustomization"
PATCH_KIND = "kustomize.patch"  # a partial object: checked only through the build
KUSTOMIZATION_KIND = "kustomize.kustomization"


@hookimpl
def scaffold_policy_dirs():
    return [POLICY_ROOT / "kustomize"]


@hookimpl
def scaffold_targets():
    from scaffold_plugins.kustomize.checks import NOT_BUILT_TARGET

    return [Target(TARGET, "A kustomization (base or overlay) as a whole", "kustomization.yaml",
                   whole_tree=True),
            Target(NOT_BUILT_TARGET, "The kustomizations of a scan that could not be built",
                   "kustomization.yaml")]


@hookimpl
def scaffold_checks():
    from scaffold import Check

    return [Check("kustomize.build-failed", "scaffold_plugins.kustomize.checks:build_failed"),
            Check("kustomize.not-built", "scaffold_plugins.kustomize.checks:not_built")]


@hookimpl
def scaffold_classify(source):
    if source.name in KUSTOMIZATION_NAMES:
        return KUSTOMIZATION_KIND  # a build recipe, not an object (its `kind:` is Kustomization)
    from scaffold_plugins.kustomize.patches import is_patch

    return PATCH_KIND if is_patch(source.abspath) else None


@hookimpl
def scaffold_parse(source):
    if source.kind == PATCH_KIND:
        return []  # ours: what it changes is checked in the build of its kustomization
    if source.kind != KUSTOMIZATION_KIND:
        return None
    from scaffold_plugins.kustomize import build

    source.yaml()  # a malformed kustomization is CORE001 at its line
    result = build.build(source)
    found = [Document(TARGET, source.path, 1, {"error": result.error, "builder": result.builder},
                      LineIndex(), subject=source.path, parsed=result)]
    return found + list(result.documents)


@hookimpl
def scaffold_tree_documents(documents):
    """KUST001 once per scan, on the first kustomization, when none could be built."""
    from scaffold_plugins.kustomize.checks import NOT_BUILT_TARGET

    unbuilt = [d for d in documents if d.target == TARGET and d.data["builder"] is None]
    if not unbuilt:
        return []
    first = unbuilt[0]
    return [first._replace(target=NOT_BUILT_TARGET, data={"count": len(unbuilt)})]

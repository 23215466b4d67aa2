"""The kustomize plugin's own findings: a build that failed, and builds that could not run."""

from __future__ import annotations

from scaffold import Violation

NOT_BUILT_TARGET = "kustomize.unbuilt"


def build_failed(document, params):
    if document.data["error"]:
        yield Violation(message=document.data["error"], line=document.parsed.error_line or 1)


def not_built(document, params):
    count = document.data["count"]
    others = f" (and {count - 1} more)" if count > 1 else ""
    yield Violation(message=f"kustomize is not installed: this kustomization{others} was not "
                            "built; its resources are checked as plain manifests, without "
                            "patches, prefixes or generated objects. Install `kubectl` or "
                            "`kustomize` to check what the overlays deploy", line=1)

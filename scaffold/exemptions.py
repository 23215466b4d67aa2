"""Exemptions from the config: which findings they cover."""

from __future__ import annotations

from scaffold.config import Exemption
from scaffold.models import Document, Finding
from scaffold.suppressions import matches


class ExemptionMatcher:
    """Does a configured exemption cover a finding (of a document, when it has one)?"""

    def __init__(self, exemption: Exemption):
        self.exemption = exemption
        self.paths = None
        if exemption.paths:
            import pathspec

            self.paths = pathspec.GitIgnoreSpec.from_lines(list(exemption.paths))

    def applies(self, finding: Finding, document: Document | None) -> bool:
        e = self.exemption
        if e.codes and not matches(e.codes, finding.code):
            return False
        if self.paths is not None and not (finding.path and self.paths.match_file(finding.path)):
            return False
        resource = document.resource if document else None
        wanted = ((e.kind, "kind"), (e.name, "name"), (e.namespace, "namespace"))
        for value, attribute in wanted:
            if value is not None:
                actual = getattr(resource, attribute, None) if resource else None
                if attribute == "namespace" and resource and actual is None:
                    actual = "default"
                if actual != value:
                    return False
        return e.container is None or (document is not None and document.container == e.container)

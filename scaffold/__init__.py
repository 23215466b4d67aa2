"""scaffold: generate production infrastructure for an application, and check and score it.

The names exported here are the API for plugin authors; everything else is internal.
"""

from __future__ import annotations

import pluggy

from scaffold.errors import ParseError
from scaffold.models import (
    Check,
    Document,
    ExternalRules,
    LineIndex,
    Resource,
    Severity,
    Suppression,
    Target,
    ToolFinding,
    ToolRun,
    Violation,
)
from scaffold.redact import redact
from scaffold.schemacheck import field_name
from scaffold.suppressions import annotation_suppression

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("scaffold")

__all__ = [
    "Check",
    "Document",
    "ExternalRules",
    "LineIndex",
    "ParseError",
    "Resource",
    "Severity",
    "Suppression",
    "Target",
    "ToolFinding",
    "ToolRun",
    "Violation",
    "__version__",
    "annotation_suppression",
    "field_name",
    "hookimpl",
    "redact",
]

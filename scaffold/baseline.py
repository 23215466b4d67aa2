"""Baselines: accept today's findings, fail on new ones.

An entry is keyed by file, subject, code and a fingerprint of the offending content (not the
line number, so edits above it do not break the match). Each entry absorbs at most one
finding: a second identical violation added later is reported.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from scaffold.errors import ConfigError
from scaffold.models import Finding

BASELINE_VERSION = 1


def fingerprint(code: str, subject: str | None, content: str) -> str:
    """Stable across line moves: the code, the subject and the offending line's text."""
    normalized = " ".join(content.split())
    digest = hashlib.sha256(f"{code}\0{subject or ''}\0{normalized}".encode())
    return digest.hexdigest()[:16]


def _key(item: dict | Finding) -> tuple:
    if isinstance(item, Finding):
        return (item.path, item.subject, item.code, item.fingerprint)
    return (item.get("path"), item.get("subject"), item.get("code"), item.get("fingerprint"))


def render(findings: Iterable[Finding]) -> str:
    entries = sorted(
        ({"path": f.path, "subject": f.subject, "code": f.code, "fingerprint": f.fingerprint,
          "message": f.message} for f in findings if f.active),
        key=lambda e: (e["path"] or "", e["code"], e["subject"] or "", e["fingerprint"]))
    document = {"schema_version": BASELINE_VERSION, "tool": "scaffold", "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Counter:
    try:
        document = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read baseline: {error.strerror}", path=str(path)) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ConfigError(f"baseline is not valid JSON: {error}", path=str(path)) from None
    if not isinstance(document, dict) or document.get("schema_version") != BASELINE_VERSION \
            or not isinstance(document.get("findings"), list):
        raise ConfigError(f"not a scaffold baseline (schema_version {BASELINE_VERSION} with a "
                          "findings list expected)", path=str(path))
    return Counter(_key(entry) for entry in document["findings"] if isinstance(entry, dict))


def absorbed(finding: Finding, remaining: Counter) -> bool:
    """True, and one use of the entry consumed, when the baseline holds this finding."""
    key = _key(finding)
    if remaining[key] > 0:
        remaining[key] -= 1
        return True
    return False

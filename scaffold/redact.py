"""Secrets found in files are never echoed in full."""

from __future__ import annotations


def redact(value: object) -> str:
    """Show enough of a secret to find it, never enough to use it: `ab…(24 chars)`."""
    text = str(value)
    if len(text) <= 4:
        return "…" + f"({len(text)} chars)"
    return f"{text[:2]}…({len(text)} chars)"

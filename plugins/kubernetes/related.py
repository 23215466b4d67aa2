"""Cross-resource checks: each object seen with every other object of its tree."""

from __future__ import annotations


def related_documents(documents):
    return []

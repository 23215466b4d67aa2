"""All-pairs rows for the blueprint matrix: every value of every factor meets every value of
every other factor in at least one row, in far fewer rows than the full product.

A greedy construction (each new row is the candidate covering the most uncovered pairs), with
ties broken by a seeded random generator: deterministic, a few milliseconds, no dependency.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from typing import Any

CANDIDATES = 50  # rows tried per step; more gives slightly fewer rows, slower


def _pairs(row: Sequence[int]) -> set[tuple[int, int, int, int]]:
    return {(a, row[a], b, row[b]) for a, b in itertools.combinations(range(len(row)), 2)}


def pairwise(factors: Mapping[str, Sequence[Any]], seed: int = 5) -> list[dict[str, Any]]:
    """Rows (factor name -> value) covering every pair of values of two factors."""
    names = list(factors)
    sizes = [len(factors[name]) for name in names]
    uncovered = {(a, i, b, j) for a, b in itertools.combinations(range(len(names)), 2)
                 for i in range(sizes[a]) for j in range(sizes[b])}
    rng = random.Random(seed)
    rows: list[tuple[int, ...]] = []
    while uncovered:
        # Start from an uncovered pair so every step makes progress.
        a, i, b, j = min(uncovered)
        best, gain = None, -1
        for _ in range(CANDIDATES):
            row = [rng.randrange(size) for size in sizes]
            row[a], row[b] = i, j
            covered = len(_pairs(row) & uncovered)
            if covered > gain:
                best, gain = row, covered
        rows.append(tuple(best))
        uncovered -= _pairs(best)
    return [{name: factors[name][index] for name, index in zip(names, row, strict=True)} for row in rows]

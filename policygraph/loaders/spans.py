"""Half-open character spans, as the normaliser's deletions use them (shared by the Markdown and web-debris readers)."""
from __future__ import annotations

Span = tuple[int, int]


def merge_spans(spans: list[Span]) -> list[Span]:
    """Sorted, disjoint spans covering the same characters; empty spans dropped.

    >>> merge_spans([(5, 8), (0, 2), (1, 3), (8, 9), (4, 4)])
    [(0, 3), (5, 9)]
    """
    out: list[Span] = []
    for a, b in sorted(spans):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out

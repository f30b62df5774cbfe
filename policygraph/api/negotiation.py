"""Content negotiation: which of the media types a route can give the client's ``Accept`` prefers.

RFC 9110 §12.5.1: each offered type takes the quality of the most specific range matching it (``text/turtle``
over ``text/*`` over ``*/*``); the best quality above 0 wins, ties going to the route's order. No ``Accept``
(or an empty one) accepts anything: the route's first type.
"""
from __future__ import annotations

from collections.abc import Sequence


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``"text/html,*/*;q=0.8"`` → ``[("text/html", 1.0), ("*/*", 0.8)]`` (malformed parts dropped).

    >>> parse_accept("text/turtle;q=0.5, application/ld+json")
    [('text/turtle', 0.5), ('application/ld+json', 1.0)]
    """
    out = []
    for part in header.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if "/" not in media:
            continue
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media.lower(), q))
    return out


def choose(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them.

    >>> choose("text/html,application/xhtml+xml,*/*;q=0.8", ["text/turtle", "text/html"])
    'text/html'
    >>> choose("*/*", ["text/turtle", "text/html"])
    'text/turtle'
    >>> choose("image/png", ["text/turtle"]) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0] if offered else None
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for media in offered:
        kind = media.split("/")[0]
        matches = [(3 if r == media else 2 if r == f"{kind}/*" else 1, q) for r, q in ranges
                   if r in (media, f"{kind}/*", "*/*")]
        if not matches:
            continue
        q = max(matches)[1]
        if q > best_q:
            best, best_q = media, q
    return best

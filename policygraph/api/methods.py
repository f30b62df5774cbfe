"""Which methods a path really allows, for ``OPTIONS`` and for the ``Allow`` header of a 405.

Starlette answers a wrong method from the first route whose path matches, so ``/api/v1/links`` (GET list,
POST add) said ``Allow: GET``. Here every route is asked, for every method, whether it takes the request.
"""
from __future__ import annotations

from starlette.routing import Match, Mount
from starlette.types import ASGIApp

_PROBED = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_STATIC = frozenset({"GET", "HEAD"})  # what StaticFiles serves under a Mount


def allowed_methods(app: ASGIApp, path: str) -> set[str]:
    """The methods some route of ``app`` serves at ``path`` (empty when no route has the path)."""
    routes = getattr(getattr(app, "router", None), "routes", [])
    allowed: set[str] = set()
    for method in _PROBED:
        scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": [],
                 "query_string": b""}
        for route in routes:
            if route.matches(scope)[0] == Match.FULL:
                if isinstance(route, Mount):
                    allowed |= _STATIC if method in _STATIC else set()
                else:
                    allowed.add(method)
                break
    return allowed


def allow_header(methods: set[str]) -> str:
    """``GET, OPTIONS, POST``: sorted, with OPTIONS, which every known path answers."""
    return ", ".join(sorted(methods | {"OPTIONS"}))

"""The FastAPI application, built by a factory so tests (and ``policygraph serve``) pass the store in."""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policygraph.api import docs, parse_worker, problems, routes_analysis, routes_browse, routes_linked, routes_write
from policygraph.api.deps import Backend
from policygraph.api.methods import allow_header, allowed_methods
from policygraph.viz.pages import pages_router
from policygraph.api.settings import ApiSettings
from policygraph.graph.store import Store

access_log = logging.getLogger("policygraph.access")
UPLOAD_PATH = "/api/v1/documents"
_MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around the file


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"status": "ok"}]})
    status: str


def create_app(store: Store, settings: ApiSettings | None = None) -> FastAPI:
    """The API over ``store``; ``settings`` default to the environment and config file (``ApiSettings``)."""
    config = settings if settings is not None else ApiSettings.from_config()
    app = FastAPI(title="PolicyGraph", version="1", docs_url=None, redoc_url=None,
                  description="Chinese policy plans as a graph: measures, the lower-level tasks implementing them, "
                              "the agencies responsible, targets and cited laws. Errors are RFC 9457 "
                              "problem+json. Lists page with limit/cursor and export with format=csv.")
    parse_worker.start()
    app.state.backend = Backend(store)
    app.state.settings = config
    problems.install(app)
    for module in (routes_analysis, routes_browse, routes_write, routes_linked):
        app.include_router(module.router)
    # The researchers' pages at "/", sharing the API's lock on the store.
    app.include_router(pages_router(lambda: store, lock=app.state.backend.lock))
    _health(app)
    docs.install(app)
    app.add_middleware(_CountedUpload, limit=config.max_upload_bytes + _MULTIPART_SLACK)  # inside the log
    app.middleware("http")(_guard_and_log(config))
    if config.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=config.cors_origins, allow_methods=["*"],
                           allow_headers=["*"])
    return app


def _health(app: FastAPI) -> None:
    @app.get("/healthz", response_model=Health, tags=["health"])
    def healthz() -> Health:
        """The process is up."""
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["health"], responses=problems.responses(503))
    def readyz(request: Request) -> Response | Health:
        """The store answers (``store.ping()``)."""
        try:
            request.app.state.backend.ask(lambda s: s.ping())
        except Exception as exc:  # any failure to answer means not ready
            return problems.problem(request, 503, "Store unavailable", f"the store does not answer: {exc}")
        return Health(status="ready")


def _guard_and_log(config: ApiSettings) -> Callable[[Request, Callable[[Request], Awaitable[Response]]],
                                                     Awaitable[Response]]:
    """Refuse an oversized upload before reading it, answer OPTIONS with the path's methods (a CORS preflight
    is answered before this, by CORSMiddleware), and log one JSON line per request."""

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        start = time.perf_counter()
        length = request.headers.get("content-length", "")
        if (request.method == "POST" and request.url.path == UPLOAD_PATH and length.isdigit()
                and int(length) > config.max_upload_bytes + _MULTIPART_SLACK):
            response: Response = problems.problem(request, 413, "Payload too large",
                                                  f"the upload is over the {config.max_upload_bytes:,}-byte limit")
        elif request.method == "OPTIONS" and (methods := allowed_methods(request.app, request.url.path)):
            response = Response(status_code=204, headers={"Allow": allow_header(methods)})
        else:
            response = await call_next(request)
        access_log.info(json.dumps({"method": request.method, "path": request.url.path,
                                    "status": response.status_code,
                                    "duration_ms": round((time.perf_counter() - start) * 1000, 1)},
                                   ensure_ascii=False))
        return response

    return middleware


class _CountedUpload:
    """Count an upload's body as it arrives and stop reading past ``limit`` (a chunked upload has no
    Content-Length to refuse it by): the 413 is raised from ``receive`` inside the route's form parsing,
    which FastAPI passes on to the problem handlers, so nothing past the limit is spooled to disk.

    (FastAPI's own ``max_body_size`` would do the counting, but it answers a plain-text 413 and replaces the
    problem+json one.)"""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != UPLOAD_PATH:
            await self.app(scope, receive, send)
            return
        total = 0

        async def counted() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.limit:
                    raise HTTPException(413, f"the upload is over the {self.limit - _MULTIPART_SLACK:,}-byte limit")
            return message

        await self.app(scope, counted, send)

"""One error shape for every error: RFC 9457 problem+json, produced by one set of handlers.

Domain errors map by class (NotFound 404, Ambiguous and Conflict 409 with candidates, TooLarge 413, InputError
422, ConfigError, StoreError and Busy 503, Refused 403, NotAcceptable 406, TooExpensive 422, any other
PolicyGraphError 400); FastAPI's validation errors and HTTP
exceptions (401, 405, 413, …) are reshaped the same way; anything else is a 500 problem (and a bug).
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from policygraph.api.methods import allow_header, allowed_methods
from policygraph.errors import (Ambiguous, Busy, ConfigError, Conflict, InputError, NotAcceptable, NotFound,
                                PolicyGraphError, Refused, StoreError, TooExpensive, TooLarge)


MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("policygraph.api")

_STATUS: list[tuple[type[PolicyGraphError], int, str]] = [
    (NotFound, 404, "Not found"), (Ambiguous, 409, "Ambiguous reference"), (Conflict, 409, "Conflict"),
    (TooLarge, 413, "Payload too large"), (InputError, 422, "Unprocessable input"), (Busy, 503, "Busy"),
    (ConfigError, 503, "Not configured"),
    (StoreError, 503, "Store unavailable"), (Refused, 403, "Forbidden"), (NotAcceptable, 406, "Not acceptable"),
    (TooExpensive, 422, "Query too expensive"), (PolicyGraphError, 400, "Bad request"),
]


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"type": "about:blank", "title": "Ambiguous reference", "status": 409,
         "detail": "'河北' names 2 plans; give the year or the plan id", "instance": "/api/v1/plans/河北",
         "candidates": ["河北区2022 (p-6e4d10b35ef3)"]}]})
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    candidates: list[str] | None = Field(default=None, description="what an ambiguous reference could mean")
    errors: list[dict[str, Any]] | None = Field(default=None, description="each invalid parameter: loc, msg, type")


def hint(exc: PolicyGraphError) -> str:
    """How to go on, in this transport's terms (domain errors only name the list or the link)."""
    if isinstance(exc, NotFound) and exc.listing:
        return f"; list them with GET /api/v1/{exc.listing}"
    if isinstance(exc, Conflict) and exc.link_id:
        return f" (POST /api/v1/links/{exc.link_id}/review)"
    return ""


def problem(request: Request, status: int, title: str, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail, instance=request.url.path, **extra)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=MEDIA_TYPE,
                        headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers: the only place the API turns exceptions into responses."""

    @app.exception_handler(PolicyGraphError)
    async def domain(request: Request, exc: PolicyGraphError) -> JSONResponse:
        status, title = next((s, t) for cls, s, t in _STATUS if isinstance(exc, cls))
        candidates = exc.candidates if isinstance(exc, Ambiguous) else None
        return problem(request, status, title, str(exc) + hint(exc), candidates=candidates)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
        return problem(request, 422, "Invalid request", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {401: "Unauthorized", 404: "Not found", 405: "Method not allowed",
                 413: "Payload too large", 503: "Service unavailable"}.get(exc.status_code, "Error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method the path takes, not only the first matching route's
            headers["Allow"] = allow_header(allowed_methods(request.app, request.url.path))
        return problem(request, exc.status_code, title, str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(request, 500, "Internal error", f"{type(exc).__name__}: the server failed; this is a bug")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem statuses a route may answer (content type fixed up in docs.py)."""
    words = {400: "Bad request", 401: "No or wrong bearer token", 403: "Refused (a SPARQL update)",
             404: "Unknown id or reference", 406: "No acceptable media type",
             409: "Ambiguous reference (candidates listed) or conflicting link", 413: "Upload too large",
             422: "Invalid parameter or unreadable document", 503: "Not configured or store unavailable"}
    return {s: {"model": Problem, "description": words.get(s, "Error")} for s in statuses}

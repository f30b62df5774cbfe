"""What every route needs: the store (one caller at a time), the settings, and the reviewer behind a token."""
from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from policygraph.api.settings import ApiSettings
from policygraph.graph.store import Store
from policygraph.queries.cache import answer

T = TypeVar("T")
bearer = HTTPBearer(auto_error=False, description="a token from POLICYGRAPH_API_TOKENS (name:token pairs)")


class Backend:
    """The store and a lock: the stores are not safe for concurrent use from the server's worker threads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = threading.RLock()

    def ask(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one write (or a query that must not be shared) against the store, one at a time."""
        with self.lock:
            return query(self.store, *args, **kwargs)

    def read(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one read query, answered from the read layer's cache while the graph is unchanged."""
        with self.lock:
            return answer(self.store, query, *args, **kwargs)


def backend(request: Request) -> Backend:
    b: Backend = request.app.state.backend
    return b


def settings(request: Request) -> ApiSettings:
    s: ApiSettings = request.app.state.settings
    return s


def reviewer(credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
             config: ApiSettings = Depends(settings)) -> str:
    """The name recorded for a write: 503 without configured tokens, 401 without a valid one."""
    if not config.tokens:
        raise HTTPException(503, "no API tokens are configured, so writing is disabled: set POLICYGRAPH_API_TOKENS="
                                 "name:token (comma-separated pairs) or api_tokens in the config file")
    if credentials is None:
        raise HTTPException(401, "this endpoint needs a bearer token: send Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    for token, name in config.tokens.items():
        if secrets.compare_digest(token.encode(), credentials.credentials.encode()):
            return name
    raise HTTPException(401, "the bearer token is not one of the configured tokens",
                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

"""The HTTP API under ``/api/v1``: the queries of ``policygraph.queries`` served by FastAPI.

``create_app(store, settings)`` builds the app; ``policygraph serve`` runs it with uvicorn.
"""
from __future__ import annotations

from policygraph.api.app import create_app
from policygraph.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]

"""API settings: tokens for the write endpoints, CORS origins, the upload limit and the parse worker's limits.

Tokens come from ``POLICYGRAPH_API_TOKENS`` (comma-separated ``name:token`` pairs; the name is recorded as the
reviewer) or the config file key ``api_tokens`` (the same string, or a table ``{name = "token"}``). There is no
default token: with none configured the write endpoints answer 503 saying how to configure one.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from policygraph.config import setting
from policygraph.errors import ConfigError
from policygraph.limits import MAX_UPLOAD_BYTES, PARSE_MEMORY_BYTES, PARSE_TIMEOUT_S
from policygraph.linked.iris import configured_base, normalise_base
from policygraph.linked.sparql import SparqlLimits


class ApiSettings(BaseModel):
    """Everything ``create_app`` needs besides the store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tokens: dict[str, str] = Field(default_factory=dict, description="token → reviewer name")
    cors_origins: list[str] = Field(default_factory=list)
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    parse_timeout_s: float = Field(default=PARSE_TIMEOUT_S, gt=0, description="an upload's parse is stopped after this")
    parse_memory_bytes: int = Field(default=PARSE_MEMORY_BYTES, gt=0, description="memory one parse may add")
    base_iri: str = Field(default_factory=configured_base, description="base of the linked-data IRIs "
                                                                        "($POLICYGRAPH_BASE_IRI)")
    sparql: SparqlLimits = Field(default_factory=SparqlLimits, description="limits of GET|POST /sparql")

    @field_validator("base_iri")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return normalise_base(value)

    @classmethod
    def from_config(cls, **overrides: Any) -> ApiSettings:
        """Settings from the environment and the config file (see the module docstring)."""
        tokens = parse_tokens(setting("POLICYGRAPH_API_TOKENS", "api_tokens", ""))
        origins = setting("POLICYGRAPH_CORS_ORIGINS", "cors_origins", "")
        if isinstance(origins, str):
            origins = [o.strip() for o in origins.split(",") if o.strip()]
        return cls(**{"tokens": tokens, "cors_origins": list(origins), **overrides})


def parse_tokens(raw: object) -> dict[str, str]:
    """``"alice:s3cret,bob:t0ken"`` or ``{"alice": "s3cret"}`` → ``{"s3cret": "alice", ...}``.

    >>> parse_tokens("alice:s3cret")
    {'s3cret': 'alice'}
    """
    if isinstance(raw, dict):
        pairs = [(str(k), str(v)) for k, v in raw.items()]
    else:
        pairs = []
        for position, part in enumerate(str(raw or "").split(","), start=1):
            if not part.strip():
                continue
            name, sep, token = part.strip().partition(":")
            if not sep or not name.strip() or not token.strip():
                # Named by position only: the entry may be a bare secret, and error messages end up in logs.
                raise ConfigError(f"POLICYGRAPH_API_TOKENS entry {position} (counting from 1, comma-separated) "
                                  "is not name:token")
            pairs.append((name.strip(), token.strip()))
    return {token: name for name, token in pairs}

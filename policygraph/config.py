"""Settings from the environment or a config file, never from the command line's history.

Looked up in order: environment variables, then ``$POLICYGRAPH_CONFIG`` or ``./policygraph.toml`` or
``~/.config/policygraph/config.toml`` (keys: ``store``, ``neo4j_user``, ``neo4j_password``, ``api_tokens``).
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from policygraph.errors import ConfigError

DEFAULT_STORE = "sqlite:///policygraph.db"


@lru_cache(maxsize=1)
def _file_settings() -> dict[str, Any]:
    candidates = [os.environ.get("POLICYGRAPH_CONFIG"), "policygraph.toml",
                  str(Path.home() / ".config" / "policygraph" / "config.toml")]
    for c in candidates:
        if c and Path(c).is_file():
            try:
                return tomllib.loads(Path(c).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{c}: cannot read the config file ({exc}); fix or remove it") from exc
    return {}


def setting(env: str, key: str, default: Any = None) -> Any:
    """An environment variable wins over the config file, which wins over the default."""
    value = os.environ.get(env)
    if value not in (None, ""):
        return value
    return _file_settings().get(key, default)


def store_url() -> str:
    return str(setting("POLICYGRAPH_STORE", "store", DEFAULT_STORE))


def neo4j_credentials() -> tuple[str, str] | None:
    """(user, password) for Neo4j, or None to connect without authentication."""
    user = setting("NEO4J_USER", "neo4j_user")
    password = setting("NEO4J_PASSWORD", "neo4j_password")
    if user is None and password is None:
        return None
    return str(user or "neo4j"), str(password or "")

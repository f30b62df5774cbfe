"""The typed node/edge model, the stores, and ``to_networkx`` for analysis with graph algorithms."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from policygraph.graph.store import Store


def to_networkx(store: Store, plan: str | None = None, kind: Any = "all") -> nx.MultiDiGraph:
    """See ``policygraph.graph.networkx_view.to_networkx`` (imported on first use: networkx is heavy)."""
    from policygraph.graph.networkx_view import to_networkx as build

    return build(store, plan=plan, kind=kind)


__all__ = ["to_networkx"]

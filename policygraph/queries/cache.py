"""Answers kept per store version: the read layer's one cache.

A query's answer depends only on the graph and its arguments, and the graph is the same while the store's
``version()`` is; so an answer asked again before the next write is served from here instead of being worked out
again (the API's headline cascade is asked by many clients at once). Kept on the version's ``Snapshot``, so a
write drops the answers with the nodes the snapshot held; at most ``SIZE`` answers per version, least recently
used first out. Stores that cannot tell their version are never cached.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from policygraph.graph.store import Store
from policygraph.queries.snapshot import snapshot

T = TypeVar("T")
SIZE = 128


def answer(store: Store, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``query(store, *args, **kwargs)``, from the cache when the graph has not changed since it was last asked.

    Only for reads: an answer is shared between callers, so they must not change it.
    """
    if store.version() is None:
        return query(store, *args, **kwargs)
    key = (query.__module__, query.__qualname__, args, tuple(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:  # an unhashable argument: nothing to key on
        return query(store, *args, **kwargs)
    answers: OrderedDict[Any, Any] = snapshot(store).answers
    if key in answers:
        answers.move_to_end(key)
        return answers[key]  # type: ignore[no-any-return]
    result = query(store, *args, **kwargs)
    answers[key] = result
    if len(answers) > SIZE:
        answers.popitem(last=False)
    return result

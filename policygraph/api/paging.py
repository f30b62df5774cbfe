"""Pagination (``limit``, ``cursor``) and CSV output for every list answer.

A cursor names the last item of the previous page (``Listing.page``: its position and a key of its content,
so a list that changed between two pages neither skips nor repeats an item); treat it as opaque. JSON pages
default to 50 items; ``format=csv`` returns every item from the cursor on unless ``limit`` is given, as UTF-8
CSV with a BOM.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal, TypeVar

from fastapi import Query
from fastapi.responses import Response

from policygraph.queries.models import CURSOR_PATTERN, Listing
from policygraph.queries.tabular import flatten, to_csv

L = TypeVar("L", bound=Listing)
DEFAULT_LIMIT = 50
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}


class Paging:
    """The ``limit`` / ``cursor`` / ``format`` query parameters every list endpoint takes."""

    def __init__(self,
                 limit: int | None = Query(default=None, ge=1, le=1000, description="items per page (JSON default 50)"),
                 cursor: str | None = Query(default=None, pattern=CURSOR_PATTERN,
                                            description="next_cursor of the previous page"),
                 format: Literal["json", "csv"] = Query("json", description="csv: UTF-8 with BOM, for Excel")) -> None:
        self.limit = limit
        self.cursor = cursor
        self.format = format


class KeysetPaging:
    """``limit`` / ``cursor`` / ``format`` for lists the read layer pages itself (by key, not by offset): the
    cursor is the last item's id on the previous page."""

    def __init__(self,
                 limit: int | None = Query(default=None, ge=1, le=1000, description="items per page (JSON default 50)"),
                 cursor: str | None = Query(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                            description="next_cursor of the previous page"),
                 format: Literal["json", "csv"] = Query("json", description="csv: UTF-8 with BOM, for Excel")) -> None:
        self.limit = limit
        self.cursor = cursor
        self.format = format

    @property
    def size(self) -> int | None:
        """Items to ask for: the limit, the JSON default, or every one from the cursor on for CSV."""
        return self.limit or (None if self.format == "csv" else DEFAULT_LIMIT)


def keyset_page(listing: L, paging: KeysetPaging, name: str) -> L | Response:
    """A page the read layer already cut, as JSON or as CSV named ``name``.csv."""
    if paging.format == "csv":
        return Response(to_csv([flatten(i) for i in listing.items]).encode("utf-8"),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return listing


def page(listing: L, paging: Paging, name: str,
         rows: Callable[[L], list[dict[str, str]]] | None = None) -> L | Response:
    """The requested page of ``listing`` as JSON, or as CSV named ``name``.csv."""
    if paging.format == "csv":
        sliced = listing.page(paging.cursor, paging.limit)
        body = to_csv(rows(sliced) if rows else [flatten(i) for i in sliced.items])
        return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(_json_page(listing, paging.cursor, paging.limit or DEFAULT_LIMIT), media_type="application/json")


# JSON pages of answers the read layer keeps (queries/cache.py): the same answer object asked again for the same
# page is sent as the bytes made the first time. Keyed on the object itself (held here, so its id is not
# reused), so a write, which makes the read layer answer anew, never serves an old page.
_PAGES: OrderedDict[tuple[int, str | None, int], tuple[Listing, bytes]] = OrderedDict()
_PAGES_LOCK = threading.Lock()
PAGES_KEPT = 64


def _json_page(listing: Listing, cursor: str | None, limit: int) -> bytes:
    key = (id(listing), cursor, limit)
    with _PAGES_LOCK:
        hit = _PAGES.get(key)
        if hit is not None and hit[0] is listing:
            _PAGES.move_to_end(key)
            return hit[1]
    body = listing.page(cursor, limit).model_dump_json().encode("utf-8")
    with _PAGES_LOCK:
        _PAGES[key] = (listing, body)
        while len(_PAGES) > PAGES_KEPT:
            _PAGES.popitem(last=False)
    return body

"""Typed answers of the queries: what the API serves and the CLI prints.

Every answer is a pydantic model with ``extra="forbid"``; list answers subclass ``Listing`` so the API can
page any of them the same way (``items``, ``total``, ``next_cursor``). Each model carries one example in its
JSON schema; the API builds every endpoint's OpenAPI example from them.
"""
from __future__ import annotations

import hashlib
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["national", "province", "city", "county", "township"]
Status = Literal["inferred", "confirmed", "rejected"]
Scope = Literal["within", "cross"]
Verdict = Literal["stronger", "equal", "weaker", "different-unit", "different-scope", "missing in child"]


def _example(**example: Any) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [example]})


PLAN_EXAMPLE: dict[str, Any] = {"id": "p-e20103830d3d", "ref": "河北省", "title": "关于深化改革加强食品安全工作的若干措施",
                                 "kind": "若干措施", "year": None, "jurisdiction": "河北省", "level": "province"}


class PlanRef(BaseModel):
    """A plan in a few words: enough to name it in a list."""

    model_config = _example(**PLAN_EXAMPLE)
    id: str
    ref: str = Field(description="readable reference: jurisdiction name and year, or the id when that is ambiguous")
    title: str
    kind: str | None = None
    year: int | None = None
    jurisdiction: str
    level: str


class AgencyRole(BaseModel):
    """A body responsible for a task, with its role as written."""

    model_config = _example(id="a-1f0c8a2b3c4d", name="XX县农业农村局", role="lead", as_written="县农业农村局",
                            functions=["农业农村"], level="county")
    id: str
    name: str
    role: str
    as_written: str
    functions: list[str]
    level: str


class IndicatorView(BaseModel):
    """A numeric target of a task."""

    model_config = _example(id="i-0a1b2c3d4e5f6a7b", metric="主要农作物病虫害绿色防控覆盖率", comparator=">=",
                            value=30.0, unit="%", deadline=2020, span=[1333, 1357], measure_id="m-a77f50d8978752cb")
    id: str
    metric: str
    comparator: str
    value: float
    unit: str
    deadline: int | None = None
    span: list[int]
    measure_id: str


class CitationView(BaseModel):
    """A law or document a measure cites."""

    model_config = _example(law_id="l-0637bb715902", title="中华人民共和国食品安全法", kind="法律", span=[120, 133])
    law_id: str
    title: str
    kind: str
    span: list[int]


class MeasureView(BaseModel):
    """A section, item or task unit with everything extracted from it."""

    model_config = _example(id="m-47e9788474d8e142", ref="河北省#24", plan=PLAN_EXAMPLE, kind="item", number="24",
                            title="完善农产品质量安全追溯体系", text="完善农产品质量安全追溯体系。…", span=[5722, 5971],
                            parent_id="m-44d5e041c31f3202", agencies=[], indicators=[], citations=[])
    id: str
    ref: str | None = Field(default=None, description="readable reference of the measure, or of the item a task unit is in")
    plan: PlanRef
    kind: str
    number: str | None = None
    title: str
    text: str
    span: list[int]
    parent_id: str | None = None
    agencies: list[AgencyRole] = Field(default_factory=list)
    indicators: list[IndicatorView] = Field(default_factory=list)
    citations: list[CitationView] = Field(default_factory=list)


class Hop(BaseModel):
    """One DERIVES_FROM link on a path: the lower measure ``source`` implements the higher ``target``."""

    model_config = _example(link_id="e-88448296724ab4e8", source="m-27428133c3afef57", target="m-47e9788474d8e142",
                            score=0.7045, label="direct", status="inferred", scope="within", method="lexical-lr/1",
                            evidence={"key_phrases": [{"phrase": "食用农产品合格证"}]}, reviewed_by=None, note=None)
    link_id: str
    source: str
    target: str
    score: float | None = Field(default=None, description="aligner score in [0, 1]; null for links added by a reviewer")
    label: str | None = None
    status: str
    scope: str | None = None
    method: str | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)
    reviewed_by: str | None = None
    note: str | None = None


#: ``next_cursor`` of a keyed page: the last item's position and key (``Listing.page``); plain digits, an
#: offset, are still read.
CURSOR_PATTERN = r"^[0-9]{1,9}(-[0-9a-f]{12})?$"


class Listing(BaseModel):
    """A page of a list answer: ``items`` from ``cursor`` on, ``total`` of all, ``next_cursor`` for the rest."""

    model_config = ConfigDict(extra="forbid")
    items: list[Any] = Field(default_factory=list)
    total: int = 0
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page; null on the last page")

    def page(self, cursor: str | None, limit: int | None) -> Self:
        """The page after ``cursor`` (the whole rest when ``limit`` is None), keyed by its last item.

        A cursor names the last item shown, by position and by a key of its content, so the next page starts
        right after that item even when the list has changed meanwhile (documents added, links rejected):
        an offset would then skip or repeat items. When that item is gone, the page starts at its position.
        """
        start = self._start(cursor)
        end = len(self.items) if limit is None else min(start + limit, len(self.items))
        nxt = f"{end - 1}-{item_key(self.items[end - 1])}" if start < end < len(self.items) else None
        return self.model_copy(update={"items": self.items[start:end], "total": len(self.items), "next_cursor": nxt})

    def _start(self, cursor: str | None) -> int:
        if not cursor:
            return 0
        position, _, key = cursor.partition("-")
        at = int(position)
        if not key:
            return min(at, len(self.items))  # an offset
        if at < len(self.items) and item_key(self.items[at]) == key:
            return at + 1
        keys = [item_key(i) for i in self.items]
        return keys.index(key) + 1 if key in keys else min(at, len(self.items))


def item_key(item: Any) -> str:
    """A short key of a list item's content (its JSON): what a cursor finds its place by."""
    raw = item.model_dump_json() if isinstance(item, BaseModel) else repr(item)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]

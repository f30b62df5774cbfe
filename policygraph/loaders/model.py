"""Typed data that travels from the loaders to the graph: a Plan holding a tree of Measures.

These models are the stage boundary of the pipeline and the schema of ``policygraph parse --json``;
field names follow ``shared/gold/extraction_examples.json`` so other programs can read them unchanged.
Spans are ``(start, end)`` half-open character offsets into the *decoded* source text (before
normalisation), so an auditor can always be shown the words as the document wrote them.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["national", "province", "city", "county", "township"]
Role = Literal["lead", "support", "responsible"]
MeasureKind = Literal["section", "item", "task"]
Comparator = Literal[">=", ">", "<=", "<", "="]
Span = tuple[int, int]

LEVEL_RANK: dict[str, int] = {"national": 0, "province": 1, "city": 2, "county": 3, "township": 4}


class Strict(BaseModel):
    """Base for every stage model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Jurisdiction(Strict):
    """An administrative division: 西平县 (county) within 驻马店市 (city) within 河南省 (province)."""

    name: str
    level: Level
    code: str | None = Field(default=None, description="national administrative-division code (adcode) when known")
    parents: list[str] = Field(default_factory=list, description="names of enclosing divisions, nearest first")
    anonymised: bool = Field(default=False, description="the document hides the place's name (XX县)")


class AgencyRef(Strict):
    """A body named in one task unit's responsibility parenthesis, resolved to a canonical body."""

    as_written: str
    name: str = Field(description="canonical body with its jurisdiction resolved: 红旗区卫生健康委员会")
    functions: list[str] = Field(description="canonical government functions from data/functions.toml")
    level: Level
    role: Role
    collective: bool = False
    jurisdiction: str | None = Field(default=None, description="name of the jurisdiction the body belongs to")
    span: Span


class Indicator(Strict):
    """A numeric target: 合格率达到97%以上 → metric 合格率, >=, 97, %."""

    metric: str
    comparator: Comparator
    value: float
    unit: str
    deadline: int | None = None
    span: Span


class Citation(Strict):
    """A cited law, regulation or plan: every 《…》 title and clearly named higher-level plans."""

    title: str
    kind: str = Field(description="法律 | 行政法规 | 地方性法规 | 规章 | 规范性文件 | 国家标准")
    span: Span


class Measure(Strict):
    """A node of the plan tree: a section (一、), an item (3. / （十七）) or a task unit."""

    id: str
    parent_id: str | None
    kind: MeasureKind
    number: str | None = Field(description="as written: '24', '（十七）', '一'; None for task units")
    title: str
    text: str = Field(description="normalised text of the measure, number excluded")
    span: Span
    order: int = Field(description="position among its siblings, from 0")
    agencies: list[AgencyRef] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)


class Plan(Strict):
    """A loaded document: its metadata and where it came from."""

    id: str
    title: str
    kind: str | None = Field(description="若干措施 / 工作要点 / 重点工作安排 / 监督管理计划 / 实施方案 …")
    year: int | None
    jurisdiction: Jurisdiction
    issuer: str | None = Field(default=None, description="the body that issued it, where stated")
    source: str = Field(description="file name the plan was read from")
    source_format: str = Field(description="utf-8 | gb18030 | docx | html | pdf …")
    content_hash: str = Field(description="sha256 of the decoded text: a changed document has a new hash")
    title_span: Span | None = None


class PlanTree(Strict):
    """What ``parse`` returns: the plan and its measures in document order (parents before children)."""

    plan: Plan
    measures: list[Measure]
    text: str = Field(description="the decoded source text every span points into", exclude=True, repr=False)

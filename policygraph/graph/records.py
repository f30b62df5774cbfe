"""Typed records: the fields each node label and edge type carries, in one place.

A store keeps a node's or an edge's fields as a property map (SQLite: one JSON column; Neo4j: one real property
per field). Readers do not pick keys out of that map: they ask a node for its record (``node.measure.kind``,
``edge.link.score``), so a field's name, type and default are written once, here, and a misspelt field is an
attribute error at the first test rather than a silent ``None``. Writers build the same records
(``graph/model.py``, the aligner, review), so what is written and what is read are the same shape.

Reading uses ``model_construct``: the map was validated when it was written, and an older store's map (a field
added since) reads with the field's default. Outline reads (``store.HEAVY_FIELDS`` left out) read texts as "".
Fields every writer has always written (a measure's kind, a body's level and role) have no default.
"""
from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticUndefined

from policygraph.loaders.model import Comparator, Level, MeasureKind, Role


class Record(BaseModel):
    """Base of every record: immutable, unknown fields refused when written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def fields(self) -> dict[str, Any]:
        """The property map a store keeps (JSON-ready): the fields given, so a map written before a field
        existed reads back as it was."""
        return self.model_dump(mode="json", exclude_unset=True)


R = TypeVar("R", bound=Record)


def read(cls: type[R], props: dict[str, Any]) -> R:
    """A record from a stored property map, without validating it again (fields the map lacks take defaults).

    What ``model_construct`` does, with the per-class work done once: a cascade reads ~15 records per row, and
    ``model_construct`` was a fifth of its time. ``tests/test_records.py`` holds the two equal."""
    names, defaults, factories = _SHAPES.get(cls) or _shape(cls)
    given = {k: v for k, v in props.items() if k in names}
    values = {**defaults, **{k: make() for k, make in factories.items() if k not in given}, **given}
    return construct(cls, values, set(given))


M = TypeVar("M", bound=BaseModel)


def construct(cls: type[M], values: dict[str, Any], fields_set: set[str] | None = None) -> M:
    """A model from values known to be valid (read back from a store), as ``model_construct`` builds it but
    without its per-call bookkeeping; ``values`` must hold every field."""
    item = cls.__new__(cls)
    object.__setattr__(item, "__dict__", values)
    object.__setattr__(item, "__pydantic_fields_set__", set(values) if fields_set is None else fields_set)
    object.__setattr__(item, "__pydantic_extra__", None)
    object.__setattr__(item, "__pydantic_private__", None)
    return item


_SHAPES: dict[type[Record], tuple[frozenset[str], dict[str, Any], dict[str, Any]]] = {}


def _shape(cls: type[Record]) -> tuple[frozenset[str], dict[str, Any], dict[str, Any]]:
    """Field names, plain defaults and default factories of a record class (fields without either are required)."""
    defaults = {k: f.default for k, f in cls.model_fields.items()
                if f.default is not PydanticUndefined and f.default_factory is None}
    factories = {k: f.default_factory for k, f in cls.model_fields.items() if f.default_factory is not None}
    shape = (frozenset(cls.model_fields), defaults, factories)
    _SHAPES[cls] = shape
    return shape


# ---- nodes ------------------------------------------------------------------------------------------------
class PlanRecord(Record):
    """A loaded document (label Plan)."""

    title: str = ""
    kind: str | None = None
    year: int | None = None
    jurisdiction: str = Field(default="", description="name of the issuing place: 河北省, 西平县")
    level: str = Field(default="", description="national | province | city | county | township")
    issuer: str | None = None
    source: str = ""
    source_format: str = ""
    content_hash: str = ""
    title_span: list[int] | None = None


class MeasureRecord(Record):
    """A section, item or task unit of a plan (label Measure)."""

    kind: MeasureKind
    number: str | None = None
    title: str = ""
    text: str = ""
    span: list[int] = Field(default_factory=list)
    order: int = 0
    plan_id: str = ""
    parent_id: str | None = None
    searched: str | None = Field(default=None, description="the text it is found by (graph/textindex.py)")

    @property
    def start(self) -> int:
        """Where it starts in its document: the reading order of measures from different branches."""
        return self.span[0] if self.span else 0


class AgencyRecord(Record):
    """A responsible body in its place (label Agency)."""

    name: str = ""
    functions: list[str] = Field(default_factory=list)
    level: Level
    collective: bool = False
    jurisdiction: str | None = None


class IndicatorRecord(Record):
    """A numeric target of a measure (label Indicator)."""

    metric: str = ""
    comparator: Comparator
    value: float = 0.0
    unit: str = ""
    deadline: int | None = None
    span: list[int] = Field(default_factory=list)
    measure_id: str = ""
    plan_id: str = ""


class LawRecord(Record):
    """A cited law, regulation, standard or plan (label Law)."""

    title: str = ""
    kind: str = ""


class JurisdictionRecord(Record):
    """An administrative division (label Jurisdiction)."""

    name: str = ""
    level: Level
    code: str | None = None
    anonymised: bool = False
    parents: list[str] = Field(default_factory=list, description="enclosing divisions, nearest first")


# ---- edges ------------------------------------------------------------------------------------------------
class PartOfRecord(Record):
    """PART_OF: a measure within its parent (or its plan)."""

    order: int = 0


class ResponsibleForRecord(Record):
    """RESPONSIBLE_FOR: a body named for a measure, as the document wrote it."""

    role: Role
    as_written: str = ""
    span: list[int] = Field(default_factory=list)
    position: int = 0


class HasTargetRecord(Record):
    """HAS_TARGET: a measure's n-th target."""

    position: int = 0


class CitesRecord(Record):
    """CITES: where a measure cites a law."""

    span: list[int] = Field(default_factory=list)
    kind: str | None = None

    @property
    def start(self) -> int:
        return self.span[0] if self.span else 0


class LinkRecord(Record):
    """DERIVES_FROM (task → measure) and PLAN_DERIVES_FROM (plan → plan): the aligner's and reviewers' links."""

    status: str = Field(default="inferred", description="inferred | confirmed | rejected")
    scope: str | None = Field(default=None, description="within | cross: inside the higher plan's place or not")
    method: str = ""
    source_plan: str = ""
    target_plan: str = ""
    score: float | None = None
    label: str | None = Field(default=None, description="direct | partial (task links)")
    evidence: dict[str, Any] = Field(default_factory=dict, description="shared spans and sub-scores")
    basis: str | None = Field(default=None, description="why two plans are linked (plan links)")
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    note: str | None = None

    @property
    def live(self) -> bool:
        """Shown in cascades: every status but rejected."""
        return self.status != "rejected"


class EmptyRecord(Record):
    """Edge types with no fields of their own (HAS_MEASURE, ISSUED_BY, WITHIN, BELONGS_TO)."""


NODE_RECORDS: dict[str, type[Record]] = {
    "Plan": PlanRecord, "Measure": MeasureRecord, "Agency": AgencyRecord, "Indicator": IndicatorRecord,
    "Law": LawRecord, "Jurisdiction": JurisdictionRecord,
}
EDGE_RECORDS: dict[str, type[Record]] = {
    "HAS_MEASURE": EmptyRecord, "PART_OF": PartOfRecord, "RESPONSIBLE_FOR": ResponsibleForRecord,
    "HAS_TARGET": HasTargetRecord, "CITES": CitesRecord, "ISSUED_BY": EmptyRecord, "WITHIN": EmptyRecord,
    "BELONGS_TO": EmptyRecord, "DERIVES_FROM": LinkRecord, "PLAN_DERIVES_FROM": LinkRecord,
}

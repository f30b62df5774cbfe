"""A generated plan before it is written: sections of tasks, each task sentence templates plus targets and bodies.

Templates carry place-free tokens so that one measure reads right in every plan that takes it over:
``{全}`` the plan's whole jurisdiction (全国, 全省, 全市, 全县), ``{我}`` its own (我省, 我县), ``{地}`` its name,
``{年}`` its year; and ``{T0}``, ``{T1}`` … where its numeric targets stand. Rendering a plan fills them in (``render``); deriving a lower plan
edits the templates (``derive``). Nothing here knows about layouts or files.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Change = Literal["raised", "kept", "weakened"]


@dataclass(frozen=True)
class Target:
    """A numeric target as a plan states it: 受污染耕地安全利用率 达到 91 % 以上 (comparator >=)."""

    metric: str
    verb: str
    comparator: Literal[">=", "<="]
    value: float
    unit: str
    tail: str
    parent_value: float | None = None
    change: Change | None = None

    def phrase(self) -> str:
        return f"{self.verb}{format_value(self.value)}{self.unit}{self.tail}"


def format_value(v: float) -> str:
    """91.0 → '91', 97.5 → '97.5': numbers as plans write them."""
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


@dataclass(frozen=True)
class DraftTask:
    """One task unit: sentences (templates), targets, the functions of the bodies named (lead first).

    ``parent`` is the 1-based position of the parent plan's task this one re-words; None for a measure of the
    plan's own (a local addition) and for the national plan's measures. ``edits`` names what re-wording did.
    """

    sentences: tuple[str, ...]
    targets: tuple[Target, ...]
    functions: tuple[str, ...]
    parent: int | None = None
    origin: Literal["seed", "derived", "local"] = "seed"
    edits: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftSection:
    title: str
    tasks: tuple[DraftTask, ...]


@dataclass(frozen=True)
class DraftPlan:
    """A plan's content, independent of how it is laid out; tasks are numbered in document order from 1."""

    sections: tuple[DraftSection, ...]

    def tasks(self) -> list[DraftTask]:
        return [t for s in self.sections for t in s.tasks]

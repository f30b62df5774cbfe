"""The ground truth of a generated corpus: ``truth.jsonl``, one JSON object a line, each plan before its tasks.

A plan line (``"record": "plan"``) gives its id (``2024/410702``), file, format and layout, level, year, title,
jurisdiction (name, code, parents nearest first with their codes), parent plan and number of task units. A task
line (``"record": "task"``) gives its plan, its position ``task`` (1-based, in document order: the n-th task unit
the parser returns is the n-th of the truth), section and item numbers as written, a snippet of its text, the
parent measures it re-words (plan, file, position), its targets (value, and the parent's value with the change:
raised, kept or weakened) and the bodies it names, as written, with their roles. A measure of the plan's own
(``origin: local``) and the national plan's measures (``origin: seed``) derive from nothing.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policygraph.loaders.model import Level, Role

TRUTH_FILE = "truth.jsonl"
MANIFEST_FILE = "manifest.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TruthJurisdiction(_Strict):
    name: str
    level: Level
    code: str
    parents: list[str] = Field(description="enclosing divisions, nearest first")
    parent_codes: list[str]


class TruthLayout(_Strict):
    numbering: str
    responsibility: str
    mixed_forms: bool
    run_on: bool
    wrap: int | None
    one_line: bool
    blank_lines: bool
    crlf: bool


class TruthPlan(_Strict):
    record: Literal["plan"] = "plan"
    id: str
    file: str = Field(description="path of the document, relative to the corpus folder")
    format: str
    layout: TruthLayout
    level: Level
    year: int
    title: str
    jurisdiction: TruthJurisdiction
    parent_plan: str | None
    tasks: int


class TruthRef(_Strict):
    plan: str
    file: str
    task: int


class TruthTarget(_Strict):
    metric: str = Field(description="the words before the verb, as written")
    comparator: Literal[">=", "<="]
    value: float
    unit: str
    phrase: str = Field(description="the target as written: 达到98%以上")
    parent_value: float | None = None
    change: Literal["raised", "kept", "weakened"] | None = None


class TruthAgency(_Strict):
    name: str = Field(description="as written: 县市场监管局")
    function: str
    level: Level
    role: Role


class TruthTask(_Strict):
    record: Literal["task"] = "task"
    plan: str
    task: int
    section: str
    item: str | None
    snippet: str
    origin: Literal["seed", "derived", "local"]
    edits: list[str]
    derives_from: list[TruthRef]
    targets: list[TruthTarget]
    agencies: list[TruthAgency]


def read_truth(folder: Path) -> Iterator[TruthPlan | TruthTask]:
    """The records of a corpus's truth file, in file order (streamed: an L corpus does not fit in memory)."""
    with open(Path(folder) / TRUTH_FILE, encoding="utf-8") as f:
        for line in f:
            raw = json.loads(line)
            yield TruthPlan.model_validate(raw) if raw["record"] == "plan" else TruthTask.model_validate(raw)

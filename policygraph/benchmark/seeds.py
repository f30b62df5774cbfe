"""Seed measures: the sample corpus's real task units, cleaned into place-free templates.

The national plan is built from these, and lower plans add the ones the national plan did not take as their
own measures. The corpus is parsed with the project's loaders at generation time (nothing is downloaded);
each unit is cut into sentences and a sentence is kept only when it can stand in any plan:

* parentheticals go (a responsibility bracket, （VOCs）, （市、区）): the generator writes its own statements;
* a sentence naming a place (河北区, 河南, a full division name), a body (省农业厅做好…, 区市场监管局), a role
  word (负责, 牵头) or numbering (1. / 二、), or one the reader takes for a statement ("组织部门要把…": a
  department as its subject), is dropped: in a plan of another place it would be wrong, or the reader would
  rightly take it for a responsibility statement or a heading;
* 全省 / 全县 become ``{全}``, 我县 ``{我}``, years up to 2025 become ``{年}``, and numeric targets become ``{T0}`` ….
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policygraph.benchmark.model import DraftTask, Target
from policygraph.benchmark.vocab import vocab
from policygraph.errors import InputError
from policygraph.loaders.jurisdictions import place_in_heading
from policygraph.loaders.model import Jurisdiction, Measure, PlanTree
from policygraph.loaders.parse import parse_file
from policygraph.loaders.statements import readers
from policygraph.loaders.units import Readers

_PARENS = re.compile(r"（[^（）]*）|\([^()]*\)|〔[^〔〕]*〕|【[^【】]*】")
_SENTENCE = re.compile(r"[^。！？]+[。！？]")
_UNWANTED = re.compile(
    r"[：:（）()\[\]【】〔〕{}]|负责|负总责|牵头|配合|协助|协办|承办|按职责"
    r"|(?:^|[^\d.])\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]+、"
    r"|[省市县区州][\u4e00-\u9fff]{0,8}?(?:局|厅|委员会|委|办公室|办)(?![\u4e00-\u9fff]{0,1}[员])"
)
_YEAR = re.compile(r"20(?:0\d|1\d|2[0-5])(?=年)")
_TARGET_GE = re.compile(r"(?P<verb>达到|达|稳定在|保持在|不低于)(?P<value>\d+(?:\.\d+)?)(?P<unit>%|个|家|项)(?P<tail>以上)?")
_TARGET_LE = re.compile(r"(?P<verb>控制在|低于|不超过|不高于)(?P<value>\d+(?:\.\d+)?)(?P<unit>%|‰)(?P<tail>以内|以下)?")
_METRIC_STOP = "，。；、：“”《》"
_MIN_CJK = 8
_MAX_SENTENCES = 5


@dataclass(frozen=True)
class SeedSection:
    """A section of a sample document, with the cleaned task units found under it."""

    title: str
    tasks: tuple[DraftTask, ...]


@lru_cache(maxsize=4)
def seed_sections(corpus: Path) -> tuple[SeedSection, ...]:
    """Every section of every ``*.txt`` document of ``corpus`` that keeps at least one usable task unit."""
    files = sorted(Path(corpus).glob("*.txt"))
    if not files:
        raise InputError(str(corpus), "no *.txt documents to take seed measures from; give the sample corpus "
                                      "(data/corpus) with --corpus")
    out: list[SeedSection] = []
    for f in files:
        out.extend(_sections(parse_file(f)))
    return tuple(out)


def _sections(tree: PlanTree) -> Iterable[SeedSection]:
    by_id = {m.id: m for m in tree.measures}
    groups: dict[str, list[DraftTask]] = {}
    titles: dict[str, str] = {}
    for m in tree.measures:
        if m.kind != "task":
            continue
        section = _section_of(m, by_id)
        if section is None:
            continue
        task = clean_task(m)
        if task is not None:
            groups.setdefault(section.id, []).append(task)
            titles[section.id] = section.title
    for sid, tasks in groups.items():
        title = _clean_title(titles[sid])
        if title:
            yield SeedSection(title=title, tasks=tuple(tasks))


def _section_of(m: Measure, by_id: dict[str, Measure]) -> Measure | None:
    node: Measure | None = m
    while node is not None and node.kind != "section":
        node = by_id.get(node.parent_id) if node.parent_id else None
    return node


def _clean_title(title: str) -> str | None:
    title = re.sub(r"\s+", "", _PARENS.sub("", title)).rstrip("。")
    if not 4 <= len(title) <= 30 or _UNWANTED.search(title) or _names_a_place(title):
        return None
    return title


def clean_task(m: Measure) -> DraftTask | None:
    """A task unit as a place-free template, with its targets and the functions of the bodies it names."""
    text = re.sub(r"\s+", "", m.text)
    while (stripped := _PARENS.sub("", text)) != text:
        text = stripped
    sentences: list[str] = []
    targets: list[Target] = []
    for s in _SENTENCE.findall(text):
        if (_UNWANTED.search(s) or _names_a_place(s) or _cjk(s) < (2 if not sentences else _MIN_CJK)
                or reads_as_statement(s)):
            continue
        s, found = _templated(s, len(targets))
        sentences.append(s)
        targets.extend(found)
        if len(sentences) == _MAX_SENTENCES:
            break
    if not sentences or sum(_cjk(s) for s in sentences) < 2 * _MIN_CJK:
        return None
    return DraftTask(sentences=tuple(sentences), targets=tuple(targets), functions=_functions(m, "".join(sentences)))


def _templated(s: str, first: int) -> tuple[str, list[Target]]:
    """Whole-place words, years and targets of one sentence replaced by tokens."""
    s = _whole_place().sub("{全}", s)
    for word in vocab().own_place:
        s = s.replace(word, "{我}")
    s = _YEAR.sub("{年}", s)
    targets: list[Target] = []

    def take(match: re.Match[str], comparator: str) -> str:
        value = float(match["value"])
        if match["unit"] == "%" and comparator == ">=" and value > 100:
            return match.group()
        start = match.start()
        before = s[:start]
        cut = max(before.rfind(c) for c in _METRIC_STOP)
        metric = re.sub(r"^(?:确保|力争|使)|要$", "", before[cut + 1:][-20:])
        targets.append(Target(metric=metric, verb=match["verb"], comparator=comparator,  # type: ignore[arg-type]
                              value=value, unit=match["unit"], tail=match["tail"] or ""))
        return "{T%d}" % (first + len(targets) - 1)

    s = _TARGET_GE.sub(lambda m: take(m, ">="), s)
    s = _TARGET_LE.sub(lambda m: take(m, "<="), s)
    return s, targets


def _functions(m: Measure, body: str) -> tuple[str, ...]:
    """The bodies' functions the unit names (lead first), else the ones its wording implies, else 市场监管."""
    v = vocab()
    known = {a.function for a in v.agencies}
    ordered = sorted(m.agencies, key=lambda a: a.role != "lead")
    found: list[str] = []
    for a in ordered:
        for fn in a.functions:
            if fn in known and fn not in found:
                found.append(fn)
    if not found:
        found = [a.function for a in v.agencies if any(k in body for k in a.keywords)]
    return tuple((found or ["市场监管"])[:5])


@lru_cache(maxsize=1)
def _whole_place() -> re.Pattern[str]:
    """全省 as a word: not the 全 of 安全 / 健全 / 完全 ("食品安全国家标准" names no 全国)."""
    words = "|".join(map(re.escape, vocab().whole_place))
    return re.compile(rf"(?<![安健完齐周])(?:{words})")


@lru_cache(maxsize=1)
def _readers() -> Readers:
    return readers(Jurisdiction(name="西平县", level="county", code="411721", parents=["驻马店市", "河南省"]))


def reads_as_statement(s: str) -> bool:
    """Would the reader take this sentence for a responsibility statement ("组织部门要把…", "由…负责，")?"""
    r = _readers()
    if r.agency_subject(s, 0) or r.leading_clause(s, 0) is not None:
        return True
    comma = s.find("，", 0, 9)
    return comma > 0 and r.leading_clause(s, comma + 1) is not None


def _names_a_place(s: str) -> bool:
    return any(p in s for p in vocab().seed_places) or place_in_heading(s) is not None


def _cjk(s: str) -> int:
    return sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")

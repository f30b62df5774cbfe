"""A draft plan written out as a real document's lines: title, preamble, numbered sections, task units, signature.

The layouts are the ones the sample corpus and ``shared/corpus-real`` show: sections 一、 with items （一） or 1.
(or none: 000's runs of units under each section), several units run together on one line or one per paragraph,
and every responsibility form — （A牵头，B、C配合）, （A牵头，B按职责分工负责）, （责任单位：…）, （牵头部门：…；
配合部门：…）, a 责任单位： line after the unit, a leading 由A负责，B配合， clause. A plan uses one dominant form
(drafters are consistent) with bracket forms mixed in where the form is a bracket. Wrapping, one-line scrapes and
file formats are ``formats``'s business; this module returns logical lines and what each task was written as.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from policygraph.benchmark.model import DraftPlan, DraftTask
from policygraph.benchmark.places import Place
from policygraph.benchmark.vocab import vocab
from policygraph.loaders.jurisdictions import resolve
from policygraph.loaders.model import Level, Role

Numbering = Literal["cn-items", "arabic-items", "sections-only"]
Form = Literal["bracket-support", "bracket-responsible", "bracket-label", "bracket-lead-label", "label-line",
               "leading-clause"]
BRACKET_FORMS: tuple[Form, ...] = ("bracket-support", "bracket-responsible", "bracket-label", "bracket-lead-label")
_FORMS: tuple[tuple[Form, float], ...] = (("bracket-support", 0.25), ("bracket-responsible", 0.25),
                                          ("bracket-label", 0.15), ("bracket-lead-label", 0.1),
                                          ("label-line", 0.1), ("leading-clause", 0.15))
_NUMBERINGS: tuple[tuple[Numbering, float], ...] = (("cn-items", 0.45), ("arabic-items", 0.3),
                                                    ("sections-only", 0.25))
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Style:
    """How a plan writes its structure and its responsibility statements."""

    numbering: Numbering
    form: Form
    arabic_mark: str
    run_on: bool
    mixed: bool


def choose_style(rng: random.Random) -> Style:
    numbering = rng.choices([n for n, _ in _NUMBERINGS], [w for _, w in _NUMBERINGS])[0]
    form = rng.choices([f for f, _ in _FORMS], [w for _, w in _FORMS])[0]
    return Style(numbering=numbering, form=form, arabic_mark=rng.choice((".", "．", "、")),
                 run_on=rng.random() < 0.5, mixed=form in BRACKET_FORMS and rng.random() < 0.5)


@dataclass(frozen=True)
class WrittenAgency:
    name: str
    function: str
    role: Role


@dataclass(frozen=True)
class WrittenTask:
    """A task as written: its text (statement included, number excluded) and where it stands."""

    n: int
    draft: DraftTask
    text: str
    section: str
    item: str | None
    agencies: tuple[WrittenAgency, ...]


@dataclass(frozen=True)
class Written:
    """A rendered plan: its lines (one paragraph each), which of them are headings, and its tasks."""

    title: str
    lines: tuple[str, ...]
    heading_lines: frozenset[int]
    tasks: tuple[WrittenTask, ...]


class PlanVoice:
    """How one plan names itself, its whole jurisdiction and its bodies: 全县, 我县, 县市场监管局, 市教委.

    The forms are the ones plans write, not the ones the loaders happen to resolve: a 自治区 writes 自治区教育厅.
    """

    def __init__(self, place: Place | None, year: int) -> None:
        self.place = place
        self.year = year
        self.level: Level = place.jurisdiction.level if place else "national"
        self.prefix, self.short = _prefix(place)

    def fill(self, template: str, values: dict[str, str]) -> str:
        name = self.place.name if self.place else "全国"
        whole, own = "全" + self.short, "我" + self.short
        out = template.replace("{全}", whole).replace("{我}", own).replace("{地}", name)
        out = out.replace("{年}", str(self.year))
        for key, value in values.items():
            out = out.replace(key, value)
        return out

    def agency(self, function: str) -> str:
        forms = vocab().forms(function)
        if forms is None:
            raise KeyError(function)
        if self.place is None:
            return forms.national
        if self.level == "province":
            return self.prefix + (forms.municipal if self.place.municipality else forms.province)
        return self.prefix + forms.local

    def title(self, rng: random.Random) -> str:
        v = vocab()
        if self.place is None:
            return rng.choice(v.national_titles).replace("{年}", str(self.year))
        return rng.choice(v.local_titles).replace("{年}", str(self.year)).replace("{地}", self._title_place(rng))

    def _title_place(self, rng: random.Random) -> str:
        """The place as a title writes it: 西平县, or 驻马店市西平县 when the name alone is ambiguous (鼓楼区)."""
        assert self.place is not None
        j = self.place.jurisdiction
        alone = resolve(j.name)
        if j.level == "province" or (alone is not None and alone.code == j.code and rng.random() < 0.5):
            return j.name
        return j.parents[0] + j.name

    def signature(self) -> tuple[str, str]:
        issuer = "国务院食品安全委员会办公室" if self.place is None else self.place.name + "食品安全委员会办公室"
        return issuer, f"{self.year}年3月{10 + self.year % 15}日"


def _prefix(place: Place | None) -> tuple[str, str]:
    """How a plan names its own bodies and itself: (省, 省) → 省市场监管局, 全省; (自治区, 区) → 自治区教育厅, 全区.

    A municipality and a city write 市; 自治州 州, 盟 盟, 地区 地区; a county its suffix (县, 区, 旗, 县级市 市).
    """
    if place is None:
        return "", "国"
    name, level = place.name, place.jurisdiction.level
    if level == "province":
        return ("市", "市") if place.municipality else ("自治区", "区") if name.endswith("自治区") else ("省", "省")
    if level == "city":
        for suffix, prefix in (("自治州", "州"), ("盟", "盟"), ("地区", "地区")):
            if name.endswith(suffix):
                return prefix, prefix
        return "市", "市"
    for suffix in ("县", "旗", "区", "市"):
        if name.endswith(suffix):
            return suffix, suffix
    return "县", "县"


def render(draft: DraftPlan, voice: PlanVoice, style: Style, rng: random.Random) -> Written:
    """The plan's logical lines and its tasks, numbered 1… in document order."""
    title = voice.title(rng)
    lines: list[str] = [title, voice.fill(rng.choice(vocab().preambles), {})]
    headings: set[int] = {0}
    tasks: list[WrittenTask] = []
    item_no = 0
    for s_no, section in enumerate(draft.sections, 1):
        sec_label = cn_numeral(s_no)
        headings.add(len(lines))
        lines.append(f"{sec_label}、{voice.fill(section.title, {})}")
        groups = _groups(list(section.tasks), style, rng)
        for group in groups:
            label: str | None = None
            if style.numbering != "sections-only":
                item_no += 1
                label = f"（{cn_numeral(item_no)}）" if style.numbering == "cn-items" else f"{item_no}{style.arabic_mark}"
            segments: list[str] = []
            for task in group:
                text, line, agencies = _statement(task, voice, style, rng)
                tasks.append(WrittenTask(len(tasks) + 1, task, text, sec_label, label, agencies))
                segments.append(text)
                if line is not None:  # the 责任单位： form: each unit, then its own label line
                    segments.append(line)
            if style.form == "label-line":
                lines.append((label or "") + segments[0])
                lines.extend(segments[1:])
            else:
                lines.append((label or "") + "".join(segments))
    lines.extend(voice.signature())
    return Written(title, tuple(lines), frozenset(headings), tuple(tasks))


def _groups(tasks: list[DraftTask], style: Style, rng: random.Random) -> list[list[DraftTask]]:
    """Tasks grouped into items (1–3 an item), or all of a section's when it has no items and runs them on."""
    if style.numbering == "sections-only":
        return [tasks] if style.run_on else [[t] for t in tasks]
    out: list[list[DraftTask]] = []
    while tasks:
        k = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0] if style.run_on or style.form == "label-line" else 1
        out.append(tasks[:k])
        tasks = tasks[k:]
    return out


def _statement(task: DraftTask, voice: PlanVoice, style: Style,
               rng: random.Random) -> tuple[str, str | None, tuple[WrittenAgency, ...]]:
    """The task's text with its responsibility statement, an own line for the 责任单位： form, and who is named."""
    values = {f"{{T{i}}}": t.phrase() for i, t in enumerate(task.targets)}
    body = "".join(voice.fill(s, values) for s in task.sentences)
    names = [voice.agency(f) for f in task.functions]
    lead, others = names[0], "、".join(names[1:])
    form = style.form
    if style.mixed and rng.random() < 0.25:
        form = rng.choice(BRACKET_FORMS)
    if form == "leading-clause":
        clause = f"由{lead}负责，" + (f"{others}配合，" if others else "")
        return clause + body, None, _agencies(task, names, "responsible", "support")
    if form == "label-line":
        return body, "责任单位：" + "、".join(names), _agencies(task, names, "responsible", "responsible")
    if form == "bracket-label":
        return body + f"（责任单位：{'、'.join(names)}）", None, _agencies(task, names, "responsible", "responsible")
    if form == "bracket-lead-label":
        statement = f"牵头部门：{lead}" + (f"；配合部门：{others}" if others else "")
        return body + f"（{statement}）", None, _agencies(task, names, "lead", "support")
    if not others:
        return body + f"（{lead}负责）", None, _agencies(task, names, "responsible", "responsible")
    if form == "bracket-support":
        return body + f"（{lead}牵头，{others}配合）", None, _agencies(task, names, "lead", "support")
    return body + f"（{lead}牵头，{others}按职责分工负责）", None, _agencies(task, names, "lead", "responsible")


def _agencies(task: DraftTask, names: list[str], first: Role, rest: Role) -> tuple[WrittenAgency, ...]:
    """The bodies as written with their roles: the first one's, then the others'."""
    return tuple(WrittenAgency(n, f, first if i == 0 else rest)
                 for i, (n, f) in enumerate(zip(names, task.functions)))


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 31 → 三十一 (up to 99): how plans number sections and items."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")

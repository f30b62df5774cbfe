"""A plan's header from its normalised text: title, kind, year, place and level, issuer, and where the body starts.

The title is found by ``plan_title`` (cover letters, 《》 lines, two-line titles); this module decides the rest:

* **year**: from the title ("2020年西平县…"), else from the plan's own document number on a line of its own
  ("鲁政办发〔2026〕8号", "国发[2021]29号"), else from the signing date of its cover letter ("2021年12月12日"),
  else from the body's opening ("2023年是…") or the full date its preamble starts from ("2020年9月11日，…会议");
* **issuer**: the signing body — a red header ("…文件"), the notice's own issuer ("国务院关于印发…"), an issuer
  line ("X印发《Y》", "省委省政府印发"), the issuer line of a two-line title ("山东省人民政府办公厅" / "关于…"),
  a signature above a date, or the title's "X关于…". A website's 发布机构 never counts: the normaliser has
  deleted the metadata lines, because a site often names itself there;
* **jurisdiction and level**: the place the title or the issuer names (直辖市 bodies are province level:
  上海市科学技术委员会 → 上海市); national for 全国… titles and for 国务院, 国家…, ministries (…部, …总局) with the
  name 中国; a masked place (XX县, x市) keeps its suffix's level; a bare level word ("省治理…实施方案") gives
  that level, placed in the most-named division of that level.

Nothing here raises: structure errors are the parser's to report; a header is always best effort.
The vocabulary lives in ``data/document_kinds.toml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.loaders import jurisdictions as places
from policygraph.loaders.header_vocab import vocab
from policygraph.loaders.model import Jurisdiction, Level
from policygraph.loaders.normalising import NormalisedText
from policygraph.loaders.plan_title import (
    WHOLE_PAREN, HeaderLine, Title, draft_marker, find_title, header_lines, is_body_name, is_heading, kind_of, window,
)

__all__ = ["NATIONAL", "PlanHeader", "detect_header", "kind_of"]

NATIONAL = Jurisdiction(name="中国", level="national", code="100000")
"""The jurisdiction of national plans; named 中国 as users (and the gold) write it."""

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_DOC_NUMBER_LINE = re.compile(r"[^\s，。；：]{0,14}[〔\[［（]\s*((?:19|20)\d{2})\s*[〕\]］）]\s*第?\s*\d+\s*号")
_DATE = r"((?:19|20)\d{2})年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日"
_DATE_LINE = re.compile(_DATE)
_PREAMBLE_DATE = re.compile(_DATE)
_PREAMBLE_REACH = 300
_END_LINES = 6
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class PlanHeader:
    """What a document says about itself before its body. Offsets point into the normalised text."""

    title: str
    title_span: tuple[int, int]
    body_start: int
    kind: str | None
    year: int | None
    jurisdiction: Jurisdiction
    issuer: str | None = None
    draft: bool = False
    body_end: int | None = None
    """Where the closing signature block starts ("山东省人民政府办公厅" / "2026年8月6日" / "（此件公开发布）" at the
    end): not part of any unit. None when the document does not end with one."""


def _body_start(text: str, lines: list[HeaderLine], t: Title) -> tuple[int, bool]:
    """Offset after the title's line and any parenthetical lines under it (（征求意见稿）, （试行）); draft flag."""
    draft = draft_marker(lines[t.line].text) is not None if lines else False
    if t.body_start is not None:
        return t.body_start, draft
    j = t.line + 1
    while j < len(lines) and WHOLE_PAREN.match(lines[j].text):
        draft = draft or draft_marker(lines[j].text) is not None
        j += 1
    return (lines[j].start if j < len(lines) else len(text)), draft


def _cn_years(s: str) -> str:
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(1)) + "年", s)


def _year(title: str, win: list[HeaderLine], opening: str) -> int | None:
    """Title, then the plan's own 文号, then a signing date, then the opening ("2023年是…", or the full date the
    preamble starts from: "2020年9月11日，…电视电话会议" dates a task-division plan)."""
    m = _YEAR.search(_cn_years(title))
    if m:
        return int(m.group(1))
    for pattern in (_DOC_NUMBER_LINE, _DATE_LINE):
        for ln in win:
            m = pattern.fullmatch(_cn_years(ln.text))
            if m:
                return int(m.group(1))
    opening = _cn_years(opening)
    m = re.match(r"\s*((?:19|20)\d{2})\s*年", opening) or _PREAMBLE_DATE.search(opening, 0, _PREAMBLE_REACH)
    return int(m.group(1)) if m else None


def _red_header(win: list[HeaderLine], before: int) -> str | None:
    """003's "西平县人民政府食品安全委员会文件" → the body's name."""
    for ln in win[:before]:
        for suffix in vocab().red_headers:
            if ln.text.endswith(suffix) and 4 <= len(ln.text) <= 40 and is_heading(ln.text):
                return ln.text[: -len(suffix)].strip()
    return None


def _issuing_line(win: list[HeaderLine], title_line: int) -> str | None:
    """001: "省委省政府印发" above the title names who issued it."""
    if not 0 < title_line <= len(win):
        return None
    prev = win[title_line - 1].text
    verb = next((v for v in vocab().issue_verbs if prev.endswith(v)), None)
    if verb and len(verb) < len(prev) <= 40 and "《" not in prev and "。" not in prev:
        return prev[: -len(verb)].strip()
    return None


def _issuer_above(lines: list[HeaderLine], win: list[HeaderLine], t: Title) -> str | None:
    """The issuer of a "X关于…" title printed with it: "山东省人民政府办公厅关于…的意见" on one line, or the
    body's name on the line above a copy of the title ("山东省人民政府办公厅" / "关于…的意见")."""
    if not t.title.startswith("关于"):
        return None
    first = t.line if t.first_line is None else t.first_line
    # the printed copy (the title's own line) first: a breadcrumb's copy above it may be abridged
    candidates = [(first, lines[first].text)] + [(i, ln.text) for i, ln in reversed(list(enumerate(win)))]
    for i, s in candidates:
        if s.endswith(t.title) and len(s) > len(t.title) and is_body_name(s[: -len(t.title)]):
            return s[: -len(t.title)]
        if s == t.title and i > 0 and is_body_name(lines[i - 1].text):
            return lines[i - 1].text
    return None


def _signature(lines: list[HeaderLine], span: range) -> str | None:
    """A body's name on a line of its own right above a date line: how a cover letter or a plan is signed."""
    for i in span:
        if 0 <= i < len(lines) - 1 and is_body_name(lines[i].text) and _DATE_LINE.fullmatch(_cn_years(lines[i + 1].text)):
            return lines[i].text
    return None


def _closing_signature(lines: list[HeaderLine], body_start: int) -> int | None:
    """Offset of a signature block ending the document: a body's name, its date, maybe a publication note."""
    tail = lines[-_END_LINES:]
    for k in range(len(tail) - 1):
        ln = tail[k]
        rest = tail[k + 2:]
        if (ln.start >= body_start and is_body_name(ln.text) and _DATE_LINE.fullmatch(_cn_years(tail[k + 1].text))
                and all(WHOLE_PAREN.match(r.text) or r.text.startswith("（") and len(r.text) <= 12 for r in rest)):
            return ln.start
    return None


def _issuer_of_title(title: str) -> str | None:
    """"国务院办公厅关于…的通知" is issued by 国务院办公厅."""
    idx = title.find("关于")
    return title[:idx] if 2 <= idx <= 30 else None


def _issuer(lines: list[HeaderLine], win: list[HeaderLine], t: Title) -> str | None:
    first = t.line if t.first_line is None else t.first_line
    return (
        _red_header(win, first) or t.issuer or _issuing_line(win, first) or _issuer_above(lines, win, t)
        or _signature(lines, range(first)) or _issuer_of_title(t.title)
        or _signature(lines, range(max(len(win), len(lines) - _END_LINES), len(lines)))
    )


def _is_national(title: str, issuer: str | None) -> bool:
    """全国… titles; issuers 国务院…, 国家…, or a ministry that names no place or level (财政部, 海关总署)."""
    v = vocab()
    if title.startswith(v.national_titles):
        return True
    if not issuer:
        return False
    if issuer.startswith(v.national):
        return True
    leveled = any(issuer.startswith(p) for p in v.issuer_levels)
    return not leveled and issuer.endswith(v.national_suffixes) and places.place_in_heading(issuer) is None


def _level_word(s: str | None) -> Level | None:
    """The level a leading bare level word gives: "省委省政府" → province, "省治理…" → province."""
    if not s or s.startswith(vocab().level_word_exceptions):
        return None
    return next((lv for p, lv in sorted(vocab().issuer_levels.items(), key=lambda kv: -len(kv[0]))
                 if s.startswith(p)), None)


def _jurisdiction(title: str, issuer: str | None, text: str) -> Jurisdiction:
    """The place the title names; else the issuer's; else national; else a level word's most named place."""
    for s in (title, issuer or ""):
        found = places.place_in_heading(s, text)
        if found:
            return found
    if _is_national(title, issuer):
        return NATIONAL
    level = _level_word(issuer) or _level_word(title)
    levels: tuple[Level, ...] = (level, "province") if level else ("province",)
    for lv in levels:
        name = places.most_named(text, lv)
        resolved = places.resolve(name, [text]) if name else None
        if resolved:
            return resolved
    return NATIONAL


def _qualify_issuer(issuer: str, j: Jurisdiction) -> str:
    """"省委省政府" in 河北省 → "河北省委省政府": the place a level-only issuer implies, prepended."""
    if issuer and not j.anonymised and j.level != "national" and issuer[0] in "省市县区" and j.name.endswith(issuer[0]):
        return j.name + issuer[1:]
    return issuer


def title_as_written(norm: NormalisedText, decoded: str, start: int, end: int) -> str:
    """The title as the document prints it: its own script (繁體 kept), and a space the writer put between two
    phrases kept ("关于进一步深化改革创新 加快科技服务业…"), which the normaliser drops between CJK characters.
    A letter-spaced title ("食 品 安 全") keeps none; the break of a two-line title joins with nothing."""
    text = norm.text
    written = norm.written if norm.written is not None else text
    gaps = [i for i in range(start + 1, end)
            if text[i] != "\n" and text[i - 1] != "\n" and norm.origin[i] > norm.origin[i - 1] + 1
            and decoded[norm.origin[i - 1] + 1: norm.origin[i]].strip(" \u3000\t") == ""]
    spaced = set(gaps) if len(gaps) * 4 <= max(1, end - start) else set()
    out: list[str] = []
    for i in range(start, end):
        if text[i] == "\n":
            continue
        if i in spaced and _CJK_CHAR.match(text[i]) and _CJK_CHAR.match(text[i - 1]):
            out.append(" ")
        out.append(written[i])
    return "".join(out)


def detect_header(text: str | NormalisedText, decoded: str | None = None) -> PlanHeader:
    """The header of a whole normalised document; never raises, always gives a best-effort answer.

    Given the ``NormalisedText`` and the decoded text it came from, the title is given as written (see
    :func:`title_as_written`); given the normalised string alone, it is the normalised characters.

    >>> h = detect_header("河北区2022年食品安全监督管理计划\\n（征求意见稿）\\n2022年全区…\\n一、…")
    >>> (h.title, h.kind, h.year, h.draft, h.jurisdiction.parents)
    ('河北区2022年食品安全监督管理计划', '监督管理计划', 2022, True, ['天津市'])
    """
    norm = text if isinstance(text, NormalisedText) else None
    s = norm.text if norm is not None else str(text)
    lines = header_lines(s)
    t = find_title(lines)
    if t is None:
        return PlanHeader("", (0, 0), 0, None, None, _jurisdiction("", None, s))
    body_start, draft = _body_start(s, lines, t)
    win = window(lines)
    issuer = _issuer(lines, win, t)
    jurisdiction = _jurisdiction(t.title, issuer, s)
    title = t.title
    if norm is not None and decoded is not None:
        title = title_as_written(norm, decoded, t.start, t.end)
    return PlanHeader(
        title=title,
        title_span=(t.start, t.end),
        body_start=body_start,
        kind=kind_of(t.title),
        year=_year(t.title, win, s[body_start: body_start + _PREAMBLE_REACH]),
        jurisdiction=jurisdiction,
        issuer=_qualify_issuer(issuer, jurisdiction) if issuer else None,
        draft=draft,
        body_end=_closing_signature(lines, body_start),
    )

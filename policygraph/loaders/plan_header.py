"""Find a plan's header in its normalised text: title, kind, year, place, issuer, and where the body starts.

Documents arrive in several layouts and the title is not always the first line:

* the title alone on the first line, maybe with a draft marker below it (002: "河北区2022年食品安全监督管理计划"
  then "（征求意见稿）");
* a header line naming the issuer, then the title in 《…》 (001: "省委省政府印发" / "《关于…的若干措施》");
* a cover letter (003): red header "…文件", document number, "…关于印发X的通知", addressees, "《X》已经…现印发给
  你们", and only then X on its own line. The notice names the title it prints, so X is the title and the body
  starts after it, skipping the letter;
* a web page whose first line is a preview of the whole text ending "..." (000): not a heading, so skipped.

Nothing here raises: structure errors are the parser's to report; a header is always best effort.
The vocabulary (kinds, draft markers, issue verbs) lives in ``data/document_kinds.toml``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from policygraph.loaders import jurisdictions as places
from policygraph.loaders.model import LEVEL_RANK, Jurisdiction, Level

NATIONAL = Jurisdiction(name="中华人民共和国", level="national", code="100000")

_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.．、](?!\d))")
_DOC_NUMBER = re.compile(r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
_SENTENCE_END = ("。", "；", ";", "，", ",", "：", ":", "…", "...", "！", "？")
_NOTICE = re.compile(r"(?:印发|转发|下发|发布)(?:了)?《?(?P<t>[^《》。；]{4,120}?)》?的通知")
_TRAILING_PARENS = re.compile(r"(?:（[^（）]{0,30}）)+$")
_WHOLE_PAREN = re.compile(r"^（[^（）]{1,30}）$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_WINDOW = 40


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


@dataclass(frozen=True)
class _Vocab:
    kinds: tuple[str, ...]  # longest first
    drafts: tuple[str, ...]
    issue_verbs: tuple[str, ...]
    red_headers: tuple[str, ...]
    national: tuple[str, ...]
    issuer_levels: dict[str, Level] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    raw = tomllib.loads(resources.files("policygraph").joinpath("data/document_kinds.toml").read_text("utf-8"))
    by_len = lambda xs: tuple(sorted(set(xs), key=lambda s: (-len(s), s)))  # noqa: E731
    return _Vocab(
        kinds=by_len(raw["kinds"]),
        drafts=by_len(raw["draft_markers"]),
        issue_verbs=by_len(raw["issue_verbs"]),
        red_headers=by_len(raw["red_header_suffixes"]),
        national=by_len(raw["national_issuer_prefixes"]),
        issuer_levels={k: v for k, v in raw["issuer_level_prefixes"].items() if v in LEVEL_RANK},
    )


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Title:
    title: str
    start: int
    end: int
    line: int  # index of the line holding the title
    body_start: int | None = None  # when the body goes on in the title's own line (001 joined)
    issuer: str | None = None


def _lines(text: str) -> list[_Line]:
    """Non-blank lines with offsets of their stripped content."""
    out: list[_Line] = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            out.append(_Line(m.start() + lead, m.start() + lead + len(body), body))
    return out


def _window(lines: list[_Line]) -> list[_Line]:
    """The lines before the first section heading (一、/（一）/1.): the header is among them."""
    for i, ln in enumerate(lines[:_WINDOW]):
        if _SECTION.match(ln.text):
            return lines[:i]
    return lines[:_WINDOW]


def _draft_marker(s: str) -> str | None:
    """The parenthesised draft marker ending ``s``, as written with its brackets, or None."""
    for marker in _vocab().drafts:
        m = re.search(rf"[（(]\s*{re.escape(marker)}\s*[）)]$", s)
        if m:
            return m.group()
    return None


def kind_of(title: str) -> str | None:
    """The document kind a title ends with, longest first, ignoring a trailing （试行）-like parenthetical."""
    core = _TRAILING_PARENS.sub("", title)
    return next((k for k in _vocab().kinds if core.endswith(k)), None)


def _is_heading(s: str) -> bool:
    """A complete short heading: no sentence punctuation at its end or inside, not a number or a section."""
    return (
        2 <= len(s) <= 80
        and not s.endswith(_SENTENCE_END)
        and "。" not in s
        and not _SECTION.match(s)
        and not _DOC_NUMBER.search(s)
        and not _WHOLE_PAREN.match(s)
        and len(re.findall(r"[\u4e00-\u9fff]", s)) >= 2
    )


def _title_in_line(lines: list[_Line], i: int) -> _Title:
    """The title a heading line holds: 《》 and a trailing draft marker are not part of it."""
    ln = lines[i]
    s, start = ln.text, ln.start
    marker = _draft_marker(s)
    if marker:
        s = s[: -len(marker)].rstrip()
    if s.startswith("《") and s.endswith("》") and len(s) > 2:
        s, start = s[1:-1], start + 1
    return _Title(s, start, start + len(s), i)


def _from_cover_letter(lines: list[_Line], window: list[_Line]) -> _Title | None:
    """003: "…关于印发X的通知" names X; X printed on its own line later is the title."""
    for i, ln in enumerate(window):
        m = _NOTICE.search(ln.text) if _is_heading(ln.text) else None
        if not m or "《" in ln.text[: m.start()]:
            if _is_heading(ln.text) and kind_of(_title_in_line(lines, i).title):
                return None  # a plain title comes first: a notice quoted below it is not a cover letter
            continue
        named = m.group("t").strip()
        prefix = ln.text[: m.start()].removesuffix("关于").strip()
        issuer = prefix if 2 <= len(prefix) <= 40 else None
        last_quote = i
        for j in range(i + 1, min(len(lines), i + _WINDOW)):
            t = _title_in_line(lines, j)
            if named in (t.title, _TRAILING_PARENS.sub("", t.title)):
                return _Title(t.title, t.start, t.end, j, issuer=issuer)
            if f"《{named}》" in lines[j].text:
                last_quote = j
        # The notice does not print its attachment here: the named title, found inside the notice line.
        start = ln.start + m.start("t")
        return _Title(named, start, start + len(named), last_quote, issuer=issuer)
    return None


def _from_headings(lines: list[_Line], window: list[_Line]) -> _Title | None:
    """First complete heading ending with a document kind (plain or in 《》)."""
    for i in range(len(window)):
        if _is_heading(window[i].text):
            t = _title_in_line(lines, i)
            if kind_of(t.title):
                return t
    return None


def _from_guillemets(window: list[_Line]) -> _Title | None:
    """001 joined: "《关于…若干措施》食品抽检…" opens a line; the issuer line above ends with 印发."""
    for i, ln in enumerate(window):
        m = re.match(r"《([^《》]{4,120})》", ln.text)
        if not m or not (kind_of(m.group(1)) or m.end() == len(ln.text)):
            continue
        rest = ln.text[m.end():]
        body = None if not rest.strip() or _draft_marker(rest.strip()) else ln.start + m.end()
        return _Title(m.group(1), ln.start + 1, ln.start + 1 + len(m.group(1)), i, body_start=body)
    return None


def _issuing_line(window: list[_Line], title_line: int) -> str | None:
    """001: "省委省政府印发" above the title names who issued it."""
    if not 0 < title_line <= len(window):
        return None
    prev = window[title_line - 1].text
    verb = next((v for v in _vocab().issue_verbs if prev.endswith(v)), None)
    if verb and len(verb) < len(prev) <= 40 and _is_heading(prev):
        return prev[: -len(verb)].strip()
    return None


def _fallback(lines: list[_Line], window: list[_Line]) -> _Title | None:
    """Any complete heading that is not a red header; else the first line, cut at its first stop."""
    reds = _vocab().red_headers
    for i, ln in enumerate(window):
        if _is_heading(ln.text) and not ln.text.endswith(reds):
            return _title_in_line(lines, i)
    if not lines:
        return None
    first = lines[0]
    cut = re.split(r"[。；！？\n]", first.text, maxsplit=1)[0][:80]
    return _Title(cut, first.start, first.start + len(cut), 0)


def _find_title(lines: list[_Line]) -> _Title | None:
    window = _window(lines)
    return (
        _from_cover_letter(lines, window)
        or _from_headings(lines, window)
        or _from_guillemets(window)
        or _fallback(lines, window)
    )


def _body_start(text: str, lines: list[_Line], t: _Title) -> tuple[int, bool]:
    """Offset after the title's line and any parenthetical lines under it (（征求意见稿）, （试行）); draft flag."""
    draft = _draft_marker(lines[t.line].text) is not None if lines else False
    if t.body_start is not None:
        return t.body_start, draft
    j = t.line + 1
    while j < len(lines) and _WHOLE_PAREN.match(lines[j].text):
        draft = draft or _draft_marker(lines[j].text) is not None
        j += 1
    return (lines[j].start if j < len(lines) else len(text)), draft


def _year(title: str, opening: str) -> int | None:
    """From the title first ("2020年西平县…"), else from the body's opening ("2023年是…")."""
    for s, anchored in ((title, False), (opening, True)):
        s = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(1)) + "年", s)
        m = re.match(r"\s*((?:19|20)\d{2})\s*年", s) if anchored else _YEAR.search(s)
        if m:
            return int(m.group(1))
    return None


def _red_header(window: list[_Line], before: int) -> str | None:
    """003's "西平县人民政府食品安全委员会文件" → the body's name."""
    for ln in window[:before]:
        for suffix in _vocab().red_headers:
            if ln.text.endswith(suffix) and 4 <= len(ln.text) <= 40 and _is_heading(ln.text):
                return ln.text[: -len(suffix)].strip()
    return None


def _issuer_of_title(title: str) -> str | None:
    """"国务院办公厅关于…的通知" is issued by 国务院办公厅."""
    idx = title.find("关于")
    return title[:idx] if 2 <= idx <= 30 else None


def _jurisdiction(title: str, issuer: str | None, text: str) -> Jurisdiction:
    """The place the title names; else the issuer's; else the issuer's level and the most named such place."""
    vocab = _vocab()
    for s in (title, issuer or ""):
        found = places.place_in_heading(s, text)
        if found:
            return found
    if issuer and issuer.startswith(vocab.national):
        return NATIONAL
    level = next((lv for p, lv in sorted(vocab.issuer_levels.items(), key=lambda kv: -len(kv[0]))
                  if issuer and issuer.startswith(p)), None)
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


def detect_header(text: str) -> PlanHeader:
    """The header of a whole normalised document; never raises, always gives a best-effort answer.

    >>> h = detect_header("河北区2022年食品安全监督管理计划\\n（征求意见稿）\\n2022年全区…\\n一、…")
    >>> (h.title, h.kind, h.year, h.draft, h.jurisdiction.parents)
    ('河北区2022年食品安全监督管理计划', '监督管理计划', 2022, True, ['天津市'])
    """
    lines = _lines(text)
    t = _find_title(lines)
    if t is None:
        return PlanHeader("", (0, 0), 0, None, None, _jurisdiction("", None, text))
    body_start, draft = _body_start(text, lines, t)
    opening = text[body_start: body_start + 40]
    window = _window(lines)
    issuer = _red_header(window, t.line) or t.issuer or _issuing_line(window, t.line) or _issuer_of_title(t.title)
    jurisdiction = _jurisdiction(t.title, issuer, text)
    return PlanHeader(
        title=t.title,
        title_span=(t.start, t.end),
        body_start=body_start,
        kind=kind_of(t.title),
        year=_year(t.title, opening),
        jurisdiction=jurisdiction,
        issuer=_qualify_issuer(issuer, jurisdiction) if issuer else None,
        draft=draft,
    )

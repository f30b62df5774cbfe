"""Find a plan's own title among the lines before its body (used by ``plan_header``).

Documents arrive in several layouts and the title is not always the first line:

* the title alone on the first line, maybe with a draft marker below it (002: "河北区2022年食品安全监督管理计划"
  then "（征求意见稿）"), or a period on the line below it, which belongs to it ("上海市…三年行动计划" then
  "（2021-2023年）");
* a title wrapped over two lines ("关于进一步深化改革创新" / "加快科技服务业高质量发展的若干意见");
* a header line naming the issuer, then the title in 《…》 (001: "省委省政府印发" / "《关于…的若干措施》"), or both
  on one line ("上海市人民政府办公厅印发《关于…的若干意见》");
* a cover letter (003): "…关于印发X的通知" (possibly over two lines: "国务院关于印发" / "X的通知"), or only
  "现将《X》印发给你们" in its text, and only then X on its own line. The letter names the title it prints, so X
  is the title and the body starts after it, skipping the letter;
* a web page whose first line is a preview of the whole text ending "..." (000): not a heading, so skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.loaders.header_vocab import vocab

_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.．、](?!\d))")
_DOC_NUMBER = re.compile(r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
_SENTENCE_END = ("。", "；", ";", "，", ",", "：", ":", "…", "...", "！", "？")
_NOTICE = re.compile(r"(?:印发|转发|下发|发布)(?:了)?《?(?P<t>[^《》。；]{4,120}?)》?的通知")
_COVER_PHRASE = re.compile(r"《(?P<t>[^《》]{4,120})》[^《》。]{0,12}?(?:印发|转发|下发)给")
_ISSUED_LINE = re.compile(r"(?P<issuer>[^《》。，；]{2,40}?)(?:联合印发|印发|转发|发布)《(?P<t>[^《》]{4,120})》")
TRAILING_PARENS = re.compile(r"(?:（[^（）]{0,30}）)+$")
WHOLE_PAREN = re.compile(r"^（[^（）]{1,30}）$")
_PERIOD_PAREN = re.compile(r"^（[^（）]*\d{4}[^（）]*）$|^（试行）$|^（暂行）$")
_OPENS_TITLE = re.compile(r"^(?:关于|《|(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}年)")
WINDOW = 40


@dataclass(frozen=True)
class HeaderLine:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Title:
    title: str
    start: int
    end: int
    line: int  # index of the (last) line holding the title
    body_start: int | None = None  # when the body goes on in the title's own line (001 joined)
    issuer: str | None = None
    first_line: int | None = None  # a title over two lines starts here


def header_lines(text: str) -> list[HeaderLine]:
    """Non-blank lines with offsets of their stripped content."""
    out: list[HeaderLine] = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            out.append(HeaderLine(m.start() + lead, m.start() + lead + len(body), body))
    return out


def window(lines: list[HeaderLine]) -> list[HeaderLine]:
    """The lines before the first section heading (一、/（一）/1.): the header is among them."""
    for i, ln in enumerate(lines[:WINDOW]):
        if _SECTION.match(ln.text):
            return lines[:i]
    return lines[:WINDOW]


def draft_marker(s: str) -> str | None:
    """The parenthesised draft marker ending ``s``, as written with its brackets, or None."""
    for marker in vocab().drafts:
        m = re.search(rf"[（(]\s*{re.escape(marker)}\s*[）)]$", s)
        if m:
            return m.group()
    return None


def kind_of(title: str) -> str | None:
    """The document kind a title ends with, longest first, ignoring a trailing （试行）-like parenthetical."""
    core = TRAILING_PARENS.sub("", title)
    return next((k for k in vocab().kinds if core.endswith(k)), None)


def is_heading(s: str) -> bool:
    """A complete short heading: no sentence punctuation at its end or inside, not a number or a section."""
    return (
        2 <= len(s) <= 80
        and not s.endswith(_SENTENCE_END)
        and "。" not in s
        and not _SECTION.match(s)
        and not _DOC_NUMBER.search(s)
        and not WHOLE_PAREN.match(s)
        and len(re.findall(r"[\u4e00-\u9fff]", s)) >= 2
    )


def is_body_name(s: str) -> bool:
    """A line that names an issuing body and nothing else: "山东省人民政府办公厅", "上海市科学技术委员会"."""
    return 2 <= len(s) <= 40 and is_heading(s) and s.endswith(vocab().body_suffixes) and not kind_of(s)


def title_in_line(lines: list[HeaderLine], i: int) -> Title:
    """The title a heading line holds: 《》 and a trailing draft marker are not part of it."""
    ln = lines[i]
    s, start = ln.text, ln.start
    marker = draft_marker(s)
    if marker:
        s = s[: -len(marker)].rstrip()
    if s.startswith("《") and s.endswith("》") and len(s) > 2:
        s, start = s[1:-1], start + 1
    return Title(s, start, start + len(s), i)


def _notice_lines(win: list[HeaderLine]) -> list[tuple[int, str, int]]:
    """Each window line as (index, text, offset of text[0]); a notice broken after its verb ("国务院关于印发"
    then "X的通知") is also offered joined, keyed by its second line."""
    out = [(i, 1, ln.text, ln.start) for i, ln in enumerate(win)]
    for i in range(len(win) - 1):
        a, b = win[i].text, win[i + 1].text
        if a.endswith(("印发", "转发", "下发")) and b.endswith("的通知") and len(a) + len(b) <= 120:
            out.append((i + 1, 0, a + b, win[i + 1].start - len(a)))
    return [(i, s, offset) for i, _, s, offset in sorted(out, key=lambda item: item[:2])]


def _from_cover_letter(lines: list[HeaderLine], win: list[HeaderLine]) -> Title | None:
    """003: "…关于印发X的通知" (or "现将《X》印发给你们") names X; X printed on its own line later is the title."""
    plain: str | None = None  # a plain title seen before any notice
    for i, s, offset in _notice_lines(win):
        m = _NOTICE.search(s) if is_heading(s) else None
        phrase = None if m else _COVER_PHRASE.search(s)
        if (not m or "《" in s[: m.start()]) and not phrase:
            if plain is None and is_heading(s) and kind_of(title_in_line(lines, i).title):
                plain = title_in_line(lines, i).title
            continue
        found = m or phrase
        assert found is not None
        named = found.group("t").strip()
        if plain is not None and plain != named:
            return None  # a plain title comes first: a notice quoted below it is not a cover letter
        prefix = s[: m.start()].removesuffix("关于").strip() if m else ""
        issuer = prefix if 2 <= len(prefix) <= 40 else None
        last_quote = i
        for j in range(i + 1, min(len(lines), i + WINDOW)):
            t = title_in_line(lines, j)
            if named in (t.title, TRAILING_PARENS.sub("", t.title)):
                return Title(t.title, t.start, t.end, j, issuer=issuer)
            if f"《{named}》" in lines[j].text:
                last_quote = j
        if phrase:
            continue  # the letter's text names a document it does not print: not this plan's title
        # The notice does not print its attachment here: the named title, found inside the notice line.
        start = offset + found.start("t")
        return Title(named, start, start + len(named), last_quote, issuer=issuer)
    return None


def _from_issued_line(win: list[HeaderLine]) -> Title | None:
    """"上海市人民政府办公厅印发《关于…的若干意见》" as a whole line: the issuer, then the title in 《》."""
    for i, ln in enumerate(win):
        m = _ISSUED_LINE.fullmatch(ln.text)
        if m and kind_of(m.group("t")):
            start = ln.start + m.start("t")
            return Title(m.group("t"), start, start + len(m.group("t")), i, issuer=m.group("issuer").strip())
    return None


def _from_headings(lines: list[HeaderLine], win: list[HeaderLine]) -> Title | None:
    """First complete heading ending with a document kind (plain or in 《》), joined to its first half when
    the title was wrapped over two lines."""
    for i in range(len(win)):
        if is_heading(win[i].text):
            t = title_in_line(lines, i)
            if kind_of(t.title):
                return _wrapped(lines, t)
    return None


def _wrapped(lines: list[HeaderLine], t: Title) -> Title:
    """"关于进一步深化改革创新" + "加快科技服务业高质量发展的若干意见": the line above opens a title (关于, 《, a
    year or a place), is a heading without a kind and names no body; the title line itself opens nothing."""
    from policygraph.loaders.jurisdictions import opens_with_place

    i = t.line
    if i == 0 or t.start != lines[i].start or _OPENS_TITLE.match(t.title) or opens_with_place(t.title):
        return t
    prev = lines[i - 1].text
    if not is_heading(prev) or kind_of(prev) or is_body_name(prev) or prev.endswith(vocab().issue_verbs):
        return t
    if prev.endswith(vocab().red_headers) or len(prev) + len(t.title) > 80:
        return t
    if not (_OPENS_TITLE.match(prev) or opens_with_place(prev)):
        return t
    return Title(prev + t.title, lines[i - 1].start, t.end, i, issuer=t.issuer, first_line=i - 1)


def _from_guillemets(win: list[HeaderLine]) -> Title | None:
    """001 joined: "《关于…若干措施》食品抽检…" opens a line; the issuer line above ends with 印发."""
    for i, ln in enumerate(win):
        m = re.match(r"《([^《》]{4,120})》", ln.text)
        if not m or not (kind_of(m.group(1)) or m.end() == len(ln.text)):
            continue
        rest = ln.text[m.end():]
        body = None if not rest.strip() or draft_marker(rest.strip()) else ln.start + m.end()
        return Title(m.group(1), ln.start + 1, ln.start + 1 + len(m.group(1)), i, body_start=body)
    return None


def _fallback(lines: list[HeaderLine], win: list[HeaderLine]) -> Title | None:
    """Any complete heading that is not a red header; else the first line, cut at its first stop."""
    reds = vocab().red_headers
    for i, ln in enumerate(win):
        if is_heading(ln.text) and not ln.text.endswith(reds):
            return title_in_line(lines, i)
    if not lines:
        return None
    first = lines[0]
    cut = re.split(r"[。；！？\n]", first.text, maxsplit=1)[0][:80]
    return Title(cut, first.start, first.start + len(cut), 0)


def with_period(lines: list[HeaderLine], t: Title) -> Title:
    """A period or trial marker on the line under the title is part of it: "…行动计划" + "（2021-2023年）"."""
    j = t.line + 1
    if t.body_start is None and j < len(lines) and _PERIOD_PAREN.match(lines[j].text) and not draft_marker(lines[j].text):
        return Title(t.title + lines[j].text, t.start, lines[j].end, j, issuer=t.issuer,
                     first_line=t.line if t.first_line is None else t.first_line)
    return t


def _printed_copy(lines: list[HeaderLine], win: list[HeaderLine], t: Title) -> Title:
    """The last copy of the title before the body: a web page repeats it (page title, breadcrumb, then the
    printed "山东省人民政府办公厅" / "关于…的意见"), and the body starts only after the printed one."""
    if t.first_line is not None or t.body_start is not None:
        return t
    for j in range(len(win) - 1, t.line, -1):
        s = win[j].text
        if s == t.title or (s.endswith(t.title) and is_body_name(s[: -len(t.title)])):
            start = win[j].end - len(t.title)
            return Title(t.title, start, win[j].end, j, issuer=t.issuer)
    return t


def find_title(lines: list[HeaderLine]) -> Title | None:
    win = window(lines)
    t = _from_cover_letter(lines, win) or _from_issued_line(win)
    if t is None:
        t = _from_headings(lines, win) or _from_guillemets(win) or _fallback(lines, win)
        t = _printed_copy(lines, win, t) if t else None
    return with_period(lines, t) if t else None

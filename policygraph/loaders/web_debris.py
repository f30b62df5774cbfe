"""Web-scrape debris: the page furniture a crawler saved around a plan, found as spans to delete.

A plan copied from a government site arrives wrapped in the site: metadata lines ("发布日期：2026-08-26",
"发布机构：…", "原文链接：http…", "浏览次数："), a breadcrumb ("当前位置：首页 > 改革政策"), a font-size bar
("字体：[大中小]"), HTML comment markers ("begin-->", "end-->"), download lists ("【原文下载】" and the file
names under it) and share buttons ("分享到"). Scrapers often put each page element on a line of its own, so a
label and its value, or each piece of a breadcrumb, may sit on separate lines (C1: "当前位置：" "首页" ">" …).

None of this is the document: it must never become the title, a unit or a citation. The normaliser deletes the
spans returned here (line breaks excepted, so line numbers hold) and keeps its offset map. The vocabulary is in
``data/debris.toml`` under ``[web]``; this module only knows the shapes (label + colon, pieces + separators).
"""
from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from policygraph.loaders.spans import Span, merge_spans


_MAX_VALUE_CHARS = 40  # a value on its own line is short: a date, a count, a body's name
_MAX_PIECE_CHARS = 15  # one breadcrumb piece: 首页, 改革政策, 政府信息公开
_MAX_FILE_LINE = 160
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SIZE = re.compile(r"\s*[（(]?\s*\d+(?:\.\d+)?\s*[KMG]?B\s*[）)]?$", re.IGNORECASE)
_NUMBERED = re.compile(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、](?!\d)")


@dataclass(frozen=True)
class _Vocab:
    label_line: re.Pattern[str]  # metadata label + colon, the value after it in group "value"
    crumb_line: re.Pattern[str]
    separators: frozenset[str]
    font_line: re.Pattern[str]
    font_tokens: re.Pattern[str]
    whole_lines: frozenset[str]
    prefixes: tuple[str, ...]
    markers: re.Pattern[str]
    suffixes: tuple[str, ...]
    trigger: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    with resources.files("policygraph").joinpath("data/debris.toml").open("rb") as fh:
        conf = tomllib.load(fh)["web"]
    colon = r"\s*[：:]"
    tokens = _alternation(conf["font_tokens"])
    return _Vocab(
        label_line=re.compile(rf"(?:{_alternation(conf['metadata_labels'])}){colon}\s*(?P<value>.*)"),
        crumb_line=re.compile(rf"(?:{_alternation(conf['breadcrumb_labels'])})(?:{colon})?\s*(?P<value>.*)"),
        separators=frozenset(conf["breadcrumb_separators"]),
        font_line=re.compile(rf"(?:{_alternation(conf['font_labels'])})(?:{colon})?\s*(?P<value>(?:\s*(?:{tokens}))*)\s*"),
        font_tokens=re.compile(rf"(?:\s*(?:{tokens}))+\s*"),
        whole_lines=frozenset(w.replace(" ", "") for w in conf["whole_lines"]),
        prefixes=tuple(conf["line_prefixes"]),
        markers=re.compile("|".join(re.escape(m) for m in conf["comment_markers"])),
        suffixes=tuple(s.lower() for s in conf["download_suffixes"]),
        # Every debris run's first row holds one of these words: rows without any are skipped unread.
        trigger=re.compile("|".join([
            _alternation([*conf["metadata_labels"], *conf["breadcrumb_labels"], *conf["font_labels"],
                          *conf["line_prefixes"], *conf["comment_markers"],
                          *(w.replace(" ", "") for w in conf["whole_lines"]), *conf["download_suffixes"]]),
            r"https?:|www\.",
        ]).lower()),  # matched against the lowered text
    )


@dataclass(frozen=True)
class _Row:
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    text: str  # the line stripped


# Longer rows are never debris (a breadcrumb with a long page title is the longest seen: ~100 characters).
_MAX_ROW = 300
# A short line of spaced-out characters ("分 享 到"): its trigger word only shows once the spaces are gone.
_SPACED = re.compile(r"^(?:\S ){2,8}\S$", re.MULTILINE)


def _rows(text: str) -> list[_Row]:
    rows: list[_Row] = []
    pos = 0
    for raw in text.split("\n"):
        body = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        rows.append(_Row(pos + lead, pos + lead + len(body), body))
        pos += len(raw) + 1
    return rows


def debris_spans(text: str) -> list[Span]:
    """Sorted spans of web debris in ``text``: whole debris lines (their content) and comment markers.

    >>> t = "当前位置：首页 > 通知公告\\n发布日期：\\n2024-05-01\\n某某县2024年工作要点"
    >>> [t[a:b] for a, b in debris_spans(t)]
    ['当前位置：首页 > 通知公告', '发布日期：', '2024-05-01']
    """
    v = _vocab()
    spans = [(m.start(), m.end()) for m in v.markers.finditer(text)]
    # Rows holding a trigger word, found in one scan of the text (the spaced-out ones by a second): every
    # other row is a line of the plan and is skipped unread, the common case.
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    hit = {bisect_right(starts, m.start()) - 1 for m in v.trigger.finditer(text.lower())}
    hit |= {bisect_right(starts, m.start()) - 1 for m in _SPACED.finditer(text)}
    if not hit:
        return spans
    rows = _rows(text)
    i = 0
    while i < len(rows):
        row = rows[i]
        if i not in hit or len(row.text) > _MAX_ROW:
            i += 1
            continue
        text_of = _unmarked(row.text, v)
        taken = _debris_run(rows, i, text_of, v)
        for j in range(i, i + taken):
            if rows[j].text:
                spans.append((rows[j].start, rows[j].end))
        i += max(taken, 1)
    return merge_spans(spans)


def _unmarked(s: str, v: _Vocab) -> str:
    return v.markers.sub("", s).strip()


def _debris_run(rows: list[_Row], i: int, s: str, v: _Vocab) -> int:
    """How many rows from ``i`` are debris (0 when row ``i`` is not)."""
    if not s:
        return 0
    if s.replace(" ", "") in v.whole_lines or s.startswith(v.prefixes) or _is_file_or_url(s, v):
        return 1
    m = v.crumb_line.fullmatch(s)
    if m:
        return 1 + (_crumb_pieces(rows, i + 1, v) if not m.group("value") else 0)
    m = v.font_line.fullmatch(s)
    if m:
        return 1 + (_font_pieces(rows, i + 1, v) if "]" not in s and "】" not in s else 0)
    m = v.label_line.match(s)
    if m:
        if m.group("value").strip() or i + 1 >= len(rows):
            return 1
        nxt = _unmarked(rows[i + 1].text, v)
        return 2 if _is_value(nxt, rows, i + 1, v) else 1
    return 0


def _is_value(s: str, rows: list[_Row], i: int, v: _Vocab) -> bool:
    """A metadata value standing alone on the line after its label: short, no sentence, no heading, no label."""
    return (0 < len(s) <= _MAX_VALUE_CHARS and "。" not in s and "；" not in s and not _NUMBERED.match(s)
            and _debris_run(rows, i, s, v) == 0)


def _crumb_pieces(rows: list[_Row], i: int, v: _Vocab) -> int:
    """Rows of a breadcrumb split one piece per line: piece (separator piece)*, each piece short."""
    taken = 0
    expect_piece = True
    while i + taken < len(rows):
        s = _unmarked(rows[i + taken].text, v)
        if not s:
            break
        if expect_piece:
            following = _unmarked(rows[i + taken + 1].text, v) if i + taken + 1 < len(rows) else ""
            first_without_separator = taken == 0 and following not in v.separators and s != "首页"
            if len(s) > _MAX_PIECE_CHARS or "。" in s or first_without_separator:
                break
        elif s not in v.separators:
            break
        taken += 1
        expect_piece = not expect_piece
    return taken


def _font_pieces(rows: list[_Row], i: int, v: _Vocab) -> int:
    """Rows of a font bar split one size per line ("大" "中" "小" "]")."""
    taken = 0
    while i + taken < len(rows):
        s = _unmarked(rows[i + taken].text, v)
        if not s or not v.font_tokens.fullmatch(s):
            break
        taken += 1
        if "]" in s or "】" in s:
            break
    return taken


def _is_file_or_url(s: str, v: _Vocab) -> bool:
    """A line that is only a link, or only an attachment's file name ("…的通知.pdf", maybe with its size)."""
    if _URL_LINE.fullmatch(s):
        return True
    core = _SIZE.sub("", s).lower()
    return len(s) <= _MAX_FILE_LINE and "。" not in s and core.endswith(v.suffixes) and len(core) > 4

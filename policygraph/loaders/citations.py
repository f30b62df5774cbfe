"""Cited laws, regulations and plans in one task unit: every 《…》 title, and higher plans named bare.

A citation links a county task to the statute or the higher plan it implements, so the kind matters
to an auditor (a 法律 binds differently from a 实施方案). Kinds are read from the title's ending and
place prefix by the ordered rules of ``data/citations.toml``; nothing here is keyed to one document.

>>> [(c.title, c.kind) for c in extract_citations("贯彻落实《农药管理条例》。")]
[('农药管理条例', '行政法规')]
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from policygraph.errors import ConfigError
from policygraph.loaders.model import Citation

_OPEN, _CLOSE = "《〈", "》〉"
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]\s*$")  # （试行）, （2023年版）, （征求意见稿）
_ALIAS_CUES = ("简称", "下称")  # "（以下简称《若干措施》）" names an alias, not a second document
_MAX_TITLE = 120


@dataclass(frozen=True)
class _Rule:
    kind: str
    suffix: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    place: tuple[str, ...] = ()

    def matches(self, title: str, place: str | None) -> bool:
        return ((not self.suffix or title.endswith(self.suffix))
                and (not self.contains or any(w in title for w in self.contains))
                and (not self.place or place in self.place))


@dataclass(frozen=True)
class _Vocab:
    rules: tuple[_Rule, ...]
    default_kind: str
    provinces: tuple[str, ...]
    place_re: re.Pattern[str]
    levels: dict[str, str]  # place suffix → level
    not_places: tuple[str, ...]
    bare_places: tuple[str, ...]
    bare_verbs: tuple[str, ...]
    bare_suffixes: tuple[str, ...]
    generic_starts: tuple[str, ...]
    min_length: int
    max_length: int


def extract_citations(text: str, base: int = 0, higher_places: Sequence[str] = ()) -> list[Citation]:
    """Every cited title in ``text``, in order of appearance, once each; spans are offset by ``base``.

    ``higher_places`` names the plan's enclosing jurisdictions (["天津市"]) so that a plan of theirs
    written without 《》 is found too.

    >>> [(c.title, c.kind) for c in extract_citations("组织实施天津市食品安全风险监测实施方案。", 0, ["天津市"])]
    [('天津市食品安全风险监测实施方案', '规范性文件')]
    """
    v = _vocab()
    found: list[tuple[int, int, str]] = []
    bracketed = _bracketed(text)
    found.extend(bracketed)
    found.extend(_bare(text, higher_places, [(s, e) for s, e, _ in bracketed], v))
    seen: set[str] = set()
    out: list[Citation] = []
    for start, end, title in sorted(found):
        if title not in seen:
            seen.add(title)
            out.append(Citation(title=title, kind=classify(title), span=(start + base, end + base)))
    return out


def classify(title: str) -> str:
    """The kind of a cited title: 法律, 行政法规, 地方性法规, 规章 or 规范性文件, by the first matching rule.

    >>> classify("河北省食品药品行政执法与刑事司法衔接工作办法实施细则")
    '规范性文件'
    """
    v = _vocab()
    core = title
    while _TRAILING_NOTE.search(core) and _TRAILING_NOTE.sub("", core):
        core = _TRAILING_NOTE.sub("", core)
    place = place_level(core)
    for rule in v.rules:
        if rule.matches(core, place):
            return rule.kind
    return v.default_kind


def place_level(title: str) -> str | None:
    """The level (province, city, county) of a place name opening ``title``, or None.

    >>> place_level("河北省食品添加剂亚硝酸盐监督管理办法"), place_level("河北区关于…"), place_level("农药管理条例")
    ('province', 'county', None)
    """
    v = _vocab()
    m = v.place_re.match(title)
    if m is not None and not m["name"].endswith(v.not_places):
        return v.levels[m["suffix"]]
    if title.startswith(v.provinces):
        return "province"
    return None


def _bracketed(text: str) -> list[tuple[int, int, str]]:
    """(start, end, title) of every 《…》, outer and nested, inner span excluding the brackets."""
    out: list[tuple[int, int, str]] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE and stack:
            start = stack.pop() + 1
            title = "".join(text[start:i].split())
            if title and len(title) <= _MAX_TITLE and not text[:start - 1].rstrip().endswith(_ALIAS_CUES):
                out.append((start, i, title))
    return out


def _bare(text: str, places: Sequence[str], taken: list[tuple[int, int]], v: _Vocab) -> list[tuple[int, int, str]]:
    """Plans of a higher jurisdiction written without 《》, introduced by a verb or listed after one."""
    out: list[tuple[int, int, str]] = []
    names = sorted({p for p in (*places, *v.bare_places) if p}, key=len, reverse=True)
    if not names:
        return out
    pattern = re.compile("|".join(re.escape(n) for n in names))
    last_end = -1
    for m in pattern.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        before = text[:m.start()].rstrip()
        listed = last_end >= 0 and text[last_end:m.start()].strip() in ("、", "和", "及", "以及", "与")
        if not (before.endswith(v.bare_verbs) or listed):
            continue
        following = pattern.search(text, m.end())  # a second place starts a second plan
        end = _plan_end(text[:following.start()] if following else text, m.end(), v)
        if end is not None:
            out.append((m.start(), end, text[m.start():end]))
            last_end = end
    return out


def _plan_end(text: str, pos: int, v: _Vocab) -> int | None:
    """End of a plan title whose place ends at ``pos``: the last plan suffix in the run of words after it."""
    run = re.match(rf"[\u4e00-\u9fff0-9A-Za-z]{{0,{v.max_length}}}", text[pos:])
    words = run.group() if run else ""
    if words.startswith(v.generic_starts):
        return None
    for end in range(len(words), v.min_length, -1):
        for sfx in v.bare_suffixes:
            if words.endswith(sfx, 0, end) and end - len(sfx) >= v.min_length:
                return pos + end
    return None


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    """Load ``data/citations.toml`` once; a missing or malformed file is a ConfigError."""
    try:
        raw: dict[str, Any] = tomllib.loads(
            resources.files("policygraph.data").joinpath("citations.toml").read_text(encoding="utf-8"))
        rules = tuple(_Rule(kind=r["kind"], suffix=tuple(r.get("suffix", ())), contains=tuple(r.get("contains", ())),
                            place=tuple(r.get("place", ()))) for r in raw["rules"])
        places, bare = raw["places"], raw["bare"]
        levels = {s: lvl for lvl in ("province", "city", "county") for s in places[f"{lvl}_suffixes"]}
        suffixes = "|".join(re.escape(s) for s in sorted(levels, key=len, reverse=True))
        return _Vocab(
            rules=rules, default_kind=raw["default_kind"],
            provinces=tuple(sorted(places["provinces"], key=len, reverse=True)),
            place_re=re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,4}}?(?P<suffix>{suffixes}))"),
            levels=levels, not_places=tuple(places["not_places"]),
            bare_places=tuple(bare["extra_places"]),
            bare_verbs=tuple(sorted(bare["verbs"], key=len, reverse=True)),
            bare_suffixes=tuple(sorted(bare["suffixes"], key=len, reverse=True)),
            generic_starts=tuple(bare["generic_starts"]),
            min_length=int(bare["min_length"]), max_length=int(bare["max_length"]),
        )
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"policygraph/data/citations.toml: {exc}") from exc

"""Cited laws, regulations, plans and standards in one task unit: every 《…》 title, higher plans and laws
named bare, national standard codes (forms other than 《…》 live in ``citation_forms``).

A citation links a county task to the statute or the higher plan it implements, so the kind matters
to an auditor (a 法律 binds differently from a 实施方案). Kinds are read from the title's ending and
place prefix by the ordered rules of ``data/citations.toml``; nothing here is keyed to one document.
A plan never cites itself (``own_title``), and a download link or an attachment is not a citation.

>>> [(c.title, c.kind) for c in extract_citations("贯彻落实《农药管理条例》。")]
[('农药管理条例', '行政法规')]
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from policygraph.loaders import citation_forms as forms
from policygraph.loaders.citation_vocab import Vocab
from policygraph.loaders.citation_vocab import vocab as _vocab
from policygraph.loaders.model import Citation

_OPEN, _CLOSE = "《〈", "》〉"
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]\s*$")  # （试行）, （2023年版）, （征求意见稿）
_ALIAS_CUES = ("简称", "下称")  # "（以下简称《若干措施》）" names an alias, not a second document
_MAX_TITLE = 120


def extract_citations(text: str, base: int = 0, higher_places: Sequence[str] = (), *,
                      own_title: str | None = None) -> list[Citation]:
    """Every cited title in ``text``, in order of appearance, once each; spans are offset by ``base``.

    ``higher_places`` names the plan's enclosing jurisdictions (["天津市"]) so that a plan of theirs
    written without 《》 is found too; ``own_title`` is the plan's own title, never a citation of itself.

    >>> [(c.title, c.kind) for c in extract_citations("组织实施天津市食品安全风险监测实施方案。", 0, ["天津市"])]
    [('天津市食品安全风险监测实施方案', '规范性文件')]
    >>> [(c.title, c.kind) for c in extract_citations("应符合《餐饮服务通用卫生规范》（GB31654-2021）。")]
    [('餐饮服务通用卫生规范', '国家标准')]
    """
    v = _vocab()
    bracketed = [b for b in _bracketed(text) if not forms.is_link(text, b[0], b[1])]
    standards: dict[int, str] = {}  # start of a title → its kind when a standard code follows it
    codes_taken: list[tuple[int, int]] = []
    for start, end, _ in bracketed:
        code = forms.code_after(text, end)
        if code is not None:
            standards[start] = v.standard_kind
            codes_taken.append(code)
    taken = [(s, e) for s, e, _ in bracketed]
    found = list(bracketed)
    found.extend(_bare(text, higher_places, taken, v))
    found.extend(forms.bare_laws(text, taken))
    found.extend(c for c in forms.standard_codes(text)
                 if not any(s <= c[0] < e for s, e in [*taken, *codes_taken]))
    own = _plain(own_title) if own_title else None
    seen: set[str] = set()
    out: list[Citation] = []
    for start, end, title in sorted(found):
        if title in seen or (own is not None and _is_own(title, own)):
            continue
        seen.add(title)
        kind = standards.get(start) or (v.standard_kind if v.standard_re.fullmatch(title) else classify(title))
        out.append(Citation(title=title, kind=kind, span=(start + base, end + base)))
    return out


def _plain(title: str) -> str:
    """A title compared without spaces and inner brackets: 《…》 wrappers and 〈…〉 nesting marks."""
    return "".join(ch for ch in title if not ch.isspace() and ch not in "《》〈〉")


def _is_own(title: str, own: str) -> bool:
    """The plan's own title, or the notice that issues it (关于印发〈…〉的通知)."""
    plain = _plain(title)
    return plain == own or (plain.startswith(("关于印发", "印发")) and own in plain)


def classify(title: str) -> str:
    """The kind of a cited title: 法律, 行政法规, 地方性法规, 规章, 规范性文件 or 国家标准, by the first matching rule.

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


def _bare(text: str, places: Sequence[str], taken: list[tuple[int, int]], v: Vocab) -> list[tuple[int, int, str]]:
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


def _plan_end(text: str, pos: int, v: Vocab) -> int | None:
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

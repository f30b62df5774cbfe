"""Bodies whose place is not given by a level prefix: national bodies, their local offices, collectives.

A prefix (省, 市, 区) places most names in a responsibility statement relative to the plan. Other names
carry their place in themselves or in what they are: 财政部 is the national ministry in every plan;
上海海关 and 厦门出入境检验检疫局 are local offices of national systems whose level is their place's
(上海 is a municipality, so province; 厦门 a city); 各地区 are the governments one level under the plan,
国务院相关部门 national ministries, 各有关单位 bodies of the plan's own place, and 青浦区政府 in a 上海
plan the government of that district. This module reads those, returning a ``Surface`` whose
``fixed_*`` fields hold the canonical name, level and jurisdiction, so ``agency_places`` leaves them as
they are.

>>> from policygraph.loaders.agency_vocab import vocabulary
>>> from policygraph.loaders.model import Jurisdiction
>>> shanghai = Jurisdiction(name="上海市", level="province")
>>> s = read_fixed("上海海关", vocabulary(), shanghai, {"上海市": "上海市", "上海": "上海市"})
>>> (s.fixed_name, s.fixed_level) if s else None
('中华人民共和国上海海关', 'province')
"""
from __future__ import annotations

import re
from functools import lru_cache

from policygraph.loaders import jurisdictions
from policygraph.loaders.agency_names import Surface
from policygraph.loaders.agency_vocab import BodyEntry, BranchEntry, Vocabulary
from policygraph.loaders.model import LEVEL_RANK, Jurisdiction, Level

#: A local office's place is a short or full province/city name: 上海, 厦门市, 福建.
_PLACE = r"(?P<place>[\u4e00-\u9fff]{2,9}?)"
#: A named place's government: 青浦区政府, 嘉定区人民政府, 西平县政府.
_GOVERNMENT = re.compile(r"^(?P<place>[\u4e00-\u9fff]{1,8}?[区县市旗])(?:人民政府|政府)$")
#: A unit of a national body keeps its written name if it is at least this long (…长三角分中心).
UNIT_MIN_LEN = 2
_LEVELS: tuple[Level, ...] = ("national", "province", "city", "county", "township")


def read_fixed(item: str, vocab: Vocabulary, plan: Jurisdiction, places: dict[str, str]) -> Surface | None:
    """Read ``item`` as a body placed by itself, or return None to let the prefix reading decide.

    ``places`` maps the ways the text may write the plan's places to their full names (see
    ``agency_places.place_words``).
    """
    if not item:
        return None
    entry = vocab.exact_national(item)
    if entry is not None:
        return _surface(item, entry.name, "national", national_place(plan, vocab), entry, entry.functions)
    return (_branch(item, vocab, plan, places) or _national_unit(item, vocab, plan)
            or _scoped(item, vocab, plan, places) or _government(item, vocab, plan, places)
            or _named_kind(item, vocab, plan, places))


def national_place(plan: Jurisdiction, vocab: Vocabulary) -> str:
    """The jurisdiction national bodies belong to, the same in every plan (a national plan's header may
    say 中国 or 中华人民共和国), so that 财政部 is one node whoever names it."""
    return vocab.national_place


def below(plan: Jurisdiction, vocab: Vocabulary) -> Level:
    """The level of the governments just under the plan: a municipality's are its 区 (county)."""
    if plan.level == "province" and plan.name in vocab.municipalities:
        return "county"
    return _LEVELS[min(LEVEL_RANK[plan.level] + 1, len(_LEVELS) - 1)]


def _surface(item: str, name: str, level: Level, where: str | None, entry: BodyEntry | None,
             functions: tuple[str, ...]) -> Surface:
    return Surface(0, len(item), item, entry=entry, functions=functions, fixed_name=name, fixed_level=level,
                   fixed_jurisdiction=where)


def _national_unit(item: str, vocab: Vocabulary, plan: Jurisdiction) -> Surface | None:
    """A unit written after a national body's name, which keeps its written name."""
    for alias, entry in _national_by_start(vocab).get(item[:2], ()):
        rest = item[len(alias):]
        if item.startswith(alias) and len(rest) >= UNIT_MIN_LEN and rest.endswith(
                tuple(vocab.syntax["generic_endings"])) and all("\u4e00" <= ch <= "\u9fff" for ch in rest):
            # 国家药品监督管理局医疗器械技术审评检查长三角分中心: a unit of the national body.
            return _surface(item, item, "national", national_place(plan, vocab), entry, entry.functions)
    return None


def _national_by_start(vocab: Vocabulary) -> dict[str, list[tuple[str, BodyEntry]]]:
    """National aliases of four characters or more by their first two, longest first (parsing is hot)."""
    index = _NATIONAL_INDEX.get(id(vocab))
    if index is None:
        index = {}
        for alias, entry in sorted(vocab.national.items(), key=lambda p: -len(p[0])):
            if len(alias) >= 4:
                index.setdefault(alias[:2], []).append((alias, entry))
        _NATIONAL_INDEX[id(vocab)] = index
    return index


_NATIONAL_INDEX: dict[int, dict[str, list[tuple[str, BodyEntry]]]] = {}


@lru_cache(maxsize=64)
def _pattern(written: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(written).replace(re.escape("{place}"), _PLACE) + "$")


def _branch(item: str, vocab: Vocabulary, plan: Jurisdiction, places: dict[str, str]) -> Surface | None:
    """上海海关, 中国人民银行上海总部, 厦门出入境检验检疫局: a national system's office, at its place's level."""
    for branch in vocab.branches:
        m = _pattern(branch.written).match(item)
        if m is None:
            continue
        placed = _place(m.group("place"), vocab, plan, places)
        if placed is None or placed[1] not in ("province", "city"):
            continue
        return _branch_surface(item, branch, m.group("place"), placed, vocab)
    return None


def _branch_surface(item: str, branch: BranchEntry, written_place: str, placed: tuple[str, Level],
                    vocab: Vocabulary) -> Surface:
    full, level = placed
    short = written_place
    for ending in vocab.name_endings:
        if full.endswith(ending) and written_place == full and len(full) - len(ending) >= 2:
            short = full[: -len(ending)]
            break
    return _surface(item, branch.name.format(short=short, full=full), level, full, None, branch.functions)


def _place(written: str, vocab: Vocabulary, plan: Jurisdiction, places: dict[str, str]) -> tuple[str, Level] | None:
    """A written place's full name and level, from the plan's own places or the division tree."""
    full = places.get(written)
    if full is None:
        found = jurisdictions.resolve(written, [plan.name, *plan.parents])
        if found is None or found.anonymised:
            return None
        full = found.name
        level: Level = found.level
    else:
        level = plan.level if full == plan.name else (jurisdictions.suffix_level(full) or plan.level)
    if full in vocab.municipalities:
        level = "province"
    return full, level


def _scoped(item: str, vocab: Vocabulary, plan: Jurisdiction, places: dict[str, str]) -> Surface | None:
    """各地区, 国务院相关部门, 各有关单位, 相关区, 上海市区级人民政府: level from the entry's scope."""
    where, rest = plan.name, item
    for word in sorted(places, key=len, reverse=True):
        if item.startswith(word) and len(item) > len(word):
            where, rest = places[word], item[len(word):]
            break
    entry = vocab.exact(rest) or vocab.exact(item)
    if entry is None or entry.scope is None:
        return None
    name = item if entry.collective else entry.name
    if entry.scope == "national":
        return _surface(item, name, "national", national_place(plan, vocab), entry, entry.functions)
    if entry.scope == "plan":
        level: Level = plan.level if where == plan.name else (jurisdictions.suffix_level(where) or plan.level)
    elif entry.scope == "below":
        level = below(plan, vocab)
    else:
        level = next(lv for lv in _LEVELS if lv == entry.scope)
    return _surface(item, name, level, where, entry, entry.functions)


def _government(item: str, vocab: Vocabulary, plan: Jurisdiction, places: dict[str, str]) -> Surface | None:
    """青浦区政府 in a 上海 plan → 上海市青浦区人民政府 (county); the plan's own places are left to prefixes."""
    m = _GOVERNMENT.match(item)
    if m is None:
        return None
    place = m.group("place")
    if place in places or len(place) < 2 or (len(place) == 2 and place[0] in vocab.prefixes):
        return None
    municipality = next((p for p in (plan.name, *plan.parents) if p in vocab.municipalities), None)
    if municipality is not None and place.endswith("区"):
        parent, level = municipality, "county"
    else:
        found = jurisdictions.resolve(place, [plan.name, *plan.parents])
        if found is None:
            return None
        level = found.level
        parent = found.parents[0] if found.parents and place.endswith("区") else ""
    functions = ("区政府",) if place.endswith("区") else ("人民政府",)
    return _surface(item, f"{parent}{place}人民政府", level, place, vocab.exact("人民政府"), functions)  # type: ignore[arg-type]


def _named_kind(item: str, vocab: Vocabulary, plan: Jurisdiction, places: dict[str, str]) -> Surface | None:
    """临港新片区管委会: a body of a known kind under a name of its own, in the plan's place."""
    where, rest = plan.name, item
    for word in sorted(places, key=len, reverse=True):
        if item.startswith(word) and len(item) > len(word):
            where, rest = places[word], item[len(word):]
            break
    for kind, full in vocab.syntax.get("named_kinds", {}).items():
        stem = rest[: -len(kind)]
        # A stem that names a domain (市场监督管理委员会) is a bureau read by keywords, not a zone.
        if rest.endswith(kind) and len(stem) >= 2 and vocab.exact(rest) is None and not vocab.keyword_functions(rest) \
                and all("\u4e00" <= ch <= "\u9fff" for ch in stem) and stem[0] not in vocab.prefixes:
            entry = vocab.exact(kind)
            functions = entry.functions if entry is not None else ()
            level: Level = plan.level if where == plan.name else (jurisdictions.suffix_level(where) or plan.level)
            return _surface(item, f"{where}{stem}{full}", level, where, entry, functions)
    return None


def national_counterpart(surface: Surface, written: str, vocab: Vocabulary) -> Surface | None:
    """In a national plan, an unprefixed 发展改革委 or 财政 is the national body doing that job.

    The counterpart is the one national body with the same functions, or among several (国家卫生健康委
    and 国家疾控局) the one whose name ends with what is written.
    """
    entry = surface.entry
    if entry is None or entry.collective or entry.scope is not None or entry.level is not None \
            or surface.prefix or surface.place or surface.branch_place or surface.party or surface.suffix:
        return None
    same = {e.name: e for e in vocab.national.values() if e.functions == entry.functions}
    if len(same) > 1:
        same = {n: e for n, e in same.items() if any(a.endswith(written) for a in (e.name, *e.aliases))}
    if len(same) != 1:
        return None
    (found,) = same.values()
    return _surface(written, found.name, "national", vocab.national_place, found, found.functions)

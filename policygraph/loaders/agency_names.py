"""Read one body name as written in a responsibility parenthesis into its parts.

A name is ``[place][level prefix][委 | 政府][body][collective suffix]`` (县委宣传部, 县政府食安委各成员单位,
天津市河北区市场监管局), or a branch ``[市][body][place][分局 | 支队 | 监管组]`` (市生态环境局西平分局,
公安红旗分局). This module only reads the surface; ``agency_places`` turns the parts into a level,
a jurisdiction and a canonical name.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from policygraph.loaders.agency_vocab import BodyEntry, Vocabulary

#: A branch's place name is a short place word: 红旗 in 公安红旗分局, 西平 in 市生态环境局西平分局.
BRANCH_PLACE_LEN = (2, 4)
#: Bodies unknown to the vocabulary must be at least this long to count (西平火车站, not 全部).
GENERIC_MIN_LEN = 3


@dataclass(frozen=True)
class Surface:
    """The parts of one written name; ``start``/``end`` are offsets into the item string."""

    start: int
    end: int
    core: str
    entry: BodyEntry | None = None
    functions: tuple[str, ...] = ()
    prefix: str | None = None
    place: str | None = None
    party: bool = False
    branch_place: str | None = None
    branch_unit: str | None = None
    suffix: str | None = None
    each: bool = False
    generic: bool = False
    implicit: bool = False
    #: Set for bodies whose place does not come from a level prefix (national bodies, their local
    #: offices, collectives, a named district's government): see ``agency_fixed``.
    fixed_name: str | None = None
    fixed_level: str | None = None
    fixed_jurisdiction: str | None = None

    @property
    def known(self) -> bool:
        """Whether the vocabulary recognised the body (by alias, typo tolerance or keywords)."""
        if self.fixed_name is not None:
            return True
        if self.implicit or self.generic:
            return False
        return self.entry is not None or bool(self.functions)

    @property
    def counts(self) -> bool:
        """Enough to make a parenthesis with a role word a responsibility (各市、县负责 names governments)."""
        return self.known or self.generic or self.implicit

    @property
    def body_like(self) -> bool:
        """Known, or unknown but ending like a body (西平火车站): enough for a list with no role word."""
        return self.known or self.generic


def read_name(item: str, vocab: Vocabulary, places: tuple[str, ...], group: str = "") -> list[Surface]:
    """Parse one written item into one body, or two when a separator is missing (各乡镇党委政府).

    ``places`` are jurisdiction names (full and short) a name may start with; ``group`` is the
    township group word of the previous name (各乡镇), so 政府 after 各乡镇党委 reads as 各乡镇政府.
    Returns [] when the item names no body.
    """
    if not item:
        return []
    whole = _read_one(item, vocab, places, group)
    if whole is not None and whole.known:
        return [replace(whole, start=0, end=len(item))]
    for cut in range(2, len(item) - 1):
        left = _read_one(item[:cut], vocab, places, "", strict=True)
        if left is None or not left.known:
            continue
        right = _read_one(item[cut:], vocab, places, group_of(item[:cut], vocab), strict=True)
        if right is not None and right.known:
            return [replace(left, start=0, end=cut), replace(right, start=cut, end=len(item))]
    if whole is not None:
        return [replace(whole, start=0, end=len(item))]
    return []


def group_of(text: str, vocab: Vocabulary) -> str:
    """The township group word a name starts with (各乡镇党委 → 各乡镇), or ""."""
    for word in vocab.syntax.get("township_groups", ()):
        if text.startswith(word):
            return str(word)
    return ""


def _candidates(item: str, vocab: Vocabulary, places: tuple[str, ...]) -> list[tuple[str, str | None, str | None]]:
    """Ways to split off a written place: (rest, level prefix, place name), the unsplit reading first.

    市场监管局 starts with 市 but is not 市 + 场监管局, so every reading is kept and the matcher decides.
    """
    out: list[tuple[str, str | None, str | None]] = [(item, None, None)]
    rest, place = item, None
    changed = True
    while changed:
        changed = False
        for name in sorted(places, key=len, reverse=True):
            if rest.startswith(name) and len(rest) > len(name):
                rest, place, changed = rest[len(name):], name, True
                out.append((rest, None, place))
                break
    # Level words: one character (县自然资源局) or more (自治区市场监管局 in a 西藏 plan, 地区… in 阿里地区's).
    for prefix in _prefixes_longest_first(vocab):
        if rest.startswith(prefix) and len(rest) > len(prefix):
            out.append((rest[len(prefix):], prefix, place))
            break
    return out


def _prefixes_longest_first(vocab: Vocabulary) -> list[str]:
    found = _PREFIX_ORDER.get(id(vocab))
    if found is None:
        found = _PREFIX_ORDER[id(vocab)] = sorted(vocab.prefixes, key=len, reverse=True)
    return found


_PREFIX_ORDER: dict[int, list[str]] = {}


def _read_one(item: str, vocab: Vocabulary, places: tuple[str, ...], group: str,
              strict: bool = False) -> Surface | None:
    """Read one name, most certain reading first: exact alias (with or without a place prefix), then
    one-character typos, then keywords of an unlisted bureau, then a generic body ending.

    ``strict`` stops after exact readings; it is used when guessing where a missing separator was.
    """
    each = False
    for word in vocab.syntax["qualifiers"]:
        if item.startswith(word) and len(item) > len(word):
            item = item[len(word):]
    for word in vocab.syntax["collective_starts"]:
        if item.startswith(word) and vocab.exact(item) is None and len(item) > len(word) \
                and (item[len(word)] in vocab.prefixes or any(item[len(word):].startswith(p) for p in places)):
            item, each = item[len(word):], True
    if all(ch in vocab.prefixes for ch in item):
        # 各市、县负责: a bare level word stands for that level's governments; only with a role word.
        gov = vocab.exact(vocab.syntax["government_markers"][0])
        return Surface(0, len(item), item, entry=gov, prefix=item[-1], each=each, implicit=True)
    cands = _candidates(item, vocab, places)
    if group and (found := vocab.exact(group + item)) is not None:
        return Surface(0, len(item), group + item, entry=found, each=each)
    for rest, prefix, place in cands:
        if rest in vocab.embedded:
            # 团省委: the level prefix sits inside the name.
            found, inner = vocab.embedded[rest]
            return Surface(0, len(item), rest, entry=found, prefix=inner, place=place, each=each)
    passes = (False,) if strict else (False, True)
    for fuzzy in passes:
        for rest, prefix, place in (cands if not fuzzy else list(reversed(cands))):
            got = _match(rest, vocab, fuzzy, places)
            if got is not None:
                return replace(got, start=0, end=len(item), prefix=prefix, place=place,
                               each=each or got.each)
    if strict:
        return None
    for rest, prefix, place in reversed(cands):
        funcs = vocab.keyword_functions(rest)
        if funcs:
            return Surface(0, len(item), rest, functions=funcs, prefix=prefix, place=place, each=each)
    rest, prefix, place = cands[-1]
    if len(rest) >= GENERIC_MIN_LEN and rest.endswith(tuple(vocab.syntax["generic_endings"])) \
            and all("\u4e00" <= ch <= "\u9fff" for ch in rest):
        return Surface(0, len(item), rest, functions=(rest,), prefix=prefix, place=place, each=each, generic=True)
    if rest and all("\u4e00" <= ch <= "\u9fff" for ch in rest):
        return Surface(0, len(item), rest, prefix=prefix, place=place, each=each)
    return None


def _match(text: str, vocab: Vocabulary, fuzzy: bool, places: tuple[str, ...]) -> Surface | None:
    """Match a name with its place already removed: markers, collective suffix, branch, alias."""
    if not text:
        return None
    found = vocab.fuzzy(text) if fuzzy else vocab.exact(text)
    if found is not None:
        return Surface(0, len(text), text, entry=found)
    for suffix in vocab.syntax["collective_suffixes"]:
        if text.endswith(suffix) and len(text) > len(suffix):
            inner = _match(text[: -len(suffix)], vocab, fuzzy, places)
            if inner is not None and inner.suffix is None:
                return replace(inner, suffix=suffix)
    marker = vocab.syntax["party_marker"]
    if text.startswith(marker) and (found := vocab.exact_party(text[len(marker):])) is not None:
        return Surface(0, len(text), text[len(marker):], entry=found, party=True)
    for marker in vocab.syntax["government_markers"]:
        if text.startswith(marker) and len(text) > len(marker):
            inner = _match(text[len(marker):], vocab, fuzzy, places)
            if inner is not None:
                return inner
    return _branch(text, vocab, places)


def _branch(text: str, vocab: Vocabulary, places: tuple[str, ...]) -> Surface | None:
    """公安红旗分局 → body 公安, place 红旗, unit 分局; the longest body alias wins.

    The place may be any short word before 分局/支队/监管组, but before a bare 局 (公安红旗局) it must be a
    known place, or 农业农村和水利局 would read as a 和水利 branch.
    """
    lo, hi = BRANCH_PLACE_LEN
    for unit in vocab.syntax["branch_units"]:
        if not text.endswith(unit):
            continue
        mid = text[: -len(unit)]
        for cut in range(len(mid) - lo, 0, -1):
            place = mid[cut:]
            if not lo <= len(place) <= hi or vocab.exact(place) is not None or any(
                    j in place for j in vocab.syntax["weak_joiners"]):
                continue
            if unit == "局" and place not in places:
                continue
            found = vocab.exact(mid[:cut])
            if found is not None and not found.collective:
                return Surface(0, len(text), mid[:cut], entry=found, branch_place=place, branch_unit=unit)
    return None

"""Read the responsibility parenthesis that closes a task unit into the bodies it names.

County plans end each run of tasks with （区市场监管局牵头，区教体文旅局、公安红旗分局按职责分工负责）.
The caller finds the parenthesis (its position is a structural question); this module decides whether
its content names bodies, and resolves each: role, functions, level, jurisdiction, canonical name.

>>> from policygraph.loaders.model import Jurisdiction
>>> plan = Jurisdiction(name="红旗区", level="county", parents=["新乡市", "河南省"])
>>> [(a.name, a.role) for a in parse_responsibility("区卫健委牵头，区财政局配合", 0, plan) or []]
[('红旗区卫生健康委员会', 'lead'), ('红旗区财政局', 'support')]
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from policygraph.loaders.agency_fixed import national_counterpart, read_fixed
from policygraph.loaders.agency_names import Surface, group_of, read_name
from policygraph.loaders.agency_places import Placed, canonical_name, locate, place_words
from policygraph.loaders.agency_vocab import Vocabulary, vocabulary
from policygraph.loaders.model import AgencyRef, Jurisdiction, Role

#: Longer parentheses are prose, not a list of bodies.
MAX_INNER = 300
OPEN, CLOSE = "（(", "）)"
#: In strict reading, a name recognised by keywords alone is at most this long (农业农村和水利局).
STRICT_KEYWORD_LEN = 12


@dataclass
class _Item:
    """One written name between separators; ``start``/``end`` index the compact text."""

    start: int
    end: int
    role: Role | None = None


def starts_with_role_label(line: str) -> bool:
    """Whether a line opens with a role label (责任单位：…), the other way plans close a task unit."""
    return _label_at(line, 0, vocabulary()) is not None


def is_responsibility(inner: str) -> bool:
    """Whether a parenthesis's content names responsible bodies: （县市场监管局负责） yes, （园长） no."""
    placeholder = Jurisdiction(name="XX县", level="county", parents=[], anonymised=True)
    return parse_responsibility(inner, 0, placeholder) is not None


def parse_responsibility(inner: str, base: int, plan_jurisdiction: Jurisdiction) -> list[AgencyRef] | None:
    """The bodies named in one responsibility parenthesis, in written order, or None if it names none.

    ``inner`` is the text inside the parenthesis and ``base`` the offset of ``inner[0]`` in the caller's
    text; spans are ``(base + i, base + j)`` around each name as written. A role word (牵头, 配合,
    按职责分工负责) applies to the names before it back to the previous role word or ，/；; names with
    no role word are responsible.
    """
    return _parse(inner, base, plan_jurisdiction, strict=False)


def _parse(inner: str, base: int, plan_jurisdiction: Jurisdiction, strict: bool) -> list[AgencyRef] | None:
    """``parse_responsibility``; ``strict`` also refuses any name the vocabulary does not know, for
    statements outside brackets, where a generic 教育部门 is a sentence's subject, not a body."""
    vocab = vocabulary()
    text, index = _compact(inner)
    if not text or len(text) > MAX_INNER or _explains(text, vocab):
        return None
    words = place_words(plan_jurisdiction, vocab)
    places = tuple(words)

    def read(written: str, group: str = "") -> list[Surface]:
        fixed = read_fixed(written, vocab, plan_jurisdiction, words)
        if fixed is not None:
            return [fixed]
        surfaces = read_name(written, vocab, places, group)
        if plan_jurisdiction.level == "national" and len(surfaces) == 1:
            counterpart = national_counterpart(surfaces[0], written, vocab)
            return [replace(counterpart, start=surfaces[0].start, end=surfaces[0].end)] if counterpart else surfaces
        return surfaces

    items, has_role = _tokenise(text, vocab, lambda left: any(s.known for s in read(left)))
    found: list[tuple[_Item, Surface]] = []
    group = ""
    for item in items:
        written = text[item.start:item.end]
        if written in vocab.syntax.get("bare_words", ()):
            continue  # 省教育厅…等部门依职责分工落实: 部门 closes the list, it names no body
        surfaces = read(written, group)
        if strict and not all(_specific(s, vocab) for s in surfaces):
            return None
        if not surfaces or (not has_role and not all(s.body_like for s in surfaces)):
            if not has_role:
                return None
            continue
        for surface in surfaces:
            found.append((item, surface))
        last = surfaces[-1].entry
        township = last is not None and last.level == "township"
        group = group_of(written, vocab) or (group if township else "")
    if not any(s.counts for _, s in found):
        return None
    return _resolve(found, inner, index, base, plan_jurisdiction, vocab)


def _specific(surface: Surface, vocab: Vocabulary) -> bool:
    """A name a reader takes for one body: known to the vocabulary, not a type of department (教育部门)."""
    if surface.fixed_name is not None or surface.entry is not None:
        return surface.known
    # A name read only by its keywords must look like one bureau's name, not a phrase that ends in one.
    return surface.known and len(surface.core) <= STRICT_KEYWORD_LEN \
        and not surface.core.endswith(tuple(vocab.syntax.get("bare_words", ())))


def _resolve(found: list[tuple[_Item, Surface]], inner_text: str, index: list[int], base: int,
             plan: Jurisdiction, vocab: Vocabulary) -> list[AgencyRef]:
    """Turn surfaces into AgencyRefs, carrying the last explicit prefix to unprefixed names."""
    out: list[AgencyRef] = []
    carry: Placed | None = None
    for item, surface in found:
        placed = locate(surface, plan, carry, vocab)
        if surface.prefix is not None or surface.place is not None or surface.branch_place is not None:
            carry = placed
        start, end = item.start + surface.start, item.start + surface.end
        entry = surface.entry
        if surface.fixed_name is not None:
            functions = list(surface.functions)
        else:
            functions = list(entry.functions if entry is not None else surface.functions or (surface.core,))
        out.append(AgencyRef(
            as_written="".join(inner_text[index[start]:index[end - 1] + 1].split()),
            name=canonical_name(surface, placed, plan, vocab),
            functions=functions,
            level=placed.level,
            role=item.role or "responsible",
            collective=bool((entry is not None and entry.collective) or surface.suffix or surface.each),
            jurisdiction=placed.jurisdiction,
            span=(base + index[start], base + index[end - 1] + 1),
        ))
    return out


def _compact(inner: str) -> tuple[str, list[int]]:
    """Drop whitespace and nested parentheses, keeping each kept character's offset in ``inner``.

    A page break can split a parenthesis (按职责分\\n\\n工负责 in 003), and a nested （市、区） qualifies
    the word before it rather than naming bodies.
    """
    chars: list[str] = []
    index: list[int] = []
    depth = 0
    for i, ch in enumerate(inner):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and not ch.isspace():
            chars.append(ch)
            index.append(i)
    while chars and chars[-1] in "。.，,；;、":
        chars.pop()
        index.pop()
    return "".join(chars), index


def _explains(text: str, vocab: Vocabulary) -> bool:
    """A parenthesis that defines, qualifies or dates a word: （以下简称“食安委”）, （含定州、辛集市，下同）."""
    return (any(word in text for word in vocab.not_contains) or text.startswith(vocab.not_starts)
            or "。" in text or any(ch.isdigit() for ch in text))


def _tokenise(text: str, vocab: Vocabulary, is_body: Callable[[str], bool]) -> tuple[list[_Item], bool]:
    """Split at separators, joiners and role words, and give each name the role word after it."""
    syntax = vocab.syntax
    items: list[_Item] = []
    run_start = 0  # first item the next role word applies to
    has_role = False
    label_role: Role | None = None  # set by a label such as 牵头单位：, until the next hard separator
    start = pos = 0
    while pos < len(text):
        label = _label_at(text, pos, vocab)
        if label is not None and pos == start:
            label_role, has_role = label[1], True
            start = pos = pos + label[0]
            continue
        word, role = ("", None)
        if text[pos] in _first_chars(vocab.roles):
            word, role = next(((w, r) for w, r in vocab.roles if text.startswith(w, pos)), ("", None))
        ch = text[pos]
        skip = len(word) or int(ch in syntax["separators"] or ch in syntax["hard_separators"]) \
            or _joiner_at(text, start, pos, syntax, is_body)
        if not skip:
            pos += 1
            continue
        if pos > start:
            items.append(_Item(start, pos, label_role))
        if role is not None:
            for item in items[run_start:]:
                item.role = item.role or role
            has_role = True
        if role is not None or ch in syntax["hard_separators"]:
            run_start = len(items)
        if ch in syntax["hard_separators"] and ch not in "：:":
            label_role = None
        start = pos = pos + skip
    if pos > start:
        items.append(_Item(start, pos, label_role))
    return items, has_role


@lru_cache(maxsize=4)
def _first_chars(words: tuple[tuple[str, Role], ...]) -> frozenset[str]:
    """First characters of a word list: most positions of a statement start none of them (a cheap test)."""
    return frozenset(w[0] for w, _ in words if w)


def _label_at(text: str, pos: int, vocab: Vocabulary) -> tuple[int, Role] | None:
    """A role label with its colon at ``pos`` (牵头单位：), as (length to skip, role)."""
    if pos >= len(text) or text[pos] not in _first_chars(vocab.role_labels):
        return None
    for word, role in vocab.role_labels:
        end = pos + len(word)
        if text.startswith(word, pos) and end < len(text) and text[end] in "：:":
            return len(word) + 1, role
    return None


def _joiner_at(text: str, start: int, pos: int, syntax: dict[str, Any], is_body: Callable[[str], bool]) -> int:
    """Length of a joiner at ``pos`` that separates two bodies, else 0.

    A joiner (及, 等) splits after a body (区科协及区食安委成员单位); a weak one (和) only after a body's
    last character, so 粮食和物资储备局 and 农业农村和水利局 stay whole while 街道党工委和办事处 splits.
    """
    if pos == start:
        return 0
    ends_like_body = text[pos - 1] in syntax["body_endings"]
    for joiner in syntax["joiners"]:
        if text.startswith(joiner, pos) and pos + len(joiner) < len(text) \
                and (ends_like_body or is_body(text[start:pos])):
            return len(joiner)
    for joiner in syntax["weak_joiners"]:
        if text.startswith(joiner, pos) and pos + len(joiner) < len(text) and ends_like_body:
            return len(joiner)
    return 0



def parse_leading_clause(text: str, base: int, plan: Jurisdiction) -> tuple[list[AgencyRef], int] | None:
    """A clause that opens a unit and names who does it ("由省经贸委负责，省公安厅配合，…"): its bodies
    and the offset just after the statement, or None. See ``agency_clauses.parse_leading_clause``."""
    from policygraph.loaders import agency_clauses  # the clause reader builds on this module

    return agency_clauses.parse_leading_clause(text, base, plan)


def parse_agency_heading(line: str, base: int, plan: Jurisdiction) -> list[AgencyRef] | None:
    """A heading line that is nothing but bodies' names ("一、市农业农村委"), role responsible, or None.
    See ``agency_clauses.parse_agency_heading``."""
    from policygraph.loaders import agency_clauses

    return agency_clauses.parse_agency_heading(line, base, plan)

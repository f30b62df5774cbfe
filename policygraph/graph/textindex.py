"""What full-text search indexes, and how Chinese text becomes index tokens — one rule for every store.

Chinese has no spaces, so words are not tokens. Each store's index is asked for *candidates*: nodes whose text
holds every query segment (a run of letters and digits), as a phrase of character bigrams; the read layer then
keeps only exact substring matches and ranks them. SQLite's own ``trigram`` tokenizer was not used because it
cannot use its index for patterns shorter than three characters, and most Chinese search words (追溯, 监管)
have two. Neo4j's ``cjk`` analyzer makes the same bigrams. A segment of one character narrows nothing (a
bigram index has no token for it), so a query made only of such segments is answered by a scan.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policygraph.graph.model import Node
    from policygraph.loaders.model import Measure

#: The property search matches in, per node label (the other labels are not searched). A measure's is its
#: ``searched`` text (``measure_searched``), so that one passage is found once, not in its task unit, its item
#: and its section.
SEARCHED: dict[str, str] = {"Measure": "searched", "Agency": "name", "Indicator": "metric", "Law": "title"}
_RUN = re.compile(r"[^\W_]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
#: Search kinds (the API's ``kind``) and the labels they name.
KINDS: dict[str, str] = {"measure": "Measure", "agency": "Agency", "indicator": "Indicator", "law": "Law"}


def fold(text: str) -> str:
    """Lower-case ASCII only, so offsets into the folded text are offsets into the original."""
    return text.translate(_ASCII_LOWER)


def measure_searched(measures: Sequence[Measure]) -> dict[str, str]:
    """What each measure of one plan is found by. A leaf (a task unit, an item without units) by its text; a
    measure with parts (a section, an item of several units) by its title only, since its text is its parts'
    texts again; a task unit that repeats its item's text by nothing (""), the item being found instead."""
    return searched_of([(m.id, m.parent_id, m.title, m.text) for m in measures])


def searched_of(measures: Sequence[tuple[str, str | None, str, str]]) -> dict[str, str]:
    """``measure_searched`` over (id, parent id, title, text) rows: also how stored measures written before the
    ``searched`` field get theirs when a store upgrades."""
    kids: dict[str, list[tuple[str, str | None, str, str]]] = {}
    for m in measures:
        if m[1]:
            kids.setdefault(m[1], []).append(m)
    out: dict[str, str] = {}
    for mid, _, title, text in measures:
        parts = kids.get(mid, [])
        repeated = [k for k in parts if k[3] == text]
        out.setdefault(mid, text if len(parts) == len(repeated) else title)
        for k in repeated:
            out[k[0]] = ""
    return out


def with_searched(props: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Measures' property maps (each with ``id``) with ``searched`` added where it is missing (an upgrade)."""
    rows = [(str(p["id"]), p.get("parent_id"), str(p.get("title") or ""), str(p.get("text") or "")) for p in props]
    searched = searched_of(rows)
    return [p if "searched" in p else {**p, "searched": searched[str(p["id"])]} for p in props]


def searched_text(node: Node) -> str | None:
    """The text a node is found by, or None when its label is not searched (a measure written before the
    ``searched`` field existed is found by its whole text)."""
    key = SEARCHED.get(node.label)
    if key is None:
        return None
    value = node.props.get(key)
    if value is None and node.label == "Measure":
        value = node.props.get("text")
    return str(value or "")


def runs(text: str) -> Iterator[str]:
    """Maximal runs of letters and digits (punctuation, spaces and symbols separate them)."""
    return (m.group() for m in _RUN.finditer(text))


def bigrams(run: str) -> list[str]:
    return [a + b for a, b in zip(run, run[1:])]


def index_tokens(text: str) -> str:
    """The space-separated tokens a text is indexed under: every bigram of every run (a one-character run as
    itself), for a tokenizer that splits on spaces."""
    out: list[str] = []
    for r in runs(fold(text)):
        out.extend(bigrams(r) if len(r) > 1 else [r])
    return " ".join(out)


def segments(terms: list[str]) -> list[str]:
    """The query runs that can narrow a bigram index (two characters or more), each once, in order."""
    seen: dict[str, None] = {}
    for t in terms:
        for r in runs(fold(t)):
            if len(r) > 1:
                seen.setdefault(r, None)
    return list(seen)


def is_cjk(run: str) -> bool:
    """Only CJK ideographs: the runs Neo4j's ``cjk`` analyzer turns into the same bigrams as ours."""
    return all("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in run)


def contains_all(node: Node, terms: list[str]) -> bool:
    text = searched_text(node)
    return text is not None and all(t in fold(text) for t in (fold(t) for t in terms))

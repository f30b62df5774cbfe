"""Task-unit texts of the sample corpus for the gold examples, cut the way the brief describes.

A unit runs from its gold snippet to the parenthesis that names who is responsible (or to the end of the
paragraph for the provincial measures of 001, which have none). 001 is hard-wrapped newspaper text with
spaces between characters; it is flattened here with the simplest rule — drop line breaks inside a
paragraph and spaces next to CJK — so these tests do not depend on the real normaliser.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SHARED = Path("/work/shared")
CORPUS = SHARED / "corpus" if (SHARED / "corpus").is_dir() else Path(__file__).parents[1] / "data" / "corpus"
GOLD = SHARED / "gold" / "extraction_examples.json"
_CJK = r"[^\x00-\x7f]"
_RESPONSIBILITY = re.compile(r"（[^（）]*(?:负责|牵头|配合)[^（）]*）")


def flatten(raw: str) -> str:
    """One paragraph per line, no line breaks inside a paragraph, no spaces next to CJK characters."""
    paragraphs = [re.sub(r"\s*\n\s*", "", p) for p in re.split(r"\n\s*\n", raw)]
    text = "\n".join(p for p in paragraphs if p.strip())
    return re.sub(rf"(?<={_CJK}) +| +(?={_CJK})", "", text)


@lru_cache(maxsize=None)
def document(name: str) -> str:
    """A corpus document as the extractors see it: 001 flattened, the others as received."""
    raw = (CORPUS / name).read_text(encoding="utf-8")
    return flatten(raw) if name.startswith("001") else raw


def unit_text(doc: str, snippet: str) -> str:
    """The unit starting at ``snippet``: up to its responsibility parenthesis, else to the end of the line."""
    text = document(doc)
    start = text.index(snippet)
    paren = _RESPONSIBILITY.search(text, start)
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    if doc.startswith("001") or paren is None:
        return text[start:line_end]
    return text[start:paren.end()]


def gold_units() -> list[dict[str, Any]]:
    """The hand-checked units of ``extraction_examples.json``."""
    units: list[dict[str, Any]] = json.loads(GOLD.read_text(encoding="utf-8"))["units"]
    return units

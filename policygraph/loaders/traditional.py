"""Traditional characters (繁體) → Simplified, one character for one character, for parsing only.

Plans from 香港, 澳门 and 台湾 sources, and mainland plans re-typed on a Traditional system, write
"國務院辦公廳" for 国务院办公厅. Every vocabulary we hold (agencies, functions, kinds, numbering) is Simplified, so
the text is converted before it is parsed. The conversion is OpenCC's ``t2s`` (the official ``opencc`` package:
maintained, its dictionaries ship inside the wheel, nothing is downloaded at run time); it converts phrase by
phrase ("乾燥" → "干燥" but "乾隆" kept), which a character table cannot.

The one rule that matters downstream: **the result has the same length as the input and character ``i`` of the
result stands for character ``i`` of the input**, so every offset, span and ``NormalisedText.origin`` entry
stays exact and the words can always be shown as written (``NormalisedText.as_written``). OpenCC's t2s
phrases are length-preserving in practice; when a piece is not, that piece is converted character by character
instead, and a character whose conversion is not one character is left as it is.

A document is converted only when it is Traditional: when enough of its Han characters change under t2s.
A Simplified plan (every sample-corpus document) changes in no character at all, so it is never touched.
"""
from __future__ import annotations

import re
from functools import lru_cache

import opencc

# Share of Han characters that must change under t2s for a text to count as Traditional, and a floor in
# characters so that one stray variant character in a Simplified plan does not switch the whole document.
_MIN_SHARE = 0.02
_MIN_CHANGED = 3
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PIECE = re.compile(r"[^\n。；！？]*[\n。；！？]|[^\n。；！？]+")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _convert_piece(piece: str) -> str:
    """One sentence converted; char by char when OpenCC changed its length (so offsets never move)."""
    out = _converter().convert(piece)
    if len(out) == len(piece):
        return out
    chars = []
    for ch in piece:
        conv = _converter().convert(ch)
        chars.append(conv if len(conv) == 1 else ch)
    return "".join(chars)


@lru_cache(maxsize=1)
def _traditional_chars() -> re.Pattern[str]:
    """Every character that t2s changes on its own, as one character class (built once from OpenCC itself).

    Counting these in C is a lower bound on what the full conversion would change, so a Simplified plan is
    recognised without converting it: the common case costs one regex scan instead of a phrase conversion.
    """
    han = "".join(chr(c) for c in range(0x4E00, 0xA000))
    out = _converter().convert(han)
    changed = [a for a, b in zip(han, out) if a != b] if len(out) == len(han) else []
    if not changed:
        return re.compile(r"[\u4e00-\u9fff]")  # cannot tell cheaply: let every text through to the full test
    return re.compile("[" + "".join(re.escape(c) for c in changed) + "]")


def to_simplified(text: str) -> str | None:
    """The text in Simplified characters, same length and offsets, or None when it is not Traditional.

    >>> to_simplified("國務院辦公廳關於加強食品安全工作的通知")
    '国务院办公厅关于加强食品安全工作的通知'
    >>> to_simplified("国务院办公厅关于加强食品安全工作的通知") is None
    True
    """
    hints = len(_traditional_chars().findall(text))
    if hints < _MIN_CHANGED:
        return None  # (nearly) no character that t2s always changes: Simplified, the common case
    han = len(_HAN.findall(text))
    if hints < _MIN_SHARE * han / 2:
        return None  # not even half the share in characters that always change: Simplified
    whole = _converter().convert(text)
    if len(whole) != len(text):
        whole = "".join(_convert_piece(m.group()) for m in _PIECE.finditer(text))
        if len(whole) != len(text):  # text outside every piece (cannot happen, but offsets must hold)
            return None
    changed = sum(1 for a, b in zip(text, whole) if a != b)
    if changed < _MIN_CHANGED or changed < _MIN_SHARE * han:
        return None
    return whole

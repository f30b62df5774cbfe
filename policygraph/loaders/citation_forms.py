"""Citations written in other forms than 《title》: standard codes, laws named bare, and what only looks cited.

- "《餐饮服务通用卫生规范》（GB31654-2021）": the code after a title makes it a 国家标准; a code alone
  ("符合GB 2760要求") is a citation of its own;
- "严格执行外商投资法及配套法规": a law named without 《》 in running text is still cited, when a verb of
  applying it comes right before and the name ends in 法 (办法, 执法, 法规 do not count);
- "【原文下载】", "附件：《…》", "《…》.pdf": a download link or an attachment is not a citation.

Every word tested here is in ``data/citations.toml``.

>>> [m for m in bare_laws("严格执行外商投资法及配套法规，依法办事。", [])]
[(4, 9, '外商投资法')]
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from policygraph.loaders.citation_vocab import vocab

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_OPENERS = "（(〔[【"


def standard_codes(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, code) of every national standard code; the code is written without spaces.

    >>> list(standard_codes("应符合GB 31654-2021及GB/T 27306要求"))
    [(3, 16, 'GB31654-2021'), (17, 27, 'GB/T27306')]
    """
    for m in vocab().standard_re.finditer(text):
        yield m.start(), m.end(), "".join(m.group().split())


def code_after(text: str, end: int) -> tuple[int, int] | None:
    """Span of a standard code written right after a title ending at ``end``: 》（GB31654-2021）."""
    i = end + 1 if text[end:end + 1] in "》〉" else end
    while i < len(text) and text[i] in " \t" + _OPENERS:
        i += 1
    m = vocab().standard_re.match(text, i)
    return (m.start(), m.end()) if m is not None and i - end <= 3 else None


def bare_laws(text: str, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Laws named without 《》 right after a verb of applying them ("执行外商投资法"), outside ``taken``."""
    v = vocab()
    out: list[tuple[int, int, str]] = []
    for cue in v.law_cue_re.finditer(text):
        start = cue.end()
        run = _CJK_RUN.match(text, start)
        if run is None or any(s <= start < e for s, e in taken):
            continue
        words = run.group()[:v.law_max]
        for k, ch in enumerate(words):
            if ch != "法" or words[k + 1:k + 2] and words[k + 1] in v.law_word_after:
                continue
            name = words[:k + 1]
            lead = name.rfind("的") + 1  # 落实新修订的食品安全法 → 食品安全法
            name = name[lead:]
            if len(name) >= v.law_min and not name.endswith(v.not_laws):
                out.append((start + lead, start + k + 1, name))
            break
    return out


def is_link(text: str, start: int, end: int) -> bool:
    """Whether the title at text[start:end] (inside 《》) names a file to download or an attachment.

    >>> t = "附件：《实施细则》.pdf"
    >>> is_link(t, 4, 8), is_link("按照附件要求落实《实施细则》", 9, 13)
    (True, False)
    """
    v = vocab()
    title = text[start:end].rstrip()
    after = text[end + 1:end + 8].lstrip().lower() if text[end:end + 1] in "》〉" else ""
    if title.lower().endswith(v.link_extensions) or after.startswith(v.link_extensions):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:max(line_start, start - 1)]
    return any(c in before for c in v.link_lines) or v.link_cue_re.search(before) is not None

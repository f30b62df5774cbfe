"""How a target's metric is named when its own clause does not say it all.

Plans name what is measured once and then list values ("抽检3900批次，达到6批次/千人"), give a scope instead of a
subject ("…的比例，各主城区达到50%以上"), or put the subject in the clause before ("…办理时限压缩一半，分别减至1个
月"). These helpers borrow the words from the neighbouring clause or the previous target; ``indicators.py`` decides
when a number is a target at all.
"""
from __future__ import annotations

from dataclasses import dataclass

from policygraph.loaders.indicator_vocab import Vocab
from policygraph.loaders.model import Comparator, Indicator

CLAUSE_BREAKS = "，,；;。！!？?：:\n"
SENTENCE_BREAKS = "；;。！!？?\n"


@dataclass
class Found:
    """A target read so far, with what a following list item may inherit from it."""

    indicator: Indicator  # span still relative to the text, base added at the end
    head: str  # cleaned words before the number: 培育 in 培育600家以上规范的农民合作社
    is_count: bool
    end: int
    clause_start: int
    shared_op: Comparator | None = None  # a comparator written before: 分别减至1个月、半个月 share it


def break_before(text: str, pos: int, breaks: str) -> int:
    """Start of the clause or sentence holding ``pos``."""
    return max(text.rfind(ch, 0, pos) for ch in breaks) + 1


def break_after(text: str, pos: int, breaks: str) -> int:
    """End (exclusive) of the clause or sentence holding ``pos``."""
    ends = [i for i in (text.find(ch, pos) for ch in breaks) if i >= 0]
    return min(ends) if ends else len(text)


def merge(left: str, right: str) -> str:
    """Join two phrases, writing their overlap once: 风险监测 + 监测样品 → 风险监测样品."""
    for k in range(min(len(left), len(right)), 0, -1):
        if left.endswith(right[:k]):
            return left + right[k:]
    return left + right


def continue_list(prev: Found, head: str, obj: str) -> str:
    """A list item after a count target: "培育600家…、1000家省级示范家庭农场" or "省级例行监测样本40个、市级15个"."""
    if not head:
        return prev.head + obj
    prev_metric = prev.indicator.metric
    if head.endswith("级") and "级" in prev_metric and not obj:
        return head + prev_metric[prev_metric.index("级") + 1:]
    return head + obj


def scoped(text: str, metric: str, clause_start: int, found: list[Found], v: Vocab) -> str:
    """"提升…经营的比例，各主城区达到50%以上" → "…经营的比例（各主城区）": the scope borrows the rate before."""
    if not metric.startswith(v.scope_heads) or metric.endswith(v.rate_words) or clause_start == 0:
        return metric
    if text[clause_start - 1] in SENTENCE_BREAKS:
        return metric
    prev_start = break_before(text, clause_start - 1, CLAUSE_BREAKS)
    if any(f.clause_start == prev_start for f in found):
        return metric
    prev = v.clean(text[prev_start:clause_start - 1])[0]
    return f"{prev}（{metric}）" if prev.endswith(v.rate_words) else metric


def subject_before(text: str, head: str, clause_start: int, found: list[Found], v: Vocab) -> str:
    """"引导实施6S标准化管理，覆盖率达到90%以上": a bare rate word takes its subject from the clause before."""
    if len(head) > 3 or not head.endswith(v.rate_words) or clause_start == 0:
        return head
    if text[clause_start - 1] in SENTENCE_BREAKS:
        return head
    prev_start = break_before(text, clause_start - 1, CLAUSE_BREAKS)
    if any(f.clause_start == prev_start for f in found):
        return head
    return v.clean(text[prev_start:clause_start - 1])[0] + head


def inherit(text: str, clause_start: int, found: list[Found], v: Vocab) -> str:
    """A clause with no subject ("…抽检3900批次，达到6批次/千人") measures what the target before it does."""
    sentence_start = break_before(text, clause_start, SENTENCE_BREAKS)
    for f in reversed(found):
        if f.indicator.span[0] >= sentence_start:
            return f.head or f.indicator.metric
    return ""


def changed_before(text: str, clause_start: int, found: list[Found], v: Vocab) -> str:
    """"将商标变更、续展业务办理时限压缩一半，分别减至1个月": the clause before names what is cut down."""
    if clause_start == 0 or text[clause_start - 1] in SENTENCE_BREAKS:
        return ""
    prev_start = break_before(text, clause_start - 1, CLAUSE_BREAKS)
    if any(f.clause_start == prev_start for f in found):
        return ""
    words, _ = v.clean(text[prev_start:clause_start - 1])
    cut = min((i for i in (words.find(c) for c in v.change_verbs) if i > 0), default=-1)
    return words[:cut] if cut > 0 else ""

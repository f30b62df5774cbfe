"""Numeric targets in one task unit: 合格率达到97%以上 → Indicator(合格率, >=, 97.0, %).

A number is a target only when it carries a unit and either a comparator word (达到, 不少于, 以上…)
or, for counts, a completion verb (新建40家, 抽检3900批次). Bare counts describe scope
("围绕全省七大类24种农业特色优势产品") and are skipped: a wrong target misleads an auditor more than a
missing one. No digit, no target: "规模以上食品生产企业全部建立HACCP体系" yields nothing.
All vocabulary lives in ``data/indicators.toml``; the rules below only say where to look.

>>> [(i.metric, i.comparator, i.value, i.unit) for i in extract_indicators("农药利用率达到40%，")]
[('农药利用率', '>=', 40.0, '%')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.loaders.indicator_vocab import Vocab, vocab
from policygraph.loaders.model import Comparator, Indicator

_CLAUSE_BREAKS = "，,；;。！!？?：:\n"
_SENTENCE_BREAKS = "；;。！!？?\n"
_NUMBER = re.compile(r"(?<![0-9A-Za-z.．])\d+(?:\.\d+)?(?![0-9A-Za-z])")
_RANGE_MARKS = "～~〜-—–至到"
_LIST_JOINERS = "、和及与 \t"


@dataclass
class _Found:
    """A target read so far, with what a following list item may inherit from it."""

    indicator: Indicator  # span still relative to the text, base added at the end
    head: str  # cleaned words before the number: 培育 in 培育600家以上规范的农民合作社
    is_count: bool
    end: int
    clause_start: int


@dataclass
class _Number:
    """A number with its unit and the comparator words around it, as offsets into the text."""

    start: int
    end: int  # end of unit (and of any 每千人 base)
    value: float
    unit: str
    per: str | None = None
    head_end: int = 0  # where the words before the number (the metric) end
    before: Comparator | None = None
    after: Comparator | None = None
    after_end: int = 0
    rate: bool = False


def extract_indicators(text: str, base: int = 0) -> list[Indicator]:
    """Every numeric target in one task unit's normalised text, in order; spans are offset by ``base``.

    >>> [i.unit for i in extract_indicators("全年安排食品安全监督抽检3900批次，达到6批次/千人。")]
    ['批次', '批次/千人']
    """
    v = vocab()
    found: list[_Found] = []
    for m in _NUMBER.finditer(text):
        num = _read_number(text, m, v)
        if num is not None:
            target = _read_target(text, num, found, v)
            if target is not None:
                found.append(target)
    return [f.indicator.model_copy(update={"span": (f.indicator.span[0] + base, f.indicator.span[1] + base)})
            for f in found]


def _read_number(text: str, m: re.Match[str], v: Vocab) -> _Number | None:
    """The number at ``m`` with unit and comparators, or None for years, dates, ranges, ISO22000, 等4种."""
    start, pos, factor = m.start(), m.end(), 1.0
    if len(m.group()) > 15:  # a code or an identifier, never a target
        return None
    unit_m = v.unit_re.match(text, pos)
    if unit_m is None and text[pos:pos + 1] in v.multipliers:  # 1.5万批次 → 15000 批次
        factor, unit_m = v.multipliers[text[pos]], v.unit_re.match(text, pos + 1)
    if unit_m is None:
        return None
    left = text[:start].rstrip()
    if left.endswith(("第", "等")) or (left[-1:] in _RANGE_MARKS and left[:-1].rstrip()[-1:].isdigit()):
        return None
    after_unit = text[unit_m.end():unit_m.end() + 2].lstrip()
    if after_unit[:1] in _RANGE_MARKS and after_unit[1:2].isdigit():
        return None
    unit = v.unit_aliases.get(unit_m["unit"], unit_m["unit"])
    num = _Number(start, unit_m.end(), float(m.group()) * factor, unit)
    if unit_m["per"]:
        num.per, num.unit = unit_m["per"], f"{unit}/{unit_m['per']}"
    head_end = len(left)
    per_m = v.per_tail_re.search(text, max(0, head_end - 8), head_end)
    if per_m is not None and per_m["base"] != "年" and num.per is None:
        num.per, num.unit, head_end = per_m["base"], f"{unit}/{per_m['base']}", per_m.start()
    head_end = _strip_end(text, head_end, v.fillers)
    for word, op in v.before:
        if text.startswith(word, head_end - len(word)) and head_end >= len(word):
            num.before, head_end = op, head_end - len(word)
            break
    num.head_end = head_end
    num.after_end = num.end
    rest = text[num.end:]
    for word, op in v.after:
        if rest.lstrip(" ").startswith(word):
            num.after, num.after_end = op, num.end + rest.index(word) + len(word)
            break
    num.rate = unit in v.rate_units or num.per is not None
    return num


def _strip_end(text: str, end: int, words: tuple[str, ...]) -> int:
    """Move ``end`` left over spaces and any of ``words`` written just before it."""
    while True:
        while end > 0 and text[end - 1].isspace():
            end -= 1
        for w in words:
            if end >= len(w) and text.startswith(w, end - len(w)):
                end -= len(w)
                break
        else:
            return end


def _read_target(text: str, num: _Number, found: list[_Found], v: Vocab) -> _Found | None:
    """Decide whether ``num`` is a target and name what it measures; None when it only describes scope."""
    clause_start = _break_before(text, num.start, _CLAUSE_BREAKS)
    clause_end = _break_after(text, num.after_end, _CLAUSE_BREAKS)
    prev = found[-1] if found and found[-1].clause_start == clause_start else None
    head_start = clause_start
    if prev is not None:
        head_start = prev.end
        while head_start < num.head_end and text[head_start] in _LIST_JOINERS:
            head_start += 1
    head_start = max(head_start, _after_connective(text, head_start, num.head_end, v))
    head, skipped = v.clean(text[head_start:num.head_end])
    rest = text[num.after_end:clause_end].strip()
    span_start, span_end = min(head_start + skipped, num.start), num.after_end
    has_verb = any(w in text[head_start:num.head_end] for w in v.completion)
    op: Comparator | None = num.after or num.before
    metric, is_share = "", False
    if head.startswith("每") and not num.rate:
        metric, unit, obj_end = _per_quantity(text, num, head, clause_start, found, v)
        num.unit, span_end = unit, max(span_end, obj_end)
    elif num.rate:
        op = op or ">="
        if num.unit == "%" and rest and not rest.startswith(("，", "、", "并", "和", "且")) and num.before is None:
            # "85%以上的餐饮服务单位达到…标准", "推动60%规模以上的…", "100％获证": a share of what follows.
            metric, span_end = v.share(head + v.clean(rest.removeprefix("的"))[0]), clause_end
            is_share = True
        else:
            metric = _subject_before(text, head, clause_start, found, v)
    else:
        obj, obj_end = _object(text, num.after_end, clause_end)
        if num.before is not None or (num.after is not None and not rest) or has_verb:
            op = op or "="
            metric, span_end = head + v.clean(obj)[0], max(span_end, obj_end)
        elif num.after is not None and num.unit in v.countable and any(p in rest for p in v.predicate):
            metric, span_end = v.clean(rest.removeprefix("的"))[0] + v.count_suffix, clause_end  # 7个以上市达到…
        elif prev is not None and prev.is_count:
            op, metric = num.after or "=", _continue_list(prev, head, v.clean(obj)[0])
            span_end = max(span_end, obj_end)
            head = prev.head if not head else head
        if op is None:
            return None
    if num.rate and num.unit == "%" and not is_share:
        scoped = _scoped(text, metric, clause_start, found, v)
        metric = scoped if scoped != metric else v.share(metric)
    if not metric:
        metric = _inherit(text, clause_start, found, v)
    if not metric or op is None:
        return None
    indicator = Indicator(metric=metric, comparator=op, value=num.value, unit=num.unit,
                          deadline=_deadline(text, num.start, v), span=(span_start, span_end))
    return _Found(indicator, head, not num.rate, span_end, clause_start)


def _break_before(text: str, pos: int, breaks: str) -> int:
    """Start of the clause or sentence holding ``pos``."""
    return max(text.rfind(ch, 0, pos) for ch in breaks) + 1


def _break_after(text: str, pos: int, breaks: str) -> int:
    """End (exclusive) of the clause or sentence holding ``pos``."""
    ends = [i for i in (text.find(ch, pos) for ch in breaks) if i >= 0]
    return min(ends) if ends else len(text)


def _after_connective(text: str, start: int, end: int, v: Vocab) -> int:
    """Offset just after the last connective (确保, 实现…) in text[start:end], or ``start``."""
    best = start
    for c in v.connectives:
        i = text.rfind(c, start, end)
        if i >= 0 and end - (i + len(c)) >= 2:
            best = max(best, i + len(c))
    return best


def _object(text: str, start: int, clause_end: int) -> tuple[str, int]:
    """What a count counts, written after it: 新建40家|区级食品安全管理示范店; stops before a next list item."""
    end = clause_end
    for i in range(start, clause_end):
        if text[i] == "、" and any(ch.isdigit() for ch in text[i:clause_end]):
            end = i
            break
    return text[start:end].strip(), end


def _per_quantity(text: str, num: _Number, head: str, clause_start: int,
                  found: list[_Found], v: Vocab) -> tuple[str, str, int]:
    """每万吨粮食产量不少于1个监测样品 → ("…监测样品数（每万吨粮食产量）", "个/万吨").

    The thing sampled is often named by the clause before ("强化粮食质量安全风险监测，每万吨…"), so that
    clause lends its words, overlapping ones merged once.
    """
    m = v.per_re.match(head)
    base_unit = m["base"] if m else head[1:2]
    base_phrase, verb = head[1:], ""
    for w in v.completion:
        if base_phrase.endswith(w) and len(base_phrase) > len(w):
            base_phrase, verb = base_phrase[: -len(w)], w
            break
    obj, obj_end = _object(text, num.after_end, _break_after(text, num.after_end, _CLAUSE_BREAKS))
    noun = verb + v.clean(obj)[0]
    subject = ""
    prev_start = _break_before(text, clause_start - 1, _CLAUSE_BREAKS) if clause_start > 0 else clause_start
    if clause_start > 0 and text[clause_start - 1] not in _SENTENCE_BREAKS and not any(
            f.clause_start == prev_start for f in found):
        subject = v.clean(text[prev_start:clause_start - 1])[0]
    merged = _merge(subject, noun) if not verb else noun
    return f"{merged}{v.count_suffix}（每{base_phrase}）", f"{num.unit}/{base_unit}", obj_end


def _merge(left: str, right: str) -> str:
    """Join two phrases, writing their overlap once: 风险监测 + 监测样品 → 风险监测样品."""
    for k in range(min(len(left), len(right)), 0, -1):
        if left.endswith(right[:k]):
            return left + right[k:]
    return left + right


def _continue_list(prev: _Found, head: str, obj: str) -> str:
    """A list item after a count target: "培育600家…、1000家省级示范家庭农场" or "省级例行监测样本40个、市级15个"."""
    if not head:
        return prev.head + obj
    prev_metric = prev.indicator.metric
    if head.endswith("级") and "级" in prev_metric and not obj:
        return head + prev_metric[prev_metric.index("级") + 1:]
    return head + obj


def _scoped(text: str, metric: str, clause_start: int, found: list[_Found], v: Vocab) -> str:
    """"提升…经营的比例，各主城区达到50%以上" → "…经营的比例（各主城区）": the scope borrows the rate before."""
    if not metric.startswith(v.scope_heads) or metric.endswith(v.rate_words) or clause_start == 0:
        return metric
    if text[clause_start - 1] in _SENTENCE_BREAKS:
        return metric
    prev_start = _break_before(text, clause_start - 1, _CLAUSE_BREAKS)
    if any(f.clause_start == prev_start for f in found):
        return metric
    prev = v.clean(text[prev_start:clause_start - 1])[0]
    return f"{prev}（{metric}）" if prev.endswith(v.rate_words) else metric


def _subject_before(text: str, head: str, clause_start: int, found: list[_Found], v: Vocab) -> str:
    """"引导实施6S标准化管理，覆盖率达到90%以上": a bare rate word takes its subject from the clause before."""
    if len(head) > 3 or not head.endswith(v.rate_words) or clause_start == 0:
        return head
    if text[clause_start - 1] in _SENTENCE_BREAKS:
        return head
    prev_start = _break_before(text, clause_start - 1, _CLAUSE_BREAKS)
    if any(f.clause_start == prev_start for f in found):
        return head
    return v.clean(text[prev_start:clause_start - 1])[0] + head


def _inherit(text: str, clause_start: int, found: list[_Found], v: Vocab) -> str:
    """A clause with no subject ("…抽检3900批次，达到6批次/千人") measures what the target before it does."""
    sentence_start = _break_before(text, clause_start, _SENTENCE_BREAKS)
    for f in reversed(found):
        if f.indicator.span[0] >= sentence_start:
            return f.head or f.indicator.metric
    return ""


def _deadline(text: str, pos: int, v: Vocab) -> int | None:
    """The last year cued as a deadline ("到2020年，", "2020年底前") earlier in the sentence, if any."""
    sentence_start = _break_before(text, pos, "。！!？?\n")  # "到2020年，…；完成18个…" shares the year
    year: int | None = None
    for m in v.deadline_re.finditer(text, sentence_start, pos):
        if m["pre"] or m["post"]:
            year = int(m["year"])
    return year


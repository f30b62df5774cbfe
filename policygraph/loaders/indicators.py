"""Numeric targets in one task unit: 合格率达到97%以上 → Indicator(合格率, >=, 97.0, %).

A number is a target only when it carries a unit and either a comparator word (达到, 不少于, 以上…)
or, for counts, a completion verb (新建40家, 抽检3900批次). Bare counts describe scope
("围绕全省七大类24种农业特色优势产品") and are skipped: a wrong target misleads an auditor more than a
missing one. No digit, no target: "规模以上食品生产企业全部建立HACCP体系" yields nothing.
Numbers may be written in words (至少开展一次, 两家, 半个月: see ``indicator_numbers``); a number in words is a
target only when a comparator binds it, a completion verb counts two or more of something, or it continues a
list of targets ("分别减至1个月、半个月"), so that 形成一批新业态 stays a description. Deadlines and achieved
values (a 发展现状 paragraph's 2020 figures) are read by ``indicator_context``.
All vocabulary lives in ``data/indicators.toml``; the rules below only say where to look.

>>> [(i.metric, i.comparator, i.value, i.unit) for i in extract_indicators("农药利用率达到40%，")]
[('农药利用率', '>=', 40.0, '%')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.loaders import indicator_context as context
from policygraph.loaders.indicator_metrics import (CLAUSE_BREAKS, SENTENCE_BREAKS, Found, break_after, break_before,
                                                   changed_before, continue_list, inherit, merge, scoped,
                                                   subject_before)
from policygraph.loaders.indicator_numbers import Numeral, numbers
from policygraph.loaders.indicator_vocab import Vocab, vocab
from policygraph.loaders.model import Comparator, Indicator

_IDIOM_AFTER = ("性", "化", "体", "分之")  # 一次性, 一体化, 三分之一: a numeral inside a word
_RANGE_MARKS = "～~〜-—–至到"
# The lower bound of a range written before an upper bound with its unit: 培育3—5家 → at least 3 家.
_RANGE_LOW = re.compile(rf"(?<![0-9A-Za-z.第])(?P<low>\d+(?:\.\d+)?)\s*[{re.escape(_RANGE_MARKS)}]\s*$")
_LIST_JOINERS = "、和及与 \t"


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
    chinese: bool = False
    verb: str = ""  # a verb between comparator and number: 至少开展1次 → 开展
    ranged: bool = False  # written as a range (3—5家): once a target, it is at least its lower bound


def extract_indicators(text: str, base: int = 0) -> list[Indicator]:
    """Every numeric target in one task unit's normalised text, in order; spans are offset by ``base``.

    >>> [i.unit for i in extract_indicators("全年安排食品安全监督抽检3900批次，达到6批次/千人。")]
    ['批次', '批次/千人']
    """
    v = vocab()
    found: list[Found] = []
    if context.is_review(text, v):
        return []
    for numeral in numbers(text):
        num = _read_number(text, numeral, v)
        if num is not None and not context.is_achieved(
                text, break_before(text, num.start, CLAUSE_BREAKS), num.start, v):
            target = _read_target(text, num, found, v)
            if target is not None:
                found.append(target)
    return [f.indicator.model_copy(update={"span": (f.indicator.span[0] + base, f.indicator.span[1] + base)})
            for f in found]


def _read_number(text: str, numeral: Numeral, v: Vocab) -> _Number | None:
    """The number with unit and comparators, or None for years, dates, ranges, ISO22000, 等4种, 一次性."""
    start, pos, factor = numeral.start, numeral.end, 1.0
    unit_m = v.unit_re.match(text, pos)
    if text[pos:pos + 1] in v.multipliers and not numeral.chinese:  # 1.5万批次 → 15000 批次
        scaled = v.unit_re.match(text, pos + 1)  # 8000万人次 is 人次 scaled, not 万人 and a stray 次
        if scaled is not None and (unit_m is None or scaled.end() > unit_m.end()):
            factor, unit_m = v.multipliers[text[pos]], scaled
    population = v.population_re.match(text, pos) if unit_m is None and not numeral.chinese else None
    if unit_m is None and population is None:
        return None
    left = text[:start].rstrip()
    low = _RANGE_LOW.search(left) if not numeral.chinese else None
    if low is not None:  # 3—5家: the range is read at its lower bound, from where it starts
        start, value, left = low.start(), float(low["low"]), text[:low.start()].rstrip()
    else:
        value = numeral.value
    if left.endswith(("第", "等")) or (left[-1:] in _RANGE_MARKS and left[:-1].rstrip()[-1:].isdigit()):
        return None
    unit_end = unit_m.end() if unit_m is not None else population.end() if population is not None else pos
    if text.startswith(_IDIOM_AFTER, unit_end) or (numeral.chinese and text.startswith(_IDIOM_AFTER, pos)):
        return None
    after_unit = text[unit_end:unit_end + 2].lstrip()
    if after_unit[:1] in _RANGE_MARKS and after_unit[1:2].isdigit():
        return None
    if unit_m is not None:
        unit = v.unit_aliases.get(unit_m["unit"], unit_m["unit"])
    else:  # 发生率控制在4/10万以下: a rate per head of population, unit "/10万"
        assert population is not None
        unit = "/" + "".join(population["unit"].split())
    num = _Number(start, unit_end, value * factor, unit, chinese=numeral.chinese, ranged=low is not None)
    if unit_m is not None and unit_m["per"]:
        num.per, num.unit = unit_m["per"], f"{unit}/{unit_m['per']}"
    head_end = len(left)
    per_m = v.per_tail_re.search(text, max(0, head_end - 8), head_end)
    if per_m is not None and per_m["base"] != "年" and num.per is None:
        num.per, num.unit, head_end = per_m["base"], f"{unit}/{per_m['base']}", per_m.start()
    head_end = _strip_end(text, head_end, v.fillers)
    num.before, head_end = _comparator_before(text, head_end, v, numeral.chinese)
    if num.before is None:  # 至少开展1次: the comparator stands before a verb of the action counted
        for verb in v.through_verbs:
            if text.startswith(verb, head_end - len(verb)) and head_end >= len(verb):
                op, at = _comparator_before(text, _strip_end(text, head_end - len(verb), ()), v, numeral.chinese)
                if op is not None:
                    num.before, num.verb, head_end = op, verb, at
                break
    num.head_end = head_end
    num.after_end = num.end
    rest = text[num.end:]
    for word, op in v.after:
        if rest.lstrip(" ").startswith(word):
            num.after, num.after_end = op, num.end + rest.index(word) + len(word)
            break
    num.rate = unit in v.rate_units or num.per is not None or population is not None
    return num


def _comparator_before(text: str, end: int, v: Vocab, chinese: bool) -> tuple[Comparator | None, int]:
    """The comparator word written just before ``end`` and where it starts, else (None, end).

    The words are sorted longest first, so the leftmost match of one anchored alternation is the same word the
    list would give; one regex search instead of a loop over every word, for every number of every task.
    """
    pattern, ops, reach = _before_pattern(v)
    m = pattern.search(text, max(0, end - reach), end)
    if m is None:
        return None, end
    word = m.group()
    if chinese and word in v.digits_only:
        return None, end
    return ops[word], m.start()


_BEFORE: dict[int, tuple[re.Pattern[str], dict[str, Comparator], int]] = {}


def _before_pattern(v: Vocab) -> tuple[re.Pattern[str], dict[str, Comparator], int]:
    found = _BEFORE.get(id(v))
    if found is None:
        words = [w for w, _ in v.before if w]
        ops: dict[str, Comparator] = {}
        for w, op in v.before:
            ops.setdefault(w, op)
        found = (re.compile("(?:" + "|".join(re.escape(w) for w in words) + ")$"), ops,
                 max((len(w) for w in words), default=1))
        _BEFORE[id(v)] = found
    return found


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


def _read_target(text: str, num: _Number, found: list[Found], v: Vocab) -> Found | None:
    """Decide whether ``num`` is a target and name what it measures; None when it only describes scope."""
    clause_start = break_before(text, num.start, CLAUSE_BREAKS)
    clause_end = break_after(text, num.after_end, CLAUSE_BREAKS)
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
    listed = prev is not None and prev.is_count and not head and not num.rate
    if num.chinese and op is None and not listed and not (has_verb and num.value >= 2):
        return None  # 形成一批新业态, 打造一个平台: a numeral in words binds only when a target says so
    metric, is_share = "", False
    if head.startswith("每") and not num.rate:
        per = _per_quantity(text, num, head, clause_start, found, v)
        if per is None:
            return None
        metric, num.unit, obj_end = per
        span_end = max(span_end, obj_end)
        if op is None and head.endswith(v.completion):  # 每年新培育3—5家: a verb right before the count binds it
            op = "="
    elif num.rate:
        op = op or ">="
        if num.unit == "%" and rest and not rest.startswith(("，", "、", "并", "和", "且")) and num.before is None:
            # "85%以上的餐饮服务单位达到…标准", "推动60%规模以上的…", "100％获证": a share of what follows.
            metric, span_end = v.share(head + v.clean(rest.removeprefix("的"))[0]), clause_end
            is_share = True
        else:
            metric = subject_before(text, head, clause_start, found, v)
    else:
        obj, obj_end = _object(text, num.after_end, clause_end)
        obj = num.verb + obj
        if num.before is not None or (num.after is not None and not rest) or has_verb:
            op = op or "="
            metric, span_end = head + v.clean(obj)[0], max(span_end, obj_end)
        elif num.after is not None and num.unit in v.countable and any(p in rest for p in v.predicate):
            metric, span_end = v.clean(rest.removeprefix("的"))[0] + v.count_suffix, clause_end  # 7个以上市达到…
        elif prev is not None and prev.is_count:
            # 分别减至1个月、半个月: a bare item right after a bound one shares its comparator
            op = num.after or (prev.shared_op if listed else None) or "="
            metric = continue_list(prev, head, v.clean(obj)[0])
            span_end = max(span_end, obj_end)
            head = prev.head if not head else head
        if op is None:
            return None
    if num.rate and num.unit == "%" and not is_share:
        within = scoped(text, metric, clause_start, found, v)
        metric = within if within != metric else v.share(metric)
    if not metric:
        metric = inherit(text, clause_start, found, v) or changed_before(text, clause_start, found, v)
    if not metric or op is None:
        return None
    if num.ranged and op == "=":
        op = ">="
    indicator = Indicator(metric=metric, comparator=op, value=num.value, unit=num.unit,
                          deadline=context.deadline(text, num.start, v), span=(span_start, span_end))
    shared = num.before if num.before is not None else (prev.shared_op if listed and prev else None)
    return Found(indicator, head, not num.rate, span_end, clause_start, shared)


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
        if text[i] == "、" and (any(ch.isdigit() for ch in text[i:clause_end]) or _numeral_item(text, i + 1)):
            end = i
            break
    return text[start:end].strip(), end


def _numeral_item(text: str, pos: int) -> bool:
    """Whether a list item written in words starts at ``pos`` ("、半个月"), not a word such as 半侵入式."""
    m = next(numbers(text[pos:pos + 8]), None)
    return m is not None and m.chinese and m.start == 0 and vocab().unit_re.match(text, pos + m.end) is not None


def _per_quantity(text: str, num: _Number, head: str, clause_start: int,
                  found: list[Found], v: Vocab) -> tuple[str, str, int] | None:
    """每万吨粮食产量不少于1个监测样品 → ("…监测样品数（每万吨粮食产量）", "个/万吨"); None for an unknown base.

    The thing sampled is often named by the clause before ("强化粮食质量安全风险监测，每万吨…"), so that
    clause lends its words, overlapping ones merged once. A frequency ("每季度组织全体工作人员开展不少于1次…演练")
    names its own action: the words after the period belong to the metric, only the period is bracketed.
    """
    m = v.per_re.match(head)
    if m is None:  # 每两年: a period the vocabulary does not list is not guessed at
        return None
    obj, obj_end = _object(text, num.after_end, break_after(text, num.after_end, CLAUSE_BREAKS))
    if m["base"] in v.frequency_bases:
        noun = v.clean(head[m.end():])[0] + num.verb + v.clean(obj)[0]
        return f"{noun}{v.count_suffix}（每{m['base']}）", f"{num.unit}/{m['base']}", obj_end
    base_phrase, verb = head[1:], num.verb
    for w in v.completion:
        if base_phrase.endswith(w) and len(base_phrase) > len(w):
            base_phrase, verb = base_phrase[: -len(w)], w + verb
            break
    noun = verb + v.clean(obj)[0]
    subject = ""
    prev_start = break_before(text, clause_start - 1, CLAUSE_BREAKS) if clause_start > 0 else clause_start
    if clause_start > 0 and text[clause_start - 1] not in SENTENCE_BREAKS and not any(
            f.clause_start == prev_start for f in found):
        subject = v.clean(text[prev_start:clause_start - 1])[0]
    merged = merge(subject, noun) if not verb else noun
    return f"{merged}{v.count_suffix}（每{base_phrase}）", f"{num.unit}/{m['base']}", obj_end

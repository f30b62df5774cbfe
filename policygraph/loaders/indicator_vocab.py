"""The reviewed vocabulary of numeric targets (``data/indicators.toml``), loaded once and compiled.

Kept apart from ``indicators.py`` so the rules there read as rules: every word they test comes from here.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from policygraph.errors import ConfigError
from policygraph.loaders.model import Comparator


@dataclass(frozen=True)
class Vocab:
    """The reviewed word lists of ``data/indicators.toml``, sorted longest first and compiled once."""

    before: tuple[tuple[str, Comparator], ...]
    after: tuple[tuple[str, Comparator], ...]
    rate_units: tuple[str, ...]
    countable: frozenset[str]
    unit_aliases: dict[str, str]
    multipliers: dict[str, float]
    fillers: tuple[str, ...]
    completion: tuple[str, ...]
    predicate: tuple[str, ...]
    stop_prefixes: tuple[str, ...]
    stop_suffixes: tuple[str, ...]
    drop_chars: str
    rate_words: tuple[str, ...]
    share_suffix: str
    count_suffix: str
    scope_heads: tuple[str, ...]
    connectives: tuple[str, ...]
    change_verbs: tuple[str, ...]
    through_verbs: tuple[str, ...]
    digits_only: frozenset[str]
    goal_headings: tuple[str, ...]
    frequency_bases: frozenset[str]
    review_headings: tuple[str, ...]
    review_heading_max: int
    achieved_sentence: tuple[str, ...]
    achieved_clause: tuple[str, ...]
    unit_re: re.Pattern[str]
    per_re: re.Pattern[str]
    per_tail_re: re.Pattern[str]
    deadline_re: re.Pattern[str]
    population_re: re.Pattern[str]

    def clean(self, phrase: str) -> tuple[str, int]:
        """A metric from raw words: lead verbs/scopes, quotes, spaces and trailing 要 removed.

        Returns the metric and how many leading characters of ``phrase`` were skipped, for the span.
        """
        lead, moved = 0, True
        while moved:
            moved = False
            year = self.deadline_re.match(phrase, lead)  # 2020年底前将…办理时间: the year is the deadline
            if year is not None and (year["pre"] or year["post"]):
                lead, moved = year.end(), True
                continue
            while lead < len(phrase) and (phrase[lead].isspace() or phrase[lead] in self.drop_chars):
                lead += 1
            for p in self.stop_prefixes:
                if phrase.startswith(p, lead) and not phrase.startswith(self.rate_words, lead + len(p)):
                    lead, moved = lead + len(p), True
                    break
        body = "".join(ch for ch in phrase[lead:] if not ch.isspace() and ch not in self.drop_chars)
        moved = True
        while moved and body:
            moved = False
            for sfx in (*self.stop_suffixes, "，", "、", ","):
                if body.endswith(sfx):
                    body, moved = body[: -len(sfx)], True
                    break
        return body, lead

    def share(self, metric: str) -> str:
        """Name a share: 餐饮服务单位达到清洁厨房标准 → 餐饮服务单位达到清洁厨房标准比例."""
        return metric if not metric or metric.endswith(self.rate_words) else metric + self.share_suffix


def _longest(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in _longest(words))


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """Load ``data/indicators.toml`` once; a missing or malformed file is a ConfigError."""
    try:
        raw: dict[str, Any] = tomllib.loads(
            resources.files("policygraph.data").joinpath("indicators.toml").read_text(encoding="utf-8"))
        cmp, units, verbs, metric, dl, done = (raw["comparators"], raw["units"], raw["verbs"], raw["metric"],
                                               raw["deadline"], raw["achieved"])
        pairs = {side: sorted(((w, cast(Comparator, op)) for op, ws in cmp[side].items() for w in ws),
                              key=lambda p: (-len(p[0]), p[0])) for side in ("before", "after")}
        bases = _alternation(units["per_bases"])
        post = _alternation([a.removeprefix("年") for a in dl["after"] if a.removeprefix("年")])
        return Vocab(
            before=tuple(pairs["before"]), after=tuple(pairs["after"]),
            rate_units=tuple(units["rate"]), countable=frozenset(units["countable"]),
            unit_aliases=dict(units["aliases"]),
            multipliers={k: float(f) for k, f in units["multipliers"].items()}, fillers=_longest(units["fillers"]),
            completion=_longest(verbs["completion"]), predicate=_longest(verbs["predicate"]),
            stop_prefixes=_longest(metric["stop_prefixes"]), stop_suffixes=_longest(metric["stop_suffixes"]),
            drop_chars=metric["drop_chars"], rate_words=_longest(metric["rate_words"]),
            share_suffix=metric["share_suffix"], count_suffix=metric["count_suffix"],
            scope_heads=tuple(metric["scope_heads"]), connectives=_longest(metric["connectives"]),
            change_verbs=_longest(metric["change_verbs"]), through_verbs=_longest(cmp["through_verbs"]),
            digits_only=frozenset(cmp["digits_only"]), goal_headings=tuple(dl["goal_headings"]),
            frequency_bases=frozenset(units["frequency_bases"]),
            review_headings=_longest(done["headings"]), review_heading_max=int(done["heading_max"]),
            achieved_sentence=_longest(done["sentence"]), achieved_clause=_longest(done["clause"]),
            unit_re=re.compile(rf"[ \t]*(?P<unit>{_alternation(units['rate'] + units['count'])})"
                               rf"(?:/(?P<per>{bases}|[\u4e00-\u9fff]))?"),
            per_re=re.compile(rf"每个?(?P<base>{bases})"),
            per_tail_re=re.compile(rf"每个?(?P<base>{bases})\s*$"),
            deadline_re=re.compile(rf"(?:(?P<pre>{_alternation(dl['before'])})\s*)?(?P<year>(?:19|20)\d{{2}})"
                                   rf"\s*年(?:\s*(?P<post>{post}))?"),
            population_re=re.compile(rf"[ \t]*/[ \t]*(?P<unit>\d+\s*(?:{_alternation(units['population'])}))"),
        )
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"policygraph/data/indicators.toml: {exc}") from exc

"""The reviewed vocabulary of citations (``data/citations.toml``), loaded once and compiled.

Kept apart from ``citations.py`` so that the finders of each form of citation (bracketed titles, bare plan
names, bare law names, standard codes) read the same word lists without importing one another.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from policygraph.errors import ConfigError


@dataclass(frozen=True)
class Rule:
    """One ordered classification rule: all the conditions it names must hold."""

    kind: str
    suffix: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    place: tuple[str, ...] = ()

    def matches(self, title: str, place: str | None) -> bool:
        return ((not self.suffix or title.endswith(self.suffix))
                and (not self.contains or any(w in title for w in self.contains))
                and (not self.place or place in self.place))


@dataclass(frozen=True)
class Vocab:
    """Every word list of ``data/citations.toml``, longest first where matching order matters."""

    rules: tuple[Rule, ...]
    default_kind: str
    provinces: tuple[str, ...]
    place_re: re.Pattern[str]
    levels: dict[str, str]  # place suffix → level
    not_places: tuple[str, ...]
    bare_places: tuple[str, ...]
    bare_verbs: tuple[str, ...]
    bare_suffixes: tuple[str, ...]
    generic_starts: tuple[str, ...]
    min_length: int
    max_length: int
    standard_kind: str
    standard_re: re.Pattern[str]
    law_cue_re: re.Pattern[str]
    law_max: int
    law_min: int
    not_laws: tuple[str, ...]
    law_word_after: str
    link_extensions: tuple[str, ...]
    link_cue_re: re.Pattern[str]
    link_lines: tuple[str, ...]


def _longest(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """Load ``data/citations.toml`` once; a missing or malformed file is a ConfigError."""
    try:
        raw: dict[str, Any] = tomllib.loads(
            resources.files("policygraph.data").joinpath("citations.toml").read_text(encoding="utf-8"))
        rules = tuple(Rule(kind=r["kind"], suffix=tuple(r.get("suffix", ())), contains=tuple(r.get("contains", ())),
                           place=tuple(r.get("place", ()))) for r in raw["rules"])
        places, bare, std, laws, links = raw["places"], raw["bare"], raw["standards"], raw["laws"], raw["links"]
        levels = {s: lvl for lvl in ("province", "city", "county") for s in places[f"{lvl}_suffixes"]}
        suffixes = "|".join(re.escape(s) for s in sorted(levels, key=len, reverse=True))
        prefixes = "|".join(re.escape(p) for p in _longest(std["prefixes"]))
        cues = "|".join(re.escape(c) for c in _longest(laws["cues"]))
        return Vocab(
            rules=rules, default_kind=raw["default_kind"],
            provinces=_longest(places["provinces"]),
            place_re=re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,4}}?(?P<suffix>{suffixes}))"),
            levels=levels, not_places=tuple(places["not_places"]),
            bare_places=tuple(bare["extra_places"]),
            bare_verbs=_longest(bare["verbs"]), bare_suffixes=_longest(bare["suffixes"]),
            generic_starts=tuple(bare["generic_starts"]),
            min_length=int(bare["min_length"]), max_length=int(bare["max_length"]),
            standard_kind=std["kind"],
            standard_re=re.compile(rf"(?<![A-Za-z])(?:{prefixes})[ \t]*\d+(?:\.\d+)*(?:[ \t]*[-—–][ \t]*\d{{4}})?"
                                   r"(?![0-9A-Za-z])"),
            law_cue_re=re.compile(cues), law_max=int(laws["max_length"]), law_min=int(laws["min_length"]),
            not_laws=_longest(laws["not_laws"]), law_word_after=laws["word_after"],
            link_extensions=_longest(links["extensions"]), link_lines=_longest(links["lines"]),
            link_cue_re=re.compile(rf"(?:{'|'.join(re.escape(c) for c in _longest(links['cues']))})"
                                   r"\s*\d*\s*[：:]?\s*(?:\d+\s*[.、．]\s*)?$"),
        )
    except (OSError, KeyError, TypeError, ValueError, re.error, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"policygraph/data/citations.toml: {exc}") from exc

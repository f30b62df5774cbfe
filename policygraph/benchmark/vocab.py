"""The generator's own vocabulary (``rewording.toml``): synonyms, agencies by level, titles, local additions.

Read once per process. These are the words the generator *writes*; the loaders never read this file, so a
benchmark cannot pass because the reader and the writer share a word list.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class AgencyForms:
    """One government function and how each level names its body (省市场监管局, 县农业农村局, 市教委)."""

    function: str
    national: str
    province: str
    local: str
    municipal: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Vocab:
    synonyms: tuple[tuple[str, str], ...]
    whole_place: tuple[str, ...]
    own_place: tuple[str, ...]
    seed_places: tuple[str, ...]
    local_openers: tuple[str, ...]
    local_additions: tuple[str, ...]
    local_sections: tuple[str, ...]
    agencies: tuple[AgencyForms, ...]
    national_titles: tuple[str, ...]
    local_titles: tuple[str, ...]
    preambles: tuple[str, ...]

    def forms(self, function: str) -> AgencyForms | None:
        return next((a for a in self.agencies if a.function == function), None)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The parsed ``rewording.toml`` of this package."""
    raw = tomllib.loads(resources.files("policygraph.benchmark").joinpath("rewording.toml").read_text("utf-8"))
    agencies = tuple(
        AgencyForms(function=a["function"], national=a["national"], province=a["province"], local=a["local"],
                    municipal=a.get("municipal", a["local"]), keywords=tuple(a.get("keywords", ())))
        for a in raw["agency"]
    )
    return Vocab(
        synonyms=tuple((a, b) for a, b in raw["synonyms"]),
        whole_place=tuple(raw["whole_place"]),
        own_place=tuple(raw["own_place"]),
        seed_places=tuple(raw["seed_places"]),
        local_openers=tuple(raw["local_openers"]),
        local_additions=tuple(raw["local_additions"]),
        local_sections=tuple(raw["local_sections"]),
        agencies=agencies,
        national_titles=tuple(raw["titles"]["national"]),
        local_titles=tuple(raw["titles"]["local"]),
        preambles=tuple(raw["preambles"]),
    )

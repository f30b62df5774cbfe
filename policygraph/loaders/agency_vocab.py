"""The agency vocabulary read from ``data/agencies.toml`` and ``data/functions.toml``, and lookups over it.

Names in responsibility parentheses are abbreviated (卫健委), merged (教体文旅局), reworded (自然资源 without
局) or mistyped (区场监管局). The vocabulary lists the forms seen in real plans; the lookups here add the
tolerance a reader has: one dropped, extra or wrong character, and keyword matching for merged bureaus
that are not listed, so new documents of the same genre resolve without new entries.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast, get_args

from policygraph.errors import ConfigError
from policygraph.loaders.model import Level, Role

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: Fuzzy matching only considers aliases at least this long: shorter ones (教育局, 民政局) differ from
#: unrelated words by a single character too easily.
FUZZY_MIN_LEN = 4
#: Keyword matching (for unlisted merged bureaus) only applies to names with one of these endings.
KEYWORD_ENDINGS = ("局", "厅", "委", "委员会", "办", "办公室", "部门")


@dataclass(frozen=True)
class BodyEntry:
    """One kind of body: its canonical names, the functions it carries and how it is written."""

    name: str
    functions: tuple[str, ...]
    aliases: tuple[str, ...]
    province_name: str | None = None
    party: bool = False
    level: str | None = None
    collective: bool = False
    keywords: tuple[str, ...] = ()

    def name_for(self, level: str) -> str:
        """The canonical name at a level: 农业农村厅 for a province, 农业农村局 below."""
        return self.province_name if level == "province" and self.province_name else self.name


@dataclass(frozen=True)
class Vocabulary:
    """Everything the agency parser reads from data files, indexed for lookup."""

    bodies: tuple[BodyEntry, ...]
    by_alias: dict[str, BodyEntry]
    prefixes: dict[str, Level]
    municipalities: frozenset[str]
    name_endings: tuple[str, ...]
    roles: tuple[tuple[str, Role], ...]
    syntax: dict[str, Any]
    not_contains: tuple[str, ...]
    not_starts: tuple[str, ...]
    functions: frozenset[str] = field(default_factory=frozenset)
    role_labels: tuple[tuple[str, Role], ...] = ()

    def exact(self, text: str) -> BodyEntry | None:
        """The body whose alias is exactly ``text``."""
        return self.by_alias.get(text)

    def fuzzy(self, text: str) -> BodyEntry | None:
        """The body one edit away from ``text`` (区业农村局 → 农业农村局), if that body is unambiguous.

        Ambiguity is judged on functions, not entries: 发展改革x may be near both 发改委 forms, which
        carry the same function, so the first listed one is taken.
        """
        if len(text) < FUZZY_MIN_LEN - 1:
            return None
        found: list[BodyEntry] = []
        for alias, entry in self.by_alias.items():
            if len(alias) >= FUZZY_MIN_LEN and _one_edit(text, alias):
                found.append(entry)
        if not found or len({e.functions for e in found}) > 1:
            return None
        return found[0]

    def keyword_functions(self, text: str) -> tuple[str, ...]:
        """Functions named by keywords inside an unlisted bureau name: 农业农村和水利局 → 农业农村, 水利.

        Keywords are matched longest first and may not overlap, so 农业农村 is not also read as 农业.
        """
        if not text.endswith(KEYWORD_ENDINGS):
            return ()
        pairs = sorted(((k, e) for e in self.bodies for k in e.keywords), key=lambda p: -len(p[0]))
        taken = [False] * len(text)
        hits: list[tuple[int, tuple[str, ...]]] = []
        for keyword, entry in pairs:
            start = text.find(keyword)
            while start >= 0:
                end = start + len(keyword)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    hits.append((start, entry.functions))
                start = text.find(keyword, start + 1)
        out: list[str] = []
        for _, funcs in sorted(hits):
            out.extend(f for f in funcs if f not in out)
        return tuple(out)


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one inserted, deleted or replaced character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def _read(name: str) -> dict[str, Any]:
    path = DATA_DIR / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read agency vocabulary {path}: {exc}") from exc


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Load and index the data files once; raise ConfigError if an entry uses an unlisted function."""
    data = _read("agencies.toml")
    funcs = _read("functions.toml")
    known = frozenset(funcs.get("canonical", [])) | frozenset(funcs.get("own", []))
    bodies: list[BodyEntry] = []
    by_alias: dict[str, BodyEntry] = {}
    for raw in data.get("body", []):
        entry = BodyEntry(
            name=raw["name"],
            functions=tuple(raw["functions"]),
            aliases=tuple(raw["aliases"]),
            province_name=raw.get("province_name"),
            party=bool(raw.get("party", False)),
            level=raw.get("level"),
            collective=bool(raw.get("collective", False)),
            keywords=tuple(raw.get("keywords", ())),
        )
        unknown = [f for f in entry.functions if f not in known]
        if unknown:
            raise ConfigError(f"agencies.toml: {entry.name} uses functions missing from functions.toml: {unknown}")
        bodies.append(entry)
        extra = (entry.province_name,) if entry.province_name else ()
        for alias in (entry.name, *extra, *entry.aliases):
            by_alias.setdefault(alias, entry)
    bad = [r for r in [*data["roles"], *data.get("role_labels", {})] if r not in get_args(Role)] + [
        v for v in data["prefixes"].values() if v not in get_args(Level)]
    if bad:
        raise ConfigError(f"agencies.toml: unknown role or level names {bad}")
    roles = [(word, cast(Role, role)) for role, words in data["roles"].items() for word in words]
    roles.sort(key=lambda p: -len(p[0]))
    labels = [(word, cast(Role, role)) for role, words in data.get("role_labels", {}).items() for word in words]
    labels.sort(key=lambda p: -len(p[0]))
    return Vocabulary(
        bodies=tuple(bodies),
        by_alias=by_alias,
        prefixes={k: cast(Level, v) for k, v in data["prefixes"].items()},
        municipalities=frozenset(data["places"]["municipalities"]),
        name_endings=tuple(data["places"]["name_endings"]),
        roles=tuple(roles),
        syntax=dict(data["syntax"]),
        not_contains=tuple(data["not_responsibility"]["contains"]),
        not_starts=tuple(data["not_responsibility"]["starts"]),
        functions=known,
        role_labels=tuple(labels),
    )

"""The agency vocabulary read from ``data/agencies.toml``, ``data/agencies_national.toml`` and
``data/functions.toml``, and lookups over it.

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
    municipal_name: str | None = None
    municipal_names: tuple[tuple[str, str], ...] = ()
    scope: str | None = None
    template: str | None = None
    party_only: bool = False

    def name_for(self, level: str) -> str:
        """The canonical name at a level: 农业农村厅 for a province, 农业农村局 below."""
        return self.province_name if level == "province" and self.province_name else self.name

    def municipal(self, municipality: str) -> str:
        """The name a municipality gives the body: 上海市 says 科学技术委员会 where a city says 科学技术局."""
        return dict(self.municipal_names).get(municipality) or self.municipal_name or self.name


@dataclass(frozen=True)
class BranchEntry:
    """A local office of a national system: ``written`` and ``name`` hold ``{place}`` (上海海关)."""

    written: str
    name: str
    functions: tuple[str, ...]


_NATIONAL_INDEX: dict[int, dict[tuple[str, str], list[tuple[str, "BodyEntry"]]]] = {}


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
    national: dict[str, BodyEntry] = field(default_factory=dict)
    branches: tuple[BranchEntry, ...] = ()
    embedded: dict[str, tuple[BodyEntry, str]] = field(default_factory=dict)
    party: dict[str, BodyEntry] = field(default_factory=dict)
    national_place: str = "中华人民共和国"

    def exact_party(self, text: str) -> BodyEntry | None:
        """The party organ written ``text`` after 委 (市委金融办), else any body with that alias."""
        return self.party.get(text) or self.exact(text)

    def exact(self, text: str) -> BodyEntry | None:
        """The body whose alias is exactly ``text``."""
        return self.by_alias.get(text)

    def exact_national(self, text: str) -> BodyEntry | None:
        """The national body written ``text`` (财政部, 国家发展改革委), one typo tolerated on long names."""
        found = self.national.get(text)
        if found is not None or len(text) < FUZZY_MIN_LEN + 1 or text in self.by_alias:
            return found
        # The typo must sit inside the name: 农业农村局 is a county bureau, not a misspelt 农业农村部.
        near = {e.name: e for alias, e in self._national_by_ends().get((text[0], text[-1]), ())
                if len(alias) > FUZZY_MIN_LEN and _one_edit(text, alias)}
        return next(iter(near.values())) if len(near) == 1 else None

    def _national_by_ends(self) -> dict[tuple[str, str], list[tuple[str, BodyEntry]]]:
        """National aliases by (first, last) character, built once: the typo test runs on every unknown name."""
        index = _NATIONAL_INDEX.get(id(self))
        if index is None:
            index = {}
            for alias, e in self.national.items():
                if alias:
                    index.setdefault((alias[0], alias[-1]), []).append((alias, e))
            _NATIONAL_INDEX[id(self)] = index
        return index

    def fuzzy(self, text: str) -> BodyEntry | None:
        """The body one edit away from ``text`` (区业农村局 → 农业农村局), if that body is unambiguous.

        Ambiguity is judged on functions, not entries: 发展改革x may be near both 发改委 forms, which
        carry the same function, so the first listed one is taken.
        """
        if len(text) < FUZZY_MIN_LEN - 1:
            return None
        found: list[BodyEntry] = []
        for alias, entry in self.by_alias.items():
            # Scoped names (各地区, 区级人民政府) are exact phrases: 省级人民政府 is not a typo of 区级人民政府.
            if len(alias) >= FUZZY_MIN_LEN and entry.scope is None and _one_edit(text, alias):
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


def _entry(raw: dict[str, Any], known: frozenset[str], source: str) -> BodyEntry:
    entry = BodyEntry(
        name=raw["name"],
        functions=tuple(raw["functions"]),
        aliases=tuple(raw["aliases"]),
        province_name=raw.get("province_name"),
        party=bool(raw.get("party", False)),
        level=raw.get("level"),
        collective=bool(raw.get("collective", False)),
        keywords=tuple(raw.get("keywords", ())),
        municipal_name=raw.get("municipal_name"),
        municipal_names=tuple(sorted(raw.get("municipal_names", {}).items())),
        scope=raw.get("scope", "national" if source == "agencies_national.toml" else None),
        template=raw.get("template"),
        party_only=bool(raw.get("party_only", False)),
    )
    unknown = [f for f in entry.functions if f not in known]
    if unknown:
        raise ConfigError(f"{source}: {entry.name} uses functions missing from functions.toml: {unknown}")
    if entry.scope is not None and entry.scope not in ("plan", "below") and entry.scope not in get_args(Level):
        raise ConfigError(f"{source}: {entry.name} has an unknown scope {entry.scope!r}")
    return entry


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Load and index the data files once; raise ConfigError if an entry uses an unlisted function."""
    data = _read("agencies.toml")
    national_data = _read("agencies_national.toml")
    funcs = _read("functions.toml")
    known = frozenset(funcs.get("canonical", [])) | frozenset(funcs.get("own", []))
    bodies: list[BodyEntry] = []
    by_alias: dict[str, BodyEntry] = {}
    party: dict[str, BodyEntry] = {}
    embedded: dict[str, tuple[BodyEntry, str]] = {}
    for raw in data.get("body", []):
        entry = _entry(raw, known, "agencies.toml")
        bodies.append(entry)
        extra = (entry.province_name,) if entry.province_name else ()
        for alias in (entry.name, *extra, *entry.aliases):
            (party if entry.party_only else by_alias).setdefault(alias, entry)
            if entry.party and not entry.party_only:
                party.setdefault(alias, entry)
        for pattern in raw.get("embedded", ()):
            for prefix in data["prefixes"]:
                embedded.setdefault(pattern.replace("{p}", prefix), (entry, prefix))
    national: dict[str, BodyEntry] = {}
    for raw in national_data.get("national", []):
        entry = _entry(raw, known, "agencies_national.toml")
        for alias in (entry.name, *entry.aliases):
            national.setdefault(alias, entry)
    branches = tuple(BranchEntry(raw["written"], raw["name"], tuple(raw["functions"]))
                     for raw in national_data.get("branch", []))
    bad_branch = [b.name for b in branches if any(f not in known for f in b.functions)]
    if bad_branch:
        raise ConfigError(f"agencies_national.toml: branches use functions missing from functions.toml: {bad_branch}")
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
        national=national,
        branches=branches,
        embedded=embedded,
        party=party,
        national_place=str(data["places"].get("national", "中华人民共和国")),
    )

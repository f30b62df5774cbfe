"""The header vocabulary of ``data/document_kinds.toml``, loaded once (shared by ``plan_title`` and ``plan_header``)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from policygraph.loaders.model import LEVEL_RANK, Level


@dataclass(frozen=True)
class HeaderVocab:
    kinds: tuple[str, ...]  # longest first
    drafts: tuple[str, ...]
    issue_verbs: tuple[str, ...]
    red_headers: tuple[str, ...]
    national: tuple[str, ...]
    national_suffixes: tuple[str, ...]
    national_titles: tuple[str, ...]
    body_suffixes: tuple[str, ...]
    level_word_exceptions: tuple[str, ...]
    issuer_levels: dict[str, Level] = field(default_factory=dict)


@lru_cache(maxsize=1)
def vocab() -> HeaderVocab:
    raw = tomllib.loads(resources.files("policygraph").joinpath("data/document_kinds.toml").read_text("utf-8"))
    by_len = lambda xs: tuple(sorted(set(xs), key=lambda s: (-len(s), s)))  # noqa: E731
    return HeaderVocab(
        kinds=by_len(raw["kinds"]),
        drafts=by_len(raw["draft_markers"]),
        issue_verbs=by_len(raw["issue_verbs"]),
        red_headers=by_len(raw["red_header_suffixes"]),
        national=by_len(raw["national_issuer_prefixes"]),
        national_suffixes=by_len(raw["national_issuer_suffixes"]),
        national_titles=by_len(raw["national_title_prefixes"]),
        body_suffixes=by_len(raw["body_suffixes"]),
        level_word_exceptions=by_len(raw["level_word_exceptions"]),
        issuer_levels={k: v for k, v in raw["issuer_level_prefixes"].items() if v in LEVEL_RANK},
    )

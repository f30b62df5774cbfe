"""Place names resolve to the right division, level and parents — the questions an auditor asks first."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.loaders.jurisdictions import (
    is_anonymised,
    lookup_parents,
    most_named,
    place_in_heading,
    resolve,
    resolve_anonymised,
)

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def corpus(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text("utf-8")


@pytest.mark.parametrize(
    ("name", "level", "parents", "code"),
    [
        ("西平县", "county", ["驻马店市", "河南省"], "411721"),
        ("河北区", "county", ["天津市"], "120105"),
        ("红旗区", "county", ["新乡市", "河南省"], "410702"),
        ("河北省", "province", [], "130000"),
        ("天津市", "province", [], "120000"),
        ("北京市", "province", [], "110000"),
        ("驻马店市", "city", ["河南省"], "411700"),
        ("辛集市", "county", ["石家庄市", "河北省"], "130181"),
        ("济源市", "county", ["河南省"], "419001"),  # 省直辖 county-level city: no city in between
        ("东莞市", "city", ["广东省"], "441900"),  # a prefecture-level city without districts
    ],
)
def test_full_names_resolve_with_level_parents_and_code(name: str, level: str, parents: list[str], code: str) -> None:
    j = resolve(name)
    assert j is not None
    assert (j.name, j.level, j.parents, j.code, j.anonymised) == (name, level, parents, code, False)


def test_hebei_district_is_in_tianjin_never_hebei_province() -> None:
    j = resolve("河北区", ["河北省"])
    assert j is not None and j.parents == ["天津市"] and j.level == "county"


@pytest.mark.parametrize(
    ("short", "full"),
    [("河南", "河南省"), ("河北", "河北省"), ("天津", "天津市"), ("新乡", "新乡市"), ("广西", "广西壮族自治区"),
     ("内蒙古", "内蒙古自治区"), ("凉山州", "凉山彝族自治州"), ("西平", "西平县")],
)
def test_short_forms_resolve_when_unambiguous(short: str, full: str) -> None:
    j = resolve(short)
    assert j is not None and j.name == full


def test_namesakes_need_context_to_choose() -> None:
    assert resolve("鼓楼区") is None  # four 鼓楼区 in China and nothing to choose between them
    nanjing = resolve("鼓楼区", ["江苏省南京市食品安全委员会"])
    fuzhou = resolve("鼓楼区", ["福州"])
    assert nanjing is not None and nanjing.parents == ["南京市", "江苏省"]
    assert fuzhou is not None and fuzhou.parents == ["福州市", "福建省"]


def test_context_from_a_real_text_keeps_hongqi_in_xinxiang() -> None:
    j = resolve("红旗区", [corpus("004")])
    assert j is not None and j.parents == ["新乡市", "河南省"]


@pytest.mark.parametrize(
    ("name", "level"),
    [("XX县", "county"), ("××县", "county"), ("X区", "county"), ("**市", "city"), ("某镇", "township"),
     ("ＸＸ街道", "township")],
)
def test_anonymised_names_keep_their_suffix_level(name: str, level: str) -> None:
    j = resolve(name)
    assert j is not None and j.anonymised and j.name == name and j.level == level and j.code is None
    assert is_anonymised(name)


def test_townships_are_recognised_by_suffix() -> None:
    j = resolve("城关镇")
    assert j is not None and j.level == "township" and not j.anonymised
    assert resolve("乡镇") is None  # a collective word, not a place
    assert resolve("食品安全") is None


def test_anonymised_county_takes_the_province_the_text_names() -> None:
    j = resolve_anonymised("XX县", corpus("000"))
    assert (j.name, j.level, j.parents, j.anonymised) == ("XX县", "county", ["河北省"], True)


def test_province_bodies_do_not_name_a_province() -> None:
    assert resolve_anonymised("XX县", "省农业农村厅、省市场监管局负责。全省推进。").parents == []
    assert most_named("河北区河北分局", "province") is None  # 河北 inside 河北区 is not 河北省


def test_most_named_counts_full_names() -> None:
    assert most_named("天津市…河北省…河北省", "province") == "河北省"
    assert most_named(corpus("004"), "city") == "新乡市"


def test_lookup_parents_gives_jurisdictions_nearest_first() -> None:
    j = resolve("西平县")
    assert j is not None
    parents = lookup_parents(j)
    assert [(p.name, p.level, p.code) for p in parents] == [("驻马店市", "city", "411700"), ("河南省", "province", "410000")]
    assert parents[0].parents == ["河南省"]
    anon = resolve_anonymised("XX县", "河北省河北省")
    assert [(p.name, p.level) for p in lookup_parents(anon)] == [("河北省", "province")]


@pytest.mark.parametrize(
    ("heading", "name", "parents"),
    [
        ("2020年西平县食品安全工作要点", "西平县", ["驻马店市", "河南省"]),
        ("新乡市红旗区2023年食品安全工作要点", "红旗区", ["新乡市", "河南省"]),
        ("河南省XX县2023年工作方案", "XX县", ["河南省"]),
        ("2021—2023年辛集市食品安全行动方案", "辛集市", ["石家庄市", "河北省"]),
        ("西平县城关镇2023年食品安全工作要点", "城关镇", ["西平县", "驻马店市", "河南省"]),
        ("XX县XX镇2023年食品安全工作要点", "XX镇", ["XX县"]),
    ],
)
def test_place_in_heading_takes_the_most_specific_link(heading: str, name: str, parents: list[str]) -> None:
    j = place_in_heading(heading)
    assert j is not None and (j.name, j.parents) == (name, parents)


def test_township_heading_takes_its_province_from_the_text() -> None:
    j = place_in_heading("城关镇2023年食品安全工作要点", "河南省市场监管局。河南省卫健委。")
    assert j is not None and (j.name, j.level, j.parents) == ("城关镇", "township", ["河南省"])


def test_headings_without_a_place() -> None:
    assert place_in_heading("乡镇食品安全工作要点") is None
    assert place_in_heading("关于深化改革加强食品安全工作的若干措施") is None
    assert place_in_heading("国务院办公厅关于加强食品安全工作的通知") is None


def test_lookups_are_fast_once_indexed() -> None:
    resolve("西平县")
    start = time.perf_counter()
    for _ in range(1000):
        resolve("红旗区", ["新乡"])
    assert time.perf_counter() - start < 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12), st.lists(st.text(max_size=20), max_size=3))
def test_resolve_is_total_and_deterministic(name: str, context: list[str]) -> None:
    first = resolve(name, context)
    assert first == resolve(name, context)
    if first is not None:
        assert first.name and all(first.parents)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["西平县", "河北区", "红旗区", "驻马店市", "辛集市", "广东省"]), st.text(max_size=40))
def test_known_unique_names_ignore_noise_context(name: str, noise: str) -> None:
    j = resolve(name, [noise])
    assert j is not None and j.name == name

"""Alignment scope (issue 10): a lower plan is aligned to the plans of its own chain (its city, its province, the
nation), and across jurisdictions only when its chain has no higher plan in the store or when asked.

The stores are built by hand from four short plans with the same three tasks: 河北省 and 河南省 (provinces),
正定县 (a county of 石家庄市, 河北省) and 天津市河北区 (a district of 天津市, whose plan is not loaded). Were every
county aligned to every province, 正定县's tasks would be linked to 河南省's measures too.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.align.run import align_plans
from policygraph.cli import main
from policygraph.errors import InputError
from policygraph.ingest import load_paths
from policygraph.graph.store import Store

TASKS = [
    "建立健全食品安全追溯体系，推动食品生产经营者建立追溯制度，实现重点产品来源可查、去向可追。（{p}市场监管局牵头，{p}农业农村局配合）",
    "加强校园食品安全管理，落实学校食品安全校长负责制，学校食堂“明厨亮灶”覆盖率达到95%以上。（{p}教育局、{p}市场监管局按职责分工负责）",
    "开展农药兽药残留超标治理，严厉打击违法使用禁用药物行为，农产品抽检合格率达到97%以上。（{p}农业农村局负责）",
]
PLANS = {"河北省": "省", "河南省": "省", "正定县": "县", "天津市河北区": "区"}


def write_plan(folder: Path, place: str) -> Path:
    unit = PLANS[place]
    body = "\n".join(f"{i + 1}. " + t.format(p=unit) for i, t in enumerate(TASKS))
    path = folder / f"{place}.txt"
    path.write_text(f"{place}2024年食品安全重点工作安排\n\n一、重点任务\n{body}\n\n{place}食品安全委员会办公室\n"
                    "2024年3月1日\n", encoding="utf-8")
    return path


def build(store: Store, folder: Path, *places: str) -> dict[str, str]:
    """Load the named plans; their ids by place as written in the title."""
    paths = [write_plan(folder, p) for p in places]
    load_paths(store, paths)
    by_jurisdiction = {p.props["jurisdiction"]: p.id for p in store.plans()}
    return {place: by_jurisdiction[place.removeprefix("天津市")] for place in places}


def linked_plans(store: Store, lower: str) -> dict[str, set[str]]:
    """Higher plan → scopes of the task links from ``lower``'s tasks into it."""
    out: dict[str, set[str]] = {}
    for e in store.links():
        if e.props["source_plan"] == lower:
            out.setdefault(e.props["target_plan"], set()).add(e.props["scope"])
    return out


def test_a_county_under_its_own_province_is_aligned_to_it_and_not_to_another_province(
        store: Store, tmp_path: Path) -> None:
    ids = build(store, tmp_path, "河北省", "河南省", "正定县")
    align_plans(store)
    assert linked_plans(store, ids["正定县"]) == {ids["河北省"]: {"within"}}


def test_a_district_with_no_plan_in_its_chain_is_aligned_across_to_every_province(
        store: Store, tmp_path: Path) -> None:
    ids = build(store, tmp_path, "河北省", "河南省", "天津市河北区")
    align_plans(store)
    assert linked_plans(store, ids["天津市河北区"]) == {ids["河北省"]: {"cross"}, ids["河南省"]: {"cross"}}


def test_asked_for_cross_scope_a_county_is_aligned_to_every_province(store: Store, tmp_path: Path) -> None:
    ids = build(store, tmp_path, "河北省", "河南省", "正定县")
    align_plans(store, scope="cross")
    assert linked_plans(store, ids["正定县"]) == {ids["河北省"]: {"within"}, ids["河南省"]: {"cross"}}


def test_within_scope_never_crosses_even_when_the_chain_has_no_plan(store: Store, tmp_path: Path) -> None:
    ids = build(store, tmp_path, "河北省", "天津市河北区")
    assert align_plans(store, scope="within").pairs == 0
    assert linked_plans(store, ids["天津市河北区"]) == {}


def test_going_back_from_cross_to_the_default_drops_the_cross_province_links_and_cross_brings_them_back(
        store: Store, tmp_path: Path) -> None:
    ids = build(store, tmp_path, "河北省", "河南省", "正定县")
    align_plans(store, scope="cross")
    align_plans(store, pending_only=True)
    assert linked_plans(store, ids["正定县"]) == {ids["河北省"]: {"within"}}
    align_plans(store, scope="cross", pending_only=True)
    assert set(linked_plans(store, ids["正定县"])) == {ids["河北省"], ids["河南省"]}


def test_a_load_that_adds_the_missing_province_ends_the_cross_links(store: Store, tmp_path: Path) -> None:
    """天津市河北区 is aligned across while no 天津市 plan is loaded; once one is, only to it (a load aligns the
    pending pairs in the default scope)."""
    ids = build(store, tmp_path, "河北省", "天津市河北区")
    align_plans(store, pending_only=True)
    assert linked_plans(store, ids["天津市河北区"]) == {ids["河北省"]: {"cross"}}
    tianjin = tmp_path / "天津市.txt"
    tianjin.write_text(write_plan(tmp_path, "河北省").read_text(encoding="utf-8").replace("河北省", "天津市"),
                       encoding="utf-8")
    load_paths(store, [tianjin])
    align_plans(store, pending_only=True)
    tj = next(p.id for p in store.plans() if p.props["jurisdiction"] == "天津市")
    assert linked_plans(store, ids["天津市河北区"]) == {tj: {"within"}}


def test_an_unknown_scope_is_an_input_error(store: Store) -> None:
    with pytest.raises(InputError, match="scope"):
        align_plans(store, scope="everywhere")  # type: ignore[arg-type]


def test_align_command_takes_the_scope(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'graph.db'}"
    for place in ("河北省", "河南省", "正定县"):
        write_plan(tmp_path, place)
    runner = CliRunner()
    assert runner.invoke(main, ["load", "--no-align", "--store", url, str(tmp_path)]).exit_code == 0
    auto = runner.invoke(main, ["align", "--store", url])
    cross = runner.invoke(main, ["align", "--store", url, "--scope", "cross"])
    assert auto.exit_code == cross.exit_code == 0, auto.output + cross.output
    assert "aligned 1 plan pairs" in auto.output and ", 0 cross)" in auto.output
    assert "aligned 2 plan pairs" in cross.output and ", 0 cross)" not in cross.output
    assert runner.invoke(main, ["align", "--store", url, "--scope", "nowhere"]).exit_code == 2

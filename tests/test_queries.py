"""The questions the graph answers, asked of the sample corpus on every store (the same answers from each)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS_DIR

from policygraph import queries as q
from policygraph.align.run import align_plans
from policygraph.errors import Ambiguous, InputError, NotFound
from policygraph.ingest import load_paths
from policygraph.graph.store import Store
from policygraph.queries.models import IndicatorView
from policygraph.queries.tabular import BOM, flatten, to_csv
from policygraph.queries.targets import FUZZY_CUT, comparable_scope, similarity, verdict



def _plan_id(store: Store, jurisdiction: str) -> str:
    return next(p.id for p in store.plans() if p.props["jurisdiction"] == jurisdiction)


# ---- addressing ---------------------------------------------------------------------------------------
def test_a_measure_is_found_by_plan_and_number(graph: Store) -> None:
    assert q.get_measure(graph, "河北省#24").measure.title == "完善农产品质量安全追溯体系"
    same = [q.get_measure(graph, r).measure.id for r in ("西平县2020#十七", "西平县2020#（十七）", "西平县#(十七)")]
    assert len(set(same)) == 1
    assert q.get_measure(graph, "红旗区#（二十一）").measure.plan.jurisdiction == "红旗区"
    m = q.get_measure(graph, "河北省#24").measure
    assert q.get_measure(graph, m.id).measure.ref == "河北省#24"
    assert q.get_measure(graph, f"{m.plan.id}#24").measure.id == m.id


def test_a_number_as_written_wins_over_the_bare_number(graph: Store) -> None:
    """西平县 has section 一、 and item （一）: each form names exactly one."""
    assert q.get_measure(graph, "西平县2020#一").measure.kind == "section"
    assert q.get_measure(graph, "西平县2020#（一）").measure.kind == "item"


@pytest.mark.parametrize("ref", ["河北#24", "河北省#999", "nowhere", "西平县2019#十七", "m-nope"])
def test_an_unknown_reference_is_not_found_never_guessed(graph: Store, ref: str) -> None:
    with pytest.raises(NotFound):
        q.get_measure(graph, ref)


def test_a_malformed_reference_is_an_input_error(graph: Store) -> None:
    with pytest.raises(InputError):
        q.get_measure(graph, "河北省#")


def test_an_ambiguous_reference_lists_the_candidates(graph: Store) -> None:
    store = graph
    from policygraph.queries.refs import resolve_plan
    from policygraph.queries.snapshot import Snapshot

    class TwoPlans(Snapshot):
        """The sample has one plan per place; pretend 河北省 issued two to see the 409 path."""

        def nodes(self, label: str):  # type: ignore[no-untyped-def]
            nodes = dict(super().nodes(label))
            if label == "Plan":
                hb = next(n for n in nodes.values() if n.props["jurisdiction"] == "河北省")
                nodes["p-twin"] = hb.model_copy(update={"id": "p-twin"})
            return nodes

    with pytest.raises(Ambiguous) as err:
        resolve_plan(TwoPlans(store), "河北省")
    assert len(err.value.candidates) == 2 and any("p-twin" in c for c in err.value.candidates)


# ---- 1. cascade down ------------------------------------------------------------------------------
def test_which_county_tasks_implement_provincial_measure_24(graph: Store) -> None:
    answer = q.implementations(graph, "河北省#24", level="county")
    m24 = answer.measure.id
    units = {m24} | {e.source for e in graph.edges("PART_OF", target=m24)}
    expected = {e.source for e in graph.links() if e.target in units and e.props["status"] != "rejected"}
    assert expected, "the aligner links county tasks to 河北省#24"
    assert {i.measure.id for i in answer.items} == expected
    for item in answer.items:
        assert item.measure.plan.level == "county"
        assert item.measure.agencies and all(a.role in ("lead", "support", "responsible") for a in item.measure.agencies)
        assert item.path[0].target in units and item.path[-1].source == item.measure.id
        assert item.path[0].evidence, "each hop carries the aligner's evidence"
        assert item.status in ("inferred", "confirmed") and item.scope in ("within", "cross")
    xx = [i for i in answer.items if i.measure.plan.jurisdiction == "XX县"]
    assert xx and all(i.scope == "within" for i in xx)


def test_implementations_are_grouped_by_plan_and_ordered_by_score(graph: Store) -> None:
    answer = q.implementations(graph, "河北省#24")
    plans = [i.measure.plan.id for i in answer.items]
    assert plans == sorted(plans, key=[g.plan.id for g in answer.groups].index)
    for g in answer.groups:
        scores = [i.score for i in answer.items if i.measure.plan.id == g.plan.id]
        assert scores == sorted(scores, reverse=True) and g.count == len(scores) and g.best_score == scores[0]
    assert [g.best_score for g in answer.groups] == sorted((g.best_score for g in answer.groups), reverse=True)


def test_filters_narrow_the_cascade(graph: Store) -> None:
    assert all(i.scope == "within" for i in q.implementations(graph, "河北省#24", links=q.LinkFilter(scope="within")).items)
    assert not q.implementations(graph, "河北省#24", links=q.LinkFilter(status="confirmed")).items
    high = q.implementations(graph, "河北省#24", links=q.LinkFilter(min_score=0.8)).items
    assert high and all(i.score >= 0.8 for i in high)
    assert not q.implementations(graph, "河北省#24", level="city").items


# ---- 2. cascade up --------------------------------------------------------------------------------
def test_a_county_task_leads_back_to_the_provincial_measure(graph: Store) -> None:
    down = q.implementations(graph, "河北省#24", level="county")
    task = down.items[0].measure
    up = q.sources(graph, task.id)
    assert "河北省#24" in {s.measure.ref for s in up.items}
    assert all(s.measure.plan.level == "province" for s in up.items)


def test_an_item_is_asked_through_its_task_units(graph: Store) -> None:
    assert q.sources(graph, "西平县2020#十七").items


# ---- 3. coverage ----------------------------------------------------------------------------------
def test_coverage_of_hebei_by_xx_county_lists_covered_measures_gaps_and_local_additions(graph: Store) -> None:
    c = q.coverage(graph, "河北省", "XX县")
    s = c.summary
    assert s.parent_measures == len(c.items) and s.covered + s.gaps == s.parent_measures
    assert 0 < s.covered < s.parent_measures and s.gaps > 0 and s.local_additions == len(c.local_additions) > 0
    assert s.share_covered == pytest.approx(s.covered / s.parent_measures, abs=1e-4)
    six = next(r for r in c.items if r.measure.ref == "河北省#6")
    assert six.covered and all(i.measure.plan.jurisdiction == "XX县" for i in six.implementations)
    implementing = {i.measure.id for r in c.items for i in r.implementations}
    assert not implementing & {t.id for t in c.local_additions}
    assert all(t.kind == "task" and t.plan.jurisdiction == "XX县" for t in c.local_additions)


def test_coverage_matrix_over_all_county_plans(graph: Store) -> None:
    m = q.coverage_matrix(graph, "河北省", "county")
    assert {p.jurisdiction for p in m.plans} == {"XX县", "河北区", "西平县", "红旗区"}
    assert all(len(r.cells) == 4 for r in m.items)
    xx = _plan_id(graph, "XX县")
    assert m.share_covered[xx] == q.coverage(graph, "河北省", "XX县").summary.share_covered


# ---- 4. agencies ---------------------------------------------------------------------------------
def test_market_regulators_and_their_obligations(graph: Store) -> None:
    listing = q.list_agencies(graph, function="市场监管")
    assert listing.items and all("市场监管" in a.functions for a in listing.items)
    assert sum(s.tasks for s in listing.spread) == sum(a.tasks for a in listing.items)
    xx = next(a for a in listing.items if a.jurisdiction == "XX县")
    ob = q.obligations(graph, xx.id)
    assert len(ob.items) == xx.tasks == sum(ob.agency.by_role.values())
    assert {o.task.plan.jurisdiction for o in ob.items} == {"XX县"}
    assert q.obligations(graph, xx.name).agency.id == xx.id
    with pytest.raises(NotFound):
        q.obligations(graph, "a-nope")


# ---- 5. targets ----------------------------------------------------------------------------------
def test_a_county_target_weaker_than_the_provinces_is_flagged(graph: Store) -> None:
    c = q.compare_targets(graph, "河北省", "XX县")
    six = {p.parent.metric: p for p in c.items if p.parent_ref == "河北省#6"}
    for metric, parent_value, child_value in [("主要农作物病虫害绿色防控覆盖率", 30, 29), ("专业化统防统治覆盖率", 40, 39)]:
        pair = six[metric]
        assert pair.child is not None
        assert (pair.parent.value, pair.child.value, pair.verdict) == (parent_value, child_value, "weaker")
        assert pair.parent_deadline == 2020


def test_verdict_follows_the_comparator() -> None:
    def ind(comparator: str, value: float, unit: str = "%") -> IndicatorView:
        return IndicatorView(id="i", metric="m", comparator=comparator, value=value, unit=unit, span=[0, 1],
                             measure_id="m")

    assert verdict(ind(">=", 30), ind(">=", 29)) == "weaker"
    assert verdict(ind(">=", 30), ind(">=", 52)) == "stronger"
    assert verdict(ind("<=", 2), ind("<=", 3)) == "weaker"
    assert verdict(ind("<=", 2), ind("<=", 1)) == "stronger"
    assert verdict(ind(">=", 30), ind(">=", 30)) == "equal"
    assert verdict(ind(">=", 30), ind(">=", 30, "个")) == "different-unit"
    # A province's total against a county's own count is not compared; a rate always is.
    assert verdict(ind(">=", 100, "个"), ind(">=", 3, "个"), same_scope=False) == "different-scope"
    assert verdict(ind(">=", 30), ind(">=", 29), same_scope=False) == "weaker"
    assert verdict(ind(">=", 5, "个"), ind(">=", 3, "个"), same_scope=True) == "weaker"


@pytest.mark.parametrize("text, metric, level, same", [
    ("全省建设100个农产品质量安全示范点。", "示范点", "province", False),
    ("每个县建设3个农产品质量安全示范点。", "示范点", "province", True),
    ("各县（市、区）至少建成1个智慧食堂示范点；全省抽检合格率98%。", "智慧食堂示范点", "province", True),
    ("县均抽检量不少于4批次/千人。", "抽检量", "province", True),
    ("引导各市场主体建设追溯体系100家。", "追溯体系", "province", False),
    ("全省建设100个示范点。", "示范点", "county", True),  # the same level: like with like
])
def test_a_count_is_compared_only_with_a_count_of_the_same_extent_of_place(text: str, metric: str, level: str,
                                                                          same: bool) -> None:
    assert comparable_scope(level, "county", text, metric) is same


def test_metric_names_match_exactly_then_by_character_overlap() -> None:
    assert similarity("专业化统防统治覆盖率", "主要粮食作物病虫害专业化统防统治覆盖率") >= FUZZY_CUT
    assert similarity("主要农作物病虫害绿色防控覆盖率", "主要粮食作物病虫害专业化统防统治覆盖率") < FUZZY_CUT


def test_targets_across_every_county_plan(graph: Store) -> None:
    c = q.compare_targets(graph, "河北省", child_level="county")
    assert c.counts.get("weaker", 0) >= 2 and sum(c.counts.values()) == len(c.items)
    assert any(p.verdict == "missing in child" and p.child is None for p in c.items)


# ---- 6. search -----------------------------------------------------------------------------------
def test_search_finds_traceability_with_marked_spans(graph: Store) -> None:
    r = q.search(graph, "追溯")
    assert r.items and r.items == sorted(r.items, key=lambda h: -h.score)
    assert "河北省#24" in {h.ref for h in r.items}
    for h in r.items:
        assert "<mark>追溯</mark>" in h.snippet and h.matches
    assert {h.kind for h in q.search(graph, "市场监督管理局").items} == {"agency"}
    assert q.search(graph, "食品安全法", kind="law").items
    county = q.search(graph, "追溯", level="county")
    assert county.items and all(h.plan is None or h.plan.level == "county" for h in county.items)
    assert not q.search(graph, "追溯 不存在的词").items
    with pytest.raises(InputError):
        q.search(graph, "   ")


def test_match_offsets_point_into_the_text(graph: Store) -> None:
    hit = next(h for h in q.search(graph, "追溯").items if h.ref == "河北省#24")
    text = q.get_measure(graph, hit.id).measure.text
    assert all(text[s:e] == "追溯" for s, e in hit.matches)


# ---- 7. browse -----------------------------------------------------------------------------------
def test_browse_plans_trees_laws_and_places(graph: Store) -> None:
    assert [p.jurisdiction for p in q.list_plans(graph, level="province").items] == ["河北省"]
    assert [p.ref for p in q.list_plans(graph, year=2020).items] == ["西平县2020"]
    tree = q.plan_tree(graph, "河北省")
    items = [i for s in tree.tree for i in s.children if i.kind == "item"]
    assert "24" in {i.number for i in items}
    detail = q.get_measure(graph, "河北省#24")
    assert detail.children and detail.structure_children
    law = next(law for law in q.list_laws(graph).items if "食品安全法" in law.title)
    assert q.get_law(graph, law.id).items
    places = {j.name: j for j in q.list_jurisdictions(graph).items}
    assert places["西平县"].parents == ["驻马店市", "河南省"] and places["西平县"].plans
    assert q.get_jurisdiction(graph, "西平县").plans == places["西平县"].plans


# ---- tables --------------------------------------------------------------------------------------
def test_lists_flatten_to_spreadsheet_rows(graph: Store) -> None:
    rows = [flatten(i) for i in q.implementations(graph, "河北省#24").items]
    text = to_csv(rows)
    assert text.startswith(BOM) and "measure.plan.jurisdiction" in text.splitlines()[0]
    assert rows[0]["measure.agencies.name"]


def test_same_answers_from_every_store(graph: Store, tmp_path: Path) -> None:
    """The reference answers from a fresh embedded store equal this store's answers."""
    from policygraph.graph.sqlite_store import SqliteStore

    with SqliteStore(tmp_path / "ref.db") as ref:
        load_paths(ref, [CORPUS_DIR])
        align_plans(ref)
        assert q.implementations(ref, "河北省#24") == q.implementations(graph, "河北省#24")
        assert q.coverage(ref, "河北省", "XX县") == q.coverage(graph, "河北省", "XX县")
        assert q.compare_targets(ref, "河北省", child_level="county") == q.compare_targets(graph, "河北省",
                                                                                          child_level="county")


def test_every_measure_reference_is_unique_and_names_that_measure(graph: Store) -> None:
    from policygraph.queries.refs import resolve_measure
    from policygraph.queries.snapshot import snapshot

    snap = snapshot(graph)
    for plan in graph.plans():
        refs = {m.id: snap.measure_ref(m) for m in snap.measures_of(plan.id)}
        named = [r for r in refs.values() if r]
        assert len(named) == len(set(named)), f"{plan.plan.jurisdiction}: two measures share a reference"
        for mid, ref in refs.items():
            if ref:
                assert resolve_measure(snap, ref).id == mid, ref
    units = [r for p in graph.plans() for m in snap.measures_of(p.id) if m.measure.kind == "task"
             and (r := snap.measure_ref(m)) and r.endswith(".2")]
    assert units, "items with two task units are numbered .1 and .2"
    with pytest.raises(NotFound):
        resolve_measure(snap, units[0][:-1] + "99")

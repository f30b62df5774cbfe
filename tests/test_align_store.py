"""Alignment through the store, on both stores: the links an auditor sees, and that reviews are never lost."""
from __future__ import annotations

from pathlib import Path

from policygraph.align.run import align_plans
from policygraph.ingest import load_paths
from policygraph.graph.model import Edge
from policygraph.graph.store import ReviewRecord, Store

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
PROVINCE = CORPUS / "001_6ec0ee0796e11f2d.txt"
COUNTIES = sorted(p for p in CORPUS.glob("*.txt") if p != PROVINCE)


def _load_all(store: Store) -> None:
    load_paths(store, [CORPUS])
    align_plans(store)


def _measure(store: Store, plan_title: str, number: str) -> str:
    plan = next(p for p in store.plans() if p.props["title"] == plan_title)
    return next(m.id for m in store.find_nodes("Measure", plan_id=plan.id, number=number))


def _links_into(store: Store, measure_id: str) -> list[Edge]:
    """Links into a measure or into the task units of that measure."""
    targets = {measure_id} | {c.id for c in store.children(measure_id)}
    return [e for e in store.links() if e.target in targets]


def _review(store: Store, link: Edge, decision: str) -> Edge:
    reviewed = link.model_copy(update={"props": {**link.props, "status": decision, "reviewed_by": "tester"}})
    store.put_link(reviewed)
    store.append_review(ReviewRecord(link.source, link.target, decision, "tester", "2026-11-23T00:00:00Z"))  # type: ignore[arg-type]
    return reviewed


def test_traceability_tasks_of_the_counties_implement_hebei_measure_24(store: Store) -> None:
    _load_all(store)
    m24 = _measure(store, "关于深化改革加强食品安全工作的若干措施", "24")
    links = [e for e in _links_into(store, m24)
             if "追溯" in store.get_node(e.source).props["text"]]  # type: ignore[union-attr]
    assert len(links) >= 2
    sources = {e.props["source_plan"] for e in links}
    assert len(sources) >= 2, "links come from more than one county plan"
    for e in links:
        phrases = [k["phrase"] for k in e.props["evidence"]["key_phrases"]]
        assert any("追溯" in p for p in phrases), phrases
        assert 0 <= e.props["score"] <= 1 and e.props["status"] == "inferred"
    xx = next(p for p in store.plans() if p.props["jurisdiction"] == "XX县").id
    for e in links:
        plan_of_task = e.props["source_plan"]
        assert e.props["scope"] == ("within" if plan_of_task == xx else "cross")


def test_identical_input_gives_identical_links(store: Store) -> None:
    _load_all(store)
    first = sorted((e.id, e.props["score"], e.props["label"]) for e in store.links())
    align_plans(store)
    assert sorted((e.id, e.props["score"], e.props["label"]) for e in store.links()) == first


def test_review_decisions_survive_realignment_and_reload_and_rejected_links_never_come_back(store: Store) -> None:
    _load_all(store)
    inferred = sorted(store.links("inferred"), key=lambda e: e.id)
    confirmed = _review(store, inferred[0], "confirmed")
    rejected = _review(store, inferred[1], "rejected")
    align_plans(store)
    load_paths(store, [CORPUS])  # unchanged documents: a no-op
    align_plans(store)
    by_id = {e.id: e for e in store.links()}
    assert by_id[confirmed.id].props["status"] == "confirmed"
    assert by_id[rejected.id].props["status"] == "rejected"
    # Even after the rejected link is removed by hand, the aligner does not re-create it.
    store.replace_inferred_links([rejected.props["source_plan"]], [rejected.props["target_plan"]], [])
    store.delete_document(rejected.props["source_plan"])
    load_paths(store, [CORPUS])
    align_plans(store)
    again = [e for e in store.links() if (e.source, e.target) == (rejected.source, rejected.target)]
    assert again == [] or all(e.props["status"] == "rejected" for e in again)
    assert [r.decision for r in store.reviews()] == ["confirmed", "rejected"]


def test_loading_a_new_county_plan_aligns_only_that_plan(store: Store) -> None:
    load_paths(store, [PROVINCE, *COUNTIES[:-1]])
    align_plans(store)
    before = {e.id: e.props for e in store.links()}
    summary = load_paths(store, [COUNTIES[-1]])
    new_plan = summary.written[0].plan_id
    result = align_plans(store, [new_plan])
    assert result.pairs == 1
    after = {e.id: e.props for e in store.links()}
    assert {k: v for k, v in after.items() if k in before} == before  # nothing else touched
    added = [after[k] for k in after.keys() - before.keys()]
    assert added and all(p["source_plan"] == new_plan for p in added)

"""What each page shows, gathered from the store into small frozen records the templates and networks read.

Only the store's public reading methods are used (``plans``, ``get_node``, ``find_nodes``, ``edges``,
``children``, ``agencies_of``, ``tasks_of``, ``links``) plus ``readback.plan_tree`` for a plan's measures with
their agencies, targets and citations, so every registered store serves the same pages. Asked about an item,
links to the item's own task units count as links to the item (provincial items have one task unit, and
the aligner may attach a county task to either).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from policygraph.errors import NotFound
from policygraph.graph.model import Edge, Node
from policygraph.graph.readback import plan_tree
from policygraph.graph.store import Store
from policygraph.loaders.model import LEVEL_RANK, Measure, PlanTree

SEARCH_LIMIT = 200
MAX_QUERY = 100
PAGE_PATHS = {"Plan": "/plans/", "Measure": "/measures/", "Agency": "/agencies/"}


def number_prefix(number: object) -> str:
    """How the documents write a number before a title: "24. ", "七、", "（十八）" (brackets need nothing)."""
    if not number:
        return ""
    text = str(number)
    if text.endswith(("）", ")")):
        return text
    return f"{text}. " if text.isdigit() else f"{text}、"


def page_url(label: str, node_id: str) -> str:
    """The page of a node (plans, measures and agencies have one)."""
    return PAGE_PATHS[label] + quote(node_id, safe="")


@dataclass(frozen=True)
class PlanSummary:
    """One row of the index: a plan with how many sections, items and task units it holds."""

    node: Node
    sections: int
    items: int
    tasks: int
    links_up: int  # DERIVES_FROM links from this plan's measures to higher plans
    links_down: int  # links from lower plans' tasks into this plan's measures


@dataclass(frozen=True)
class LinkView:
    """A DERIVES_FROM link seen from one side: ``here`` is ours, ``other`` the measure at the far end."""

    edge: Edge
    here: str
    other: Node
    other_plan: Node | None
    agencies: tuple[tuple[Node, Edge], ...] = ()

    @property
    def phrases(self) -> list[str]:
        """The key phrases the aligner found in both texts (its evidence), in its order."""
        evidence = self.edge.props.get("evidence") or {}
        return [str(k.get("phrase")) for k in evidence.get("key_phrases") or [] if k.get("phrase")]


@dataclass(frozen=True)
class PlanPage:
    """A plan's tree and every link touching its measures, both directions."""

    plan: Node
    tree: PlanTree
    kids: dict[str | None, list[Measure]]
    up: list[LinkView]  # our task → higher measure
    down: list[LinkView]  # lower task → our measure
    plans_up: list[Node] = field(default_factory=list)  # plan-level DERIVES_FROM targets
    plans_down: list[Node] = field(default_factory=list)

    def up_of(self, measure_id: str) -> list[LinkView]:
        return [v for v in self.up if v.here == measure_id]

    def down_count(self, measure_id: str) -> int:
        return sum(1 for v in self.down if v.here == measure_id)


@dataclass(frozen=True)
class MeasurePage:
    """One measure with its place in the tree and its cascade up and down."""

    measure: Measure
    plan: Node
    ancestors: list[Measure]
    children: list[Measure]
    implemented_by: list[LinkView]
    implements: list[LinkView]

    def implementers_by_plan(self) -> list[tuple[Node | None, list[LinkView]]]:
        """Implementing tasks grouped by their plan, plans in jurisdiction order, best score first within."""
        return _group_by_plan(self.implemented_by)


@dataclass(frozen=True)
class AgencyPage:
    """An agency's obligations, grouped by role (lead, support, responsible)."""

    agency: Node
    by_role: list[tuple[str, list[tuple[Node, Node | None, Edge]]]]


@dataclass(frozen=True)
class SearchHit:
    measure: Node
    plan: Node | None


# ---- index --------------------------------------------------------------------------------------------
def plans_by_level(store: Store) -> list[tuple[str, list[PlanSummary]]]:
    """Plans grouped by level (province first), each group ordered by jurisdiction then year."""
    up: dict[str, int] = defaultdict(int)
    down: dict[str, int] = defaultdict(int)
    for e in store.links():
        up[str(e.props.get("source_plan"))] += 1
        down[str(e.props.get("target_plan"))] += 1
    groups: dict[str, list[PlanSummary]] = defaultdict(list)
    for p in store.plans():
        kinds = [m.props.get("kind") for m in store.find_nodes("Measure", plan_id=p.id)]
        groups[str(p.props.get("level"))].append(PlanSummary(
            p, kinds.count("section"), kinds.count("item"), kinds.count("task"), up[p.id], down[p.id]))
    order = sorted(groups, key=lambda lv: (LEVEL_RANK.get(lv, 99), lv))
    return [(lv, sorted(groups[lv], key=lambda s: (str(s.node.props.get("jurisdiction")),
                                                   s.node.props.get("year") or 0, s.node.id)))
            for lv in order]


def search_measures(store: Store, q: str) -> tuple[list[SearchHit], int]:
    """Measures whose text contains ``q`` (case-insensitive), at most SEARCH_LIMIT of them, and the total."""
    needle = q.strip()[:MAX_QUERY].casefold()
    if not needle:
        return [], 0
    found = [m for m in store.find_nodes("Measure") if needle in str(m.props.get("text", "")).casefold()]
    plans = {p.id: p for p in store.plans()}
    found.sort(key=lambda m: (LEVEL_RANK.get(str(plans[m.doc].props.get("level")), 99) if m.doc in plans else 99,
                              str(m.doc), m.props.get("span", [0])[0]))
    return [SearchHit(m, plans.get(str(m.doc))) for m in found[:SEARCH_LIMIT]], len(found)


# ---- plan ---------------------------------------------------------------------------------------------
def plan_page(store: Store, plan_id: str) -> PlanPage:
    """The plan ``plan_id`` (NotFound when absent) with its tree and links."""
    tree = plan_tree(store, plan_id)
    node = store.get_node(plan_id)
    assert node is not None  # plan_tree raised NotFound otherwise
    kids: dict[str | None, list[Measure]] = defaultdict(list)
    for m in tree.measures:
        kids[m.parent_id].append(m)
    nodes = _NodeCache(store)
    links = store.links()
    up = [nodes.view(e, e.source, e.target) for e in links if e.props.get("source_plan") == plan_id]
    down = [nodes.view(e, e.target, e.source) for e in links if e.props.get("target_plan") == plan_id]
    plan_links = [e for e in store.edges("DERIVES_FROM", source=plan_id) if e.props.get("level") == "plan"]
    plan_links_in = [e for e in store.edges("DERIVES_FROM", target=plan_id) if e.props.get("level") == "plan"]
    return PlanPage(node, tree, dict(kids), _some(up), _some(down),
                    [n for e in plan_links if (n := nodes.get(e.target))],
                    [n for e in plan_links_in if (n := nodes.get(e.source))])


# ---- measure ------------------------------------------------------------------------------------------
def measure_page(store: Store, measure_id: str) -> MeasurePage:
    """The measure ``measure_id`` (NotFound when absent), its ancestors, children and cascade."""
    node = store.get_node(measure_id)
    if node is None or node.label != "Measure":
        raise NotFound(f"no measure with id {measure_id!r}")
    plan_id = str(node.props.get("plan_id") or node.doc)
    tree = plan_tree(store, plan_id)
    by_id = {m.id: m for m in tree.measures}
    measure = by_id[measure_id]
    children = [m for m in tree.measures if m.parent_id == measure_id]
    ours = {measure_id} | {c.id for c in children if c.kind == "task"}
    nodes = _NodeCache(store)
    down = [nodes.view(e, e.target, e.source, agencies=True) for t in sorted(ours)
            for e in store.edges("DERIVES_FROM", target=t) if e.props.get("level") != "plan"]
    up = [nodes.view(e, e.source, e.target) for s in sorted(ours)
          for e in store.edges("DERIVES_FROM", source=s) if e.props.get("level") != "plan"]
    plan = nodes.get(plan_id)
    assert plan is not None
    return MeasurePage(measure, plan, _ancestors(by_id, measure), children,
                       _by_score(_some(down)), _by_score(_some(up)))


def _ancestors(by_id: dict[str, Measure], measure: Measure) -> list[Measure]:
    """Parents from the top of the tree down to the measure's own parent."""
    chain: list[Measure] = []
    parent = measure.parent_id
    while parent is not None and parent in by_id:
        chain.append(by_id[parent])
        parent = by_id[parent].parent_id
    return chain[::-1]


def _some(views: list[LinkView | None]) -> list[LinkView]:
    """Drop the links whose far end has vanished (a store mid-reload)."""
    return [v for v in views if v is not None]


def _by_score(views: list[LinkView]) -> list[LinkView]:
    return sorted(views, key=lambda v: (-float(v.edge.props.get("score") or 0), v.edge.id))


def _jurisdiction(plan: Node | None) -> str:
    return str(plan.props.get("jurisdiction")) if plan is not None else ""


def _group_by_plan(views: list[LinkView]) -> list[tuple[Node | None, list[LinkView]]]:
    groups: dict[str, list[LinkView]] = defaultdict(list)
    plans: dict[str, Node | None] = {}
    for v in views:
        key = v.other_plan.id if v.other_plan else ""
        groups[key].append(v)
        plans[key] = v.other_plan
    order = sorted(groups, key=lambda k: (_jurisdiction(plans[k]), k))
    return [(plans[k], _by_score(groups[k])) for k in order]


# ---- agency -------------------------------------------------------------------------------------------
ROLE_ORDER = ("lead", "responsible", "support")


def agency_page(store: Store, agency_id: str) -> AgencyPage:
    """The agency ``agency_id`` (NotFound when absent) and the tasks it carries, by role."""
    node = store.get_node(agency_id)
    if node is None or node.label != "Agency":
        raise NotFound(f"no agency with id {agency_id!r}")
    nodes = _NodeCache(store)
    roles: dict[str, list[tuple[Node, Node | None, Edge]]] = defaultdict(list)
    for task, edge in store.tasks_of(agency_id):
        roles[str(edge.props.get("role"))].append((task, nodes.get(str(task.doc)), edge))
    order = sorted(roles, key=lambda r: (ROLE_ORDER.index(r) if r in ROLE_ORDER else 99, r))
    return AgencyPage(node, [(r, sorted(roles[r], key=lambda t: (str(t[0].doc), t[0].props.get("span", [0])[0])))
                             for r in order])


class _NodeCache:
    """get_node with memory, so a page with hundreds of links reads each plan node once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: dict[str, Node | None] = {}

    def get(self, node_id: str) -> Node | None:
        if node_id not in self.seen:
            self.seen[node_id] = self.store.get_node(node_id)
        return self.seen[node_id]

    def view(self, edge: Edge, here: str, other_id: str, agencies: bool = False) -> LinkView | None:
        other = self.get(other_id)
        if other is None:
            return None
        plan = self.get(str(other.props.get("plan_id") or other.doc))
        found = tuple(self.store.agencies_of(other_id)) if agencies else ()
        return LinkView(edge, here, other, plan, found)

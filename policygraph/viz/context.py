"""What each page shows, asked of the read layer (``policygraph.queries``) and kept in small frozen records the
templates and networks read.

The pages are a third face of the same questions the API and the CLI answer: every record here is built from
``queries`` answers (``list_plans``, ``plan_tree``, ``get_measure``, ``implementations``, ``sources``,
``obligations``, ``search``, and ``queries.pages`` for what only a page shows), never from the store, so a
page cannot disagree with ``/api/v1`` about which links count (rejected ones never do) or how deep a cascade
goes. The store is only handed on to those functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, get_args
from urllib.parse import quote, urlencode

from pydantic import Field

from policygraph import queries as q
from policygraph.errors import Ambiguous, InputError, NotFound
from policygraph.queries import pages as page_reads
from policygraph.queries.agencies import Obligation, Obligations
from policygraph.queries.bodies import BodyCentrality, CoResponsibility
from policygraph.queries.browse import JurisdictionView, LawDetail, MeasureDetail, PlanSummary, TreeNode
from policygraph.queries.cascade import Cascade, Linked, PlanGroup
from policygraph.queries.coverage import Coverage, CoverageMatrix, MatrixRow
from policygraph.queries.evidence import LinkEvidence
from policygraph.queries.models import Hop, Level, Listing, MeasureView, PlanRef
from policygraph.queries.pages import PlanCounts, UnitLinks
from policygraph.queries.review import LinkView
from policygraph.queries.search import SearchHit
from policygraph.queries.targets import TargetComparison, TargetPair

if TYPE_CHECKING:
    from policygraph.graph.store import Store

SEARCH_PAGE = 50  # hits per search page
MAX_QUERY = 100
PAGE_PATHS = {"plan": "/plans/", "measure": "/measures/", "agency": "/agencies/", "link": "/links/",
              "law": "/laws/"}
ROLE_ORDER = ("lead", "responsible", "support")


def number_prefix(number: object) -> str:
    """How the documents write a number before a title: "24. ", "七、", "（十八）" (brackets need nothing)."""
    if not number:
        return ""
    text = str(number)
    if text.endswith(("）", ")")):
        return text
    return f"{text}. " if text.isdigit() else f"{text}、"


def page_url(kind: str, node_id: str) -> str:
    """The page of a plan, measure or agency (``kind`` as the read layer names it: ``measure``, …)."""
    return PAGE_PATHS[kind.lower()] + quote(node_id, safe="")


def phrases(link: Linked) -> list[str]:
    """The key phrases of a cascade row's own hop (the last of its path: the one touching the row's measure)."""
    return hop_phrases(link.path[-1]) if link.path else []


def hop_phrases(h: Hop) -> list[str]:
    """The key phrases the aligner found in both texts of a link (its evidence), in its order."""
    found = h.evidence.get("key_phrases") or []
    return [str(k["phrase"]) for k in found if isinstance(k, dict) and k.get("phrase")]


def far(h: Hop, direction: str) -> str:
    """The end of a hop away from the measure asked about (down: the lower measure; up: the higher)."""
    return h.source if direction == "down" else h.target


def near(h: Hop, direction: str) -> str:
    """The end of a hop towards the measure asked about."""
    return h.target if direction == "down" else h.source


def previous(link: Linked, direction: str) -> str | None:
    """The row a deeper cascade row is reached through (one hop nearer the root); None at depth 1."""
    return far(link.path[-2], direction) if len(link.path) > 1 else None


# ---- index --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndexRow:
    plan: PlanSummary
    counts: PlanCounts | None


#: Plans per page of the home page.
HOME_PAGE = 100


def plans_by_level(store: Store, level: str | None = None, year: int | None = None,
                   cursor: str | None = None, province: str | None = None
                   ) -> tuple[list[tuple[str, list[IndexRow]]], IndexPage]:
    """A keyed page of the plans (filtered by level, year and province), grouped by level (province first), each
    group by jurisdiction then year (``list_plans``'s order), with facet counts over every plan."""
    counts = page_reads.plan_counts(store)
    every = q.list_plans(store)
    chosen = (q.list_plans(store, level=level, year=year, province=province) if level or year or province
              else every)
    shown = chosen.page(cursor, HOME_PAGE)
    groups: dict[str, list[IndexRow]] = {}
    for p in shown.items:
        groups.setdefault(p.level, []).append(IndexRow(p, counts.get(p.id)))
    filters = {k: str(v) for k, v in {"level": level, "year": year, "province": province}.items() if v}
    return list(groups.items()), IndexPage("", shown, _facets(every.items, "level", "province", "year"), filters,
                                           "/plans")


# ---- search -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchPage:
    """One keyed page of hits (best first), how many there are, and where the next page is."""

    query: str
    hits: list[SearchHit]
    total: int
    next_cursor: str | None = None
    complete: bool = True

    def next_url(self) -> str | None:
        return "/search?" + urlencode({"q": self.query, "cursor": self.next_cursor}) if self.next_cursor else None

    def api(self, fmt: str = "json") -> str:
        return f"{API}/search?" + urlencode({"q": self.query, **({"format": fmt} if fmt != "json" else {})})


def reference_target(store: Store, text: str) -> str | None:
    """The page a search box entry names, when it is a measure reference (``河北省#24``, ``红旗区#（十八）.2``)
    that resolves to one measure; None otherwise (the words are then searched)."""
    ref = text.strip()
    if "#" not in ref or len(ref) > MAX_QUERY:
        return None
    try:
        return page_url("measure", q.get_measure(store, ref).measure.id)
    except (NotFound, Ambiguous, InputError):
        return None


def search_page(store: Store, text: str, cursor: str | None = None) -> SearchPage:
    """A page of ``SEARCH_PAGE`` hits of ``q.search`` after ``cursor``; nothing for no words."""
    query = text.strip()[:MAX_QUERY]
    if not query:
        return SearchPage("", [], 0)
    found = q.search(store, query)
    shown = found.page(cursor, SEARCH_PAGE)
    return SearchPage(query, shown.items, found.total, shown.next_cursor, getattr(found, "complete", True))


# ---- plan ---------------------------------------------------------------------------------------------
#: Bodies and pairs the plan page's co-responsibility panel shows (the API answers with them all).
PANEL_ROWS = 10


@dataclass(frozen=True)
class PlanPage:
    """A plan's tree, each measure with the live links it holds, and the plans it derives from / that derive
    from it (plan-level links, from ``PlanSummary.derives_from``)."""

    plan: PlanSummary
    tree: list[TreeNode]
    units: dict[str, UnitLinks]
    plans_up: list[PlanSummary] = field(default_factory=list)
    plans_down: list[PlanSummary] = field(default_factory=list)
    bodies: CoResponsibility | None = None
    lower: list[PlanRef] = field(default_factory=list)

    def central_bodies(self) -> list[BodyCentrality]:
        return self.bodies.items[:PANEL_ROWS] if self.bodies else []

    def shared_pairs(self) -> list[tuple[str, str, int]]:
        """The most shared pairs as (name, name, tasks)."""
        if not self.bodies:
            return []
        names = {b.id: b.name for b in self.bodies.items}
        return [(names.get(p.a, p.a), names.get(p.b, p.b), p.tasks) for p in self.bodies.pairs[:PANEL_ROWS]]

    def bodies_api(self, fmt: str = "json") -> str:
        """The whole co-responsibility answer of this plan from the API (``format=csv`` for the bodies)."""
        query = urlencode({"plan": self.plan.id, **({"format": fmt} if fmt != "json" else {})})
        return f"{API}/co-responsibility?{query}"

    def unit(self, measure_id: str) -> UnitLinks:
        return self.units[measure_id]

    def in_order(self) -> list[tuple[TreeNode, str | None]]:
        """Every measure with its parent's id, in document order."""
        out: list[tuple[TreeNode, str | None]] = []

        def visit(nodes: list[TreeNode], parent: str | None) -> None:
            for n in nodes:
                out.append((n, parent))
                visit(n.children, n.id)

        visit(self.tree, None)
        return out


def plan_page(store: Store, plan_ref: str) -> PlanPage:
    """The plan ``plan_ref`` (NotFound when absent) with its tree and links."""
    tree = q.plan_tree(store, plan_ref)
    links = page_reads.plan_links(store, tree.plan.id)
    plans = {p.id: p for p in q.list_plans(store).items}
    up = [plans[pid] for pid in tree.plan.derives_from if pid in plans]
    down = [p for p in plans.values() if tree.plan.id in p.derives_from]
    return PlanPage(tree.plan, tree.tree, links.units, up, down, q.co_responsibility(store, plan=tree.plan.id),
                    links.lower)


# ---- measure ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeasurePage:
    """One measure with its place in the tree, its parts, and its cascades up and down (up to four hops)."""

    detail: MeasureDetail
    ancestors: list[TreeNode]
    children: list[MeasureView]
    implemented_by: Cascade
    implements: Cascade
    not_implemented_by: list[PlanRef] = field(default_factory=list)
    rejected: list[LinkView] = field(default_factory=list)  # links a reviewer rejected: listed on request only
    show_rejected: bool = False
    plans_cursor: str | None = None  # the implementing plans are listed a keyed page at a time

    def implementer_page(self) -> tuple[list[tuple[PlanGroup, list[Linked]]], _GroupList]:
        """One page of ``MEASURE_PLANS`` implementing plans with their rows: plans with a row within the measure's
        place first (the rows shown by default), each part best plan first. At 1,000 plans a provincial measure
        had 3,012 rows from ~300 plans on one page."""
        grouped = self.implementers_by_plan()
        order = sorted(range(len(grouped)),
                       key=lambda i: (not any(r.scope == "within" for r in grouped[i][1]), i))
        whole = _GroupList(items=[grouped[i][0] for i in order], total=len(order))
        shown = whole.page(self.plans_cursor, MEASURE_PLANS)
        rows = dict((g.plan.id, r) for g, r in grouped)
        return [(g, rows[g.plan.id]) for g in shown.items], shown

    def plans_url(self, cursor: str) -> str:
        return "?" + urlencode({"plans": cursor, **({"rejected": "true"} if self.show_rejected else {})}) \
            + "#implemented-by"

    @property
    def has_cross(self) -> bool:
        """Whether any row crosses jurisdictions (the page then offers the toggle that shows them)."""
        return any(x.scope == "cross" for x in [*self.implemented_by.items, *self.implements.items])

    @property
    def measure(self) -> MeasureView:
        return self.detail.measure

    def implementers_by_plan(self) -> list[tuple[PlanGroup, list[Linked]]]:
        """Implementing tasks grouped by their plan, in ``Cascade.groups`` order (best plan first)."""
        return _by_plan(self.implemented_by)

    def via(self, link: Linked, direction: str) -> MeasureView | None:
        """The measure a deeper row reaches this one through (the row one hop nearer), None at depth 1."""
        prev = previous(link, direction)
        rows = self._rows_down if direction == "down" else self._rows_up
        return rows.get(prev) if prev is not None else None

    @cached_property
    def _rows_down(self) -> dict[str, MeasureView]:
        return {x.measure.id: x.measure for x in self.implemented_by.items}

    @cached_property
    def _rows_up(self) -> dict[str, MeasureView]:
        return {x.measure.id: x.measure for x in self.implements.items}


MEASURE_PLANS = 25  # implementing plans per page of a measure's cascade


class _GroupList(Listing):
    items: list[PlanGroup] = Field(default_factory=list)


def measure_page(store: Store, measure_ref: str, show_rejected: bool = False,
                 plans_cursor: str | None = None) -> MeasurePage:
    """The measure ``measure_ref`` (NotFound when absent), its ancestors, parts and cascades; the links a reviewer
    rejected are counted, and listed with ``show_rejected``."""
    detail = q.get_measure(store, measure_ref)
    m = detail.measure
    tree = q.plan_tree(store, m.plan.id)
    down = q.implementations(store, m.id)
    missing = page_reads.not_implemented_by(store, m.id, {x.measure.plan.id for x in down.items})
    return MeasurePage(detail, _ancestors(tree.tree, m.id), page_reads.measure_views(store, detail.structure_children),
                       down, q.sources(store, m.id), missing, page_reads.rejected_links(store, m.id), show_rejected,
                       plans_cursor)


def _ancestors(tree: list[TreeNode], measure_id: str) -> list[TreeNode]:
    """Tree nodes from the top of the plan down to the measure's own parent."""
    def find(nodes: list[TreeNode], chain: list[TreeNode]) -> list[TreeNode] | None:
        for n in nodes:
            if n.id == measure_id:
                return chain
            found = find(n.children, [*chain, n])
            if found is not None:
                return found
        return None

    return find(tree, []) or []


def _by_plan(cascade: Cascade) -> list[tuple[PlanGroup, list[Linked]]]:
    rows: dict[str, list[Linked]] = {}
    for item in cascade.items:
        rows.setdefault(item.measure.plan.id, []).append(item)
    return [(g, rows.get(g.plan.id, [])) for g in cascade.groups]


# ---- agency -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencyPage:
    """An agency's obligations, grouped by role (lead, responsible, support)."""

    obligations: Obligations
    by_role: list[tuple[str, list[Obligation]]]
    implements: dict[str, list[Linked]] = field(default_factory=dict)  # task id → the higher measures it implements


def agency_page(store: Store, agency_ref: str) -> AgencyPage:
    """The agency ``agency_ref`` (id or full name; NotFound when absent) and the tasks it carries, by role."""
    found = q.obligations(store, agency_ref)
    roles: dict[str, list[Obligation]] = {}
    for o in found.items:
        roles.setdefault(o.role, []).append(o)
    order = sorted(roles, key=lambda r: (ROLE_ORDER.index(r) if r in ROLE_ORDER else 99, r))
    up = page_reads.higher_measures(store, [o.task.id for o in found.items])
    return AgencyPage(found, [(r, roles[r]) for r in order], up)


# ---- link: the evidence view and the review queue ---------------------------------------------------------
#: Score bands the review queue can be narrowed to: [low, high).
BANDS: dict[str, tuple[float | None, float | None]] = {"high": (0.8, None), "middle": (0.5, 0.8), "low": (None, 0.5)}
API = "/api/v1"


@dataclass(frozen=True)
class LinkPage:
    """A link's evidence, the API path a review is sent to, and the queue filters to keep while walking it."""

    evidence: LinkEvidence
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def review_url(self) -> str:
        return f"{API}/links/{quote(self.evidence.link.link.link_id, safe='')}/review"

    @property
    def next_url(self) -> str:
        """The next unreviewed link after this one, with the same filters."""
        return "/review/next?" + urlencode({"after": self.evidence.link.link.link_id, **self.filters})


def link_page(store: Store, link_id: str, filters: dict[str, str] | None = None) -> LinkPage:
    return LinkPage(q.link_evidence(store, link_id), dict(filters or {}))


def next_link(store: Store, after: str | None, plan: str | None, scope: str | None, band: str | None) -> str | None:
    low, high = BANDS[band] if band else (None, None)
    return q.next_unreviewed(store, after=after, plan=plan, scope=scope, min_score=low, max_score=high)


def link_url(link_id: str, filters: dict[str, str] | None = None) -> str:
    """A link's evidence page, carrying the review queue's filters."""
    return page_url("link", link_id) + (f"?{urlencode(filters)}" if filters else "")


# ---- coverage: a higher plan's measures × its lower plans, or what a lower plan covers ------------------------
#: What the coverage heat map can be narrowed to: measures some plan leaves out, or whose links are all inferred.
SHOW = ("all", "gaps", "inferred")


@dataclass(frozen=True)
class CoveragePage:
    """The heat map of a higher plan (``matrix``: measure rows × lower-plan columns, rows filtered by ``show``),
    or, for a plan with no lower plans, what it covers of each plan it derives from (``covers``)."""

    plan: PlanSummary
    level: str | None
    show: str
    matrix: CoverageMatrix | None = None
    rows: list[MatrixRow] = field(default_factory=list)
    covers: list[Coverage] = field(default_factory=list)
    province: str | None = None
    provinces: dict[str, int] = field(default_factory=dict)  # the facet: province → lower plans measured over

    def measure_share(self, row: MatrixRow) -> float:
        """Share of the columns (lower plans) that implement this measure."""
        return round(sum(c.tasks > 0 for c in row.cells) / len(row.cells), 4) if row.cells else 0.0

    def api(self, fmt: str = "json") -> str:
        query = {"parent": self.plan.id, "child_level": self.level or "", "province": self.province or "",
                 **({"format": fmt} if fmt != "json" else {})}
        return f"{API}/coverage?" + urlencode({k: v for k, v in query.items() if v})


def coverage_page(store: Store, plan_ref: str, level: str | None = None, show: str = "all",
                  province: str | None = None) -> CoveragePage:
    plan = q.get_plan(store, plan_ref)
    lower = level or _LOWER_DEFAULT.get(plan.level)
    whole = q.coverage_matrix(store, plan.id, lower) if lower else None
    matrix = q.coverage_matrix(store, plan.id, lower, q.LinkFilter(), province) if lower and province else whole
    if whole is not None and whole.plans and matrix is not None:
        provinces = q.plan_provinces(store)
        facet = _facets([_Province(provinces.get(p.id)) for p in whole.plans], "province")["province"]
        rows = [r for r in matrix.items if _shown(r, show)]
        return CoveragePage(plan, lower, show, matrix, rows, province=province, provinces=facet)
    covers = [q.coverage(store, parent, plan.id) for parent in plan.derives_from]
    return CoveragePage(plan, lower, show, None, [], covers)


@dataclass(frozen=True)
class _Province:
    province: str | None


#: The level a plan's coverage is measured over when the page is not told: a province over its counties.
_LOWER_DEFAULT = {"national": "province", "province": "county", "city": "county", "county": "township"}


def _shown(row: MatrixRow, show: str) -> bool:
    if show == "gaps":
        return any(c.tasks == 0 for c in row.cells)
    if show == "inferred":
        return any(c.tasks > 0 for c in row.cells) and all(c.confirmed == 0 for c in row.cells)
    return True


# ---- targets: higher target beside lower target, weaker first -------------------------------------------------
#: Verdicts in the order the page lists them: what an auditor must look at first.
VERDICT_ORDER = ("weaker", "missing in child", "different-unit", "different-scope", "equal", "stronger")


@dataclass(frozen=True)
class TargetsPage:
    comparison: TargetComparison
    level: str | None
    rows: list[TargetPair]

    def api(self, fmt: str = "json") -> str:
        query = {"parent": self.comparison.parent.id, "child_level": self.level or "",
                 **({"format": fmt} if fmt != "json" else {})}
        return f"{API}/indicators/compare?" + urlencode({k: v for k, v in query.items() if v})


def targets_page(store: Store, plan_ref: str, level: str | None = None, child: str | None = None) -> TargetsPage:
    plan = q.get_plan(store, plan_ref)
    lower = None if child else (level or _LOWER_DEFAULT.get(plan.level))
    found = q.compare_targets(store, plan.id, child=child, child_level=lower)
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    rows = sorted(found.items, key=lambda p: (rank.get(p.verdict, 99), p.parent_ref or "",
                                              p.child_plan.ref if p.child_plan else "", p.child_ref or ""))
    return TargetsPage(found, lower, rows)


# ---- indexes: agencies, laws, places — keyed pages of the read path's lists, with facets ------------------------
#: Rows per page of an index (the API serves the same list by ``limit`` / ``cursor``).
INDEX_PAGE = 50
LINKS_PAGE = 50


@dataclass(frozen=True)
class IndexPage:
    """One keyed page of a list (``Listing.page``), its facet counts over the whole list, and the filters that
    made it (kept in the paging and the JSON / CSV links)."""

    kind: str
    listing: Any
    facets: dict[str, dict[str, int]]
    filters: dict[str, str]
    api_path: str

    def url(self, **changes: str | None) -> str:
        """This index with some filters changed (None removes one); paging starts over."""
        query = {**self.filters, **changes}
        return f"/{self.kind}?" + urlencode({k: v for k, v in query.items() if v})

    def next_url(self) -> str | None:
        cursor = self.listing.next_cursor
        return f"/{self.kind}?" + urlencode({**self.filters, "cursor": cursor}) if cursor else None

    def api(self, fmt: str = "json") -> str:
        query = {**self.filters, **({"format": fmt} if fmt != "json" else {})}
        return f"{API}{self.api_path}?" + urlencode(query) if query else f"{API}{self.api_path}"


def _facets(items: list[Any], *keys: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key in keys:
        counts: dict[str, int] = {}
        for item in items:
            values = getattr(item, key)
            for v in values if isinstance(values, list) else [values]:
                if v:
                    counts[str(v)] = counts.get(str(v), 0) + 1
        if key == "level":  # levels in their order, top first; years newest first; the rest most common first
            ranks = {lv: i for i, lv in enumerate(get_args(Level))}
            order = sorted(counts.items(), key=lambda kv: (ranks.get(kv[0], 9), kv[0]))
        elif key == "year":
            order = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
        else:
            order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out[key] = dict(order)
    return out


def agencies_index(store: Store, level: str | None, function: str | None, jurisdiction: str | None,
                   name: str | None, cursor: str | None, province: str | None = None,
                   sort: str = "tasks") -> IndexPage:
    whole = q.list_agencies(store, function, jurisdiction, level, name, province, sort)
    filters = {k: v for k, v in {"level": level, "function": function, "jurisdiction": jurisdiction,
                                 "name": name, "province": province,
                                 "sort": sort if sort != "tasks" else None}.items() if v}
    return IndexPage("agencies", whole.page(cursor, INDEX_PAGE),
                     _facets(whole.items, "level", "province", "functions"), filters, "/agencies")


def links_index(store: Store, status: str | None, plan: str | None, cursor: str | None) -> IndexPage:
    """A keyed page of the measure-level links (id order, as the API pages them), by status and plan, with the
    count of each status (one counting query each: a million links are never read to count them)."""
    listing = q.list_links(store, status, plan, after=cursor, limit=LINKS_PAGE)
    statuses = {s: q.list_links(store, s, plan, limit=1).total for s in ("inferred", "confirmed", "rejected")}
    filters = {k: v for k, v in {"status": status, "plan": plan}.items() if v}
    return IndexPage("links", listing, {"status": {s: n for s, n in statuses.items() if n}}, filters, "/links")


def laws_index(store: Store, title: str | None, cursor: str | None, kind: str | None = None,
               sort: str = "cited") -> IndexPage:
    whole = q.list_laws(store, title, kind, sort)
    facets = _facets(q.list_laws(store, title).items if kind else whole.items, "kind")  # every kind, even when one
    filters = {k: v for k, v in {"q": title, "kind": kind, "sort": sort if sort != "cited" else None}.items() if v}
    return IndexPage("laws", whole.page(cursor, INDEX_PAGE), facets, filters, "/laws")


def law_page(store: Store, law_id: str) -> LawDetail:
    return q.get_law(store, law_id)


def places_index(store: Store, level: str | None) -> IndexPage:
    """Every place as a tree (province → city → county) with its plans; ``level`` lists one level only."""
    whole = q.list_jurisdictions(store, level)
    return IndexPage("jurisdictions", whole, _facets(q.list_jurisdictions(store).items, "level"),
                     {"level": level} if level else {}, "/jurisdictions")


def place_tree(items: list[JurisdictionView]) -> dict[str | None, list[JurisdictionView]]:
    """Places by the id of the place they lie in (None: the top), each level sorted by name."""
    by_key = {(j.name, tuple(j.parents)): j.id for j in items}
    tree: dict[str | None, list[JurisdictionView]] = {}
    for j in items:
        parent = by_key.get((j.parents[0], tuple(j.parents[1:]))) if j.parents else None
        tree.setdefault(parent, []).append(j)
    for kids in tree.values():
        kids.sort(key=lambda j: (j.name, j.id))
    return tree


def plan_titles(store: Store) -> dict[str, str]:
    return {p.id: p.title for p in q.list_plans(store).items}

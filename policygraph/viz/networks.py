"""Interactive networks of a plan and of a measure's cascade, built with pyvis and drawn by vis-network.

pyvis builds the node and edge lists; the page embeds them itself (``NetworkView.data_json``) next to
vis-network's own script read from the pyvis package, because pyvis's HTML template pulls Bootstrap from a
CDN and the pages must work offline. Node ids are graph ids (``p-…``, ``m-…``, ``a-…``), so the same store
always gives the same network; a network stops growing at ``MAX_NODES`` and says how many it left out.
They are drawn from the pages' records (``context``: answers of ``policygraph.queries``), never from the store,
so a network shows exactly the links and cascade rows the page lists.

At scale a cascade is drawn as hubs: a measure implemented by more than ``HUB_ROWS`` tasks shows one node per
implementing plan (its colour, its count, an edge as wide as its best score) and a click on a hub draws that plan's
tasks (``NetworkView`` carries each hub's nodes and edges; the page adds and removes them); a plan's lower plans
are hubs the same way. A 300-node snapshot of 3,000 implementing tasks was a solid block.

A provincial item has one task unit with the item's own text and no agencies; drawing both would double
the province's nodes for nothing, so such a unit is folded into its item (links to it attach to the item).
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyvis
from pyvis.edge import Edge as PyvisEdge
from pyvis.network import Network

from policygraph.queries.browse import TreeNode
from policygraph.queries.cascade import Linked, PlanGroup
from policygraph.queries.models import Hop, MeasureView, PlanRef
from policygraph.viz.context import MeasurePage, PlanPage, hop_phrases, near, number_prefix, page_url, previous

MAX_NODES = 300
KIND_COLOURS = {"plan": "#37474f", "section": "#3949ab", "item": "#1e88e5", "task": "#90caf9",
                "agency": "#ffb300", "higher": "#8e24aa", "focus": "#d81b60"}
STATUS_COLOURS = {"inferred": "#ef6c00", "confirmed": "#2e7d32", "rejected": "#c62828"}
ROLE_WIDTHS = {"lead": 2.5, "responsible": 1.5, "support": 1.0}
#: Plans' colours: none is a node kind's or a status's colour, so the legend never means two things by one colour.
PLAN_PALETTE = ("#00897b", "#6d4c41", "#5e35b1", "#9e9d24", "#546e7a", "#00acc1", "#f06292", "#8d6e63")
HUB_ROWS = 40  # a cascade with more implementing rows than this starts as one hub per plan
GROUP_NODES = 200  # at most this many nodes drawn when one hub is opened (the lists below are complete)
OPTIONS: dict[str, Any] = {
    "layout": {"randomSeed": 7},  # the same store draws the same picture on every visit
    "physics": {"solver": "barnesHut",
                "barnesHut": {"gravitationalConstant": -6000, "centralGravity": 0.12, "springLength": 70,
                              "springConstant": 0.05, "avoidOverlap": 0.2},
                "stabilization": {"iterations": 600, "fit": True}},
    "interaction": {"hover": True, "tooltipDelay": 150},
    "nodes": {"font": {"size": 15, "face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": {"type": "continuous"}, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
              "color": {"inherit": False}},
}
#: The plan network is a tree read left to right: plan, sections, items, task units, then the higher
#: measures the tasks implement and the agencies carrying them (``level`` on each node picks its column).
TREE_OPTIONS: dict[str, Any] = {
    **OPTIONS,
    "layout": {"hierarchical": {"enabled": True, "direction": "LR", "levelSeparation": 230, "nodeSpacing": 30,
                                "sortMethod": "directed", "shakeTowards": "roots"}},
    "physics": {"enabled": False},
    "interaction": {**OPTIONS["interaction"], "zoomView": False},  # a tall tree scrolls with the page
    "edges": {**OPTIONS["edges"], "smooth": {"type": "cubicBezier", "forceDirection": "horizontal",
                                             "roundness": 0.4}},
}
LEVELS = {"plan": 0, "section": 1, "item": 2, "task": 3, "higher": 4, "agency": 5, "lower": 4}


@dataclass(frozen=True)
class NetworkView:
    """What a page needs to draw one network: a DOM id, the data as script-safe JSON, and the truncation."""

    dom_id: str
    data_json: str
    nodes: int
    dropped: int
    layers: tuple[str, ...] = ()  # hidden groups the page offers a checkbox for ("down": lower plans' links)
    height: int = 640  # pixels: a tree drawn left to right grows with its longest column
    plans: tuple[tuple[str, str], ...] = ()  # (colour, plan title) of the plans drawn in their own colour: the legend
    hubs: int = 0  # how many hubs open on click


VIS_PATH = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"


@lru_cache(maxsize=1)
def vis_library() -> bytes:
    """vis-network's standalone script from the pyvis package, served by the pages themselves (no CDN)."""
    return VIS_PATH.read_bytes()


@lru_cache(maxsize=1)
def vis_url() -> str:
    """Where the pages load vis-network from: named by its content, so a browser keeps it for good (it was
    inlined in every page: 470 kB each)."""
    return f"/static/vis-network-{hashlib.sha1(vis_library()).hexdigest()[:12]}.js"


class _Builder:
    """A pyvis Network that refuses nodes beyond the cap and edges whose ends were refused."""

    def __init__(self, cap: int | None = None, open_ends: bool = False) -> None:
        self.net = Network(directed=True, cdn_resources="in_line")
        self.cap = cap if cap is not None else MAX_NODES
        self.ids: set[str] = set()
        self.dropped = 0
        self.open_ends = open_ends  # a hub's group: its edges may end at nodes drawn outside it
        self.outside: set[str] = set()  # for a group: the nodes its page draws from the start
        self.groups: dict[str, _Builder] = {}
        self.plans: dict[str, tuple[str, str]] = {}  # plan id → (colour, title), in the order first drawn

    def group(self, hub: str) -> _Builder:
        """The nodes and edges drawn when ``hub`` is clicked open (not counted against the page's cap)."""
        if hub not in self.groups:
            self.groups[hub] = _Builder(GROUP_NODES, open_ends=True)
            self.groups[hub].outside = self.ids
        return self.groups[hub]

    def plan_colour(self, plan: PlanRef) -> str:
        """The plan's colour (the next of the palette the first time a plan is drawn), kept for the legend."""
        if plan.id not in self.plans:
            self.plans[plan.id] = (PLAN_PALETTE[len(self.plans) % len(PLAN_PALETTE)], plan.title)
        return self.plans[plan.id][0]

    def node(self, node_id: str, label: str, title: str, colour: str, url: str | None = None,
             **style: Any) -> bool:
        if node_id in self.ids:
            return True
        if len(self.ids) >= self.cap:
            self.dropped += 1
            return False
        extra = {"url": url} if url else {}
        self.net.add_node(node_id, label=label, title=title, color=colour, **style, **extra)
        self.ids.add(node_id)
        return True

    def edge(self, source: str, target: str, **style: Any) -> None:
        if self.open_ends:  # pyvis refuses an edge to a node it does not hold: a group's edges end outside it
            self.net.edges.append(PyvisEdge(source, target, True, **style).options)
        elif source in self.ids and target in self.ids:
            self.net.add_edge(source, target, **style)

    def view(self, dom_id: str, options: dict[str, Any] | None = None) -> NetworkView:
        data: dict[str, Any] = {"nodes": self.net.nodes, "edges": self.net.edges, "options": options or OPTIONS}
        if self.groups:
            data["groups"] = {hub: _group_data(hub, g) for hub, g in sorted(self.groups.items()) if hub in self.ids}
        layers = sorted({str(x["layer"]) for x in [*self.net.nodes, *self.net.edges] if "layer" in x})
        columns: dict[int, int] = defaultdict(int)
        for n in self.net.nodes:
            if "level" in n and not n.get("hidden"):
                columns[int(n["level"])] += 1
        height = min(max(640, 30 * max(columns.values(), default=0)), 4000)
        return NetworkView(dom_id, script_json(data), len(self.ids), self.dropped, tuple(layers), height,
                           tuple(self.plans.values()), len(data.get("groups", {})))


def _group_data(hub: str, g: _Builder) -> dict[str, Any]:
    """A hub's nodes and edges, each edge with an id of its own (so a second click can take it away) and what all
    its edges share said once (``edge_style``): a province's plan has 4,500 edges to its lower plans' hubs."""
    edges = [{**e, "id": f"{hub}>{i}"} for i, e in enumerate(g.net.edges)]
    shared = dict(edges[0]) if edges else {}
    for e in edges[1:]:
        shared = {k: v for k, v in shared.items() if k in e and e[k] == v}
    shared.pop("id", None)
    return {"nodes": g.net.nodes, "edge_style": shared, "dropped": g.dropped,
            "edges": [{k: v for k, v in e.items() if k not in shared} for e in edges]}


def script_json(value: Any) -> str:
    """JSON that can sit inside <script> without closing it or opening a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def short(text: str, n: int = 10) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def measure_label(m: MeasureView | TreeNode) -> str:
    """A short label: number and title; a task unit without a title shows the start of its text."""
    title = m.title or (m.text if isinstance(m, MeasureView) else "")
    return f"{number_prefix(m.number)}{short(title, 9)}" if m.number else short(title, 10)


def _hop_edge(b: _Builder, h: Hop, source: str, target: str, thickness: float = 3.0, **extra: Any) -> None:
    """One DERIVES_FROM hop, lower measure → higher, coloured by its status, as thick as its score."""
    score = 1.0 if h.score is None else h.score  # a reviewer-added link has no score and counts as 1
    shown = f"{h.score:.2f}" if h.score is not None else "— (added by a reviewer)"
    words = hop_phrases(h)
    b.edge(source, target, color=STATUS_COLOURS.get(h.status, "#9e9e9e"), dashes=h.status != "confirmed", length=220,
           width=round(1 + thickness * score, 2), title=f"DERIVES_FROM · {h.status} · score {shown} · {h.scope}"
           + (f"\n{'、'.join(words)}" if words else ""), **extra)


def _agencies(b: _Builder, m: MeasureView, level: int | None = None) -> None:
    """The bodies responsible for ``m``; in the plan tree (``level`` given) they are a faint last column so
    the DERIVES_FROM links stay readable."""
    for a in m.agencies:
        style: dict[str, Any] = ({"level": level, "shape": "box"} if level is not None
                                 else {"shape": "diamond", "size": 12})
        if b.node(a.id, short(a.name, 12), f"{a.name}\n{a.role}: {a.as_written}", KIND_COLOURS["agency"],
                  url=page_url("agency", a.id), **style):
            colour: Any = {"color": "#ffca28", "opacity": 0.4} if level is not None else "#ffca28"
            b.edge(a.id, m.id, color=colour, width=ROLE_WIDTHS.get(a.role, 1.0), title=a.role, length=110,
                   dashes=a.role == "support", arrows={"to": {"enabled": False}})


# ---- plan network ---------------------------------------------------------------------------------------
def _folded(page: PlanPage) -> dict[str, str]:
    """Task units drawn as their item: the only child of the item, with no agencies (provincial items)."""
    out = {}
    for node, _ in page.in_order():
        kids = node.children
        if len(kids) == 1 and kids[0].kind == "task" and not page.unit(kids[0].id).measure.agencies:
            out[kids[0].id] = node.id
    return out


def plan_network(page: PlanPage, cap: int | None = None) -> NetworkView:
    """Plan → sections → items → task units, left to right, then the higher measures the tasks implement
    (each task's best link, see ``best_links``) and the agencies carrying them; lower plans implementing
    this one are a hidden layer (one edge per plan and measure, width by count) the page can switch on."""
    b = _Builder(cap)
    plan = page.plan
    b.node(plan.id, short(plan.jurisdiction, 8), plan.title, KIND_COLOURS["plan"], shape="box",
           font={"color": "#ffffff"}, level=LEVELS["plan"])
    folded = _folded(page)
    order = page.in_order()
    for node, parent in order:
        if node.id in folded:
            continue
        m = page.unit(node.id).measure
        light = m.kind == "task"
        if b.node(m.id, measure_label(m), m.text if light else f"{number_prefix(m.number)}{m.title}",
                  KIND_COLOURS.get(m.kind, KIND_COLOURS["task"]), url=page_url("measure", m.id), shape="box",
                  level=LEVELS.get(m.kind, LEVELS["task"]), font={"color": "#102a43" if light else "#ffffff"}):
            b.edge(parent or plan.id, m.id, color="#b0bec5", arrows={"to": {"enabled": False}})
            _agencies(b, m, LEVELS["agency"])
    for holder, link in best_links([(n.id, link) for n, _ in order for link in page.unit(n.id).up]):
        other = link.measure
        if b.node(other.id, f"{other.plan.jurisdiction} {measure_label(other)}", other.title,
                  KIND_COLOURS["higher"], url=page_url("measure", other.id), shape="box",
                  font={"color": "#ffffff"}, level=LEVELS["higher"]):
            _hop_edge(b, link.path[-1], folded.get(holder, holder), other.id, thickness=1.0)
    _aggregated_down(b, page, folded)
    return b.view("plan-network", TREE_OPTIONS)


def best_links(links: list[tuple[str, Linked]]) -> list[tuple[str, Linked]]:
    """Per unit, its best-scoring link up plus every confirmed one: the overview stays legible (a county task
    often scores against three or four provincial measures); the measure pages list them all."""
    best: dict[str, Linked] = {}
    for holder, link in links:
        if holder not in best or link.score > best[holder].score:
            best[holder] = link
    keep = {id(v) for v in best.values()}
    return [(h, v) for h, v in links if id(v) in keep or v.status == "confirmed"]


def _aggregated_down(b: _Builder, page: PlanPage, folded: dict[str, str]) -> None:
    """The lower plans (a hidden layer): one hub each, joined to this plan by one edge as wide as the number of its
    tasks implementing this plan; a click on a hub draws its edges to the units they implement (at 1,000 plans a
    province's plan had 4,900 such edges drawn at once)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    plans = {p.id: p for p in page.lower}
    for holder, unit in page.units.items():
        for pid, n in unit.down.items():
            if pid in plans:
                counts[(pid, folded.get(holder, holder))] += n
    totals: dict[str, int] = defaultdict(int)
    for (pid, _), n in counts.items():
        totals[pid] += n
    for pid in sorted(plans):
        p = plans[pid]
        if not b.node(pid, f"{short(p.jurisdiction, 8)} ({totals[pid]})",
                      f"{p.title}\n{totals[pid]} task(s) implement this plan; click to draw which units",
                      b.plan_colour(p), url=page_url("plan", pid), shape="box", font={"color": "#fff"},
                      layer="down", hidden=True, level=LEVELS["lower"], expands=True):
            continue
        b.edge(pid, page.plan.id, color={"color": STATUS_COLOURS["inferred"], "opacity": 0.45},
               width=round(min(1 + math.log2(1 + totals[pid]), 8), 2), dashes=True, physics=False, layer="down",
               hidden=True, title=f"{totals[pid]} task(s) of {p.title} implement this plan")
    for (pid, here), n in sorted(counts.items()):
        if pid in b.ids:
            b.group(pid).edge(pid, here, color={"color": STATUS_COLOURS["inferred"], "opacity": 0.6},
                              width=round(min(1 + n / 2, 4), 2), dashes=True, physics=False,
                              title=f"{n} task(s) of this plan implement this")


# ---- measure network ------------------------------------------------------------------------------------
def measure_network(page: MeasurePage, cap: int | None = None) -> NetworkView:
    """The measure (and its parts), the chain of higher measures it implements, and its implementers to four
    hops grouped by plan (a hub per plan, the plan's colour on its tasks) with their agencies. Each cascade row
    draws its own hop, from the row one hop nearer (or the measure) to it, so a chain shows as a chain."""
    b = _Builder(cap)
    m = page.measure
    b.node(m.id, measure_label(m), f"{number_prefix(m.number)}{m.title}", KIND_COLOURS["focus"], shape="star",
           size=28)
    _agencies(b, m)
    folded = {c.id for c in page.children if len(page.children) == 1 and c.kind == "task" and not c.agencies}
    for c in page.children:
        if c.id not in folded and b.node(c.id, measure_label(c), c.title or short(c.text, 20),
                                         KIND_COLOURS.get(c.kind, KIND_COLOURS["task"]), url=page_url("measure", c.id),
                                         size=10):
            b.edge(c.id, m.id, color="#b0bec5", arrows={"to": {"enabled": False}})
            _agencies(b, c)
    for link in page.implements.items:
        other = link.measure
        if b.node(other.id, f"{other.plan.jurisdiction} {measure_label(other)}", other.title, KIND_COLOURS["higher"],
                  url=page_url("measure", other.id), shape="triangle", size=16):
            _hop_edge(b, link.path[-1], _anchor(b, link, "up", m.id, folded), other.id)
    grouped = page.implementers_by_plan()
    if sum(len(rows) for _, rows in grouped) <= HUB_ROWS:
        for group, rows in grouped:
            _implementer_group(b, group.plan, rows, b.plan_colour(group.plan), m.id, folded)
    else:
        _implementer_hubs(b, grouped, m.id, folded)
    return b.view("measure-network")


def _implementer_hubs(b: _Builder, grouped: list[tuple[PlanGroup, list[Linked]]], root: str, folded: set[str]) -> None:
    """One hub per implementing plan, joined to what its tasks implement (the measure, or the hub of the plan whose
    task they implement, so a chain of plans still shows as a chain) by one edge per target: as wide as the best
    score, in the best row's status colour. A click on a hub draws its tasks (``_Builder.group``)."""
    plan_of = {link.measure.id: group.plan.id for group, rows in grouped for link in rows}
    for group, rows in grouped:
        plan = group.plan
        colour = b.plan_colour(plan)
        if not b.node(plan.id, f"{short(plan.jurisdiction, 8)} ({len(rows)})",
                      f"{plan.title}\n{len(rows)} task(s), best score {group.best_score:.2f}; click to draw them",
                      colour, url=page_url("plan", plan.id), shape="box", font={"color": "#ffffff"}, expands=True):
            continue
        _implementer_group(b.group(plan.id), plan, rows, colour, root, folded, hub=False, hubs=plan_of)
        best: dict[str, Linked] = {}
        count: dict[str, int] = defaultdict(int)
        for link in rows:
            prev = previous(link, "down")
            target = plan_of.get(prev, root) if prev is not None else root
            count[target] += 1
            if target not in best or link.score > best[target].score:
                best[target] = link
        for target, link in sorted(best.items()):
            if target != plan.id:
                b.edge(plan.id, target, color=STATUS_COLOURS.get(link.status, "#9e9e9e"),
                       dashes=link.status != "confirmed", width=round(1 + 3 * link.score, 2), length=220,
                       title=f"{count[target]} task(s) · best score {link.score:.2f} · {link.status} · {link.scope}")


def _anchor(b: _Builder, link: Linked, direction: str, root: str, folded: set[str]) -> str:
    """Where a row's hop starts: the row one hop nearer, else the part of the root it joins (when drawn),
    else the root."""
    prev = previous(link, direction)
    if prev is not None:
        return prev
    unit = near(link.path[0], direction)
    return unit if (unit in b.ids or unit in b.outside) and unit not in folded else root


def _implementer_group(b: _Builder, plan: PlanRef, rows: list[Linked], colour: str, root: str,
                       folded: set[str], hub: bool = True, hubs: dict[str, str] | None = None) -> None:
    """A plan's implementing tasks in its colour, each joined to what it implements, and their agencies; with
    ``hub`` the plan's own node too (a group drawn on a hub's click has its hub already). ``hubs`` (row → plan) sends
    an edge to a task of another plan's closed hub to that hub instead (``hub_to``)."""
    if hub:
        b.node(plan.id, short(plan.jurisdiction, 8), plan.title, colour, url=page_url("plan", plan.id), shape="box",
               font={"color": "#ffffff"})
    for link in rows:
        t = link.measure
        if not b.node(t.id, measure_label(t), t.text[:200], colour, url=page_url("measure", t.id), size=11):
            continue
        anchor = _anchor(b, link, "down", root, folded)
        if hubs is not None and anchor in hubs and anchor not in b.ids:
            _hop_edge(b, link.path[-1], t.id, anchor, hub_to=hubs[anchor])
        else:
            _hop_edge(b, link.path[-1], t.id, anchor)
        b.edge(plan.id, t.id, color={"color": colour, "opacity": 0.35}, width=0.8, arrows={"to": {"enabled": False}})
        for a in t.agencies:
            if b.node(a.id, short(a.name, 12), f"{a.name}\n{a.role}", KIND_COLOURS["agency"],
                      url=page_url("agency", a.id), shape="diamond", size=10):
                b.edge(a.id, t.id, color="#ffca28", width=ROLE_WIDTHS.get(a.role, 1.0), dashes=a.role == "support",
                       arrows={"to": {"enabled": False}}, title=a.role)

"""Interactive networks of a plan and of a measure's cascade, built with pyvis and drawn by vis-network.

pyvis builds the node and edge lists; the page embeds them itself (``NetworkView.data_json``) next to
vis-network's own script read from the pyvis package, because pyvis's HTML template pulls Bootstrap from a
CDN and the pages must work offline. Node ids are graph ids (``p-…``, ``m-…``, ``a-…``), so the same store
always gives the same network; a network stops growing at ``MAX_NODES`` and says how many it left out.

A provincial item has one task unit with the item's own text and no agencies; drawing both would double
the province's nodes for nothing, so such a unit is folded into its item (links to it attach to the item).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyvis
from pyvis.network import Network

from policygraph.graph.model import Node, agency_id
from policygraph.loaders.model import Measure
from policygraph.viz.context import LinkView, MeasurePage, PlanPage, number_prefix, page_url

MAX_NODES = 300
KIND_COLOURS = {"plan": "#37474f", "section": "#3949ab", "item": "#1e88e5", "task": "#90caf9",
                "agency": "#ffb300", "higher": "#8e24aa", "focus": "#d81b60"}
STATUS_COLOURS = {"inferred": "#ef6c00", "confirmed": "#2e7d32", "rejected": "#c62828"}
ROLE_WIDTHS = {"lead": 2.5, "responsible": 1.5, "support": 1.0}
PLAN_PALETTE = ("#00897b", "#6d4c41", "#5e35b1", "#c0ca33", "#f4511e", "#546e7a", "#d81b60", "#039be5")
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


@lru_cache(maxsize=1)
def vis_script() -> str:
    """vis-network's standalone script from the pyvis package (inlined: the page needs no network)."""
    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


class _Builder:
    """A pyvis Network that refuses nodes beyond the cap and edges whose ends were refused."""

    def __init__(self, cap: int | None = None) -> None:
        self.net = Network(directed=True, cdn_resources="in_line")
        self.cap = cap if cap is not None else MAX_NODES
        self.ids: set[str] = set()
        self.dropped = 0

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
        if source in self.ids and target in self.ids:
            self.net.add_edge(source, target, **style)

    def view(self, dom_id: str, options: dict[str, Any] | None = None) -> NetworkView:
        data = {"nodes": self.net.nodes, "edges": self.net.edges, "options": options or OPTIONS}
        layers = sorted({str(x["layer"]) for x in [*self.net.nodes, *self.net.edges] if "layer" in x})
        columns: dict[int, int] = defaultdict(int)
        for n in self.net.nodes:
            if "level" in n and not n.get("hidden"):
                columns[int(n["level"])] += 1
        height = min(max(640, 30 * max(columns.values(), default=0)), 4000)
        return NetworkView(dom_id, script_json(data), len(self.ids), self.dropped, tuple(layers), height)


def script_json(value: Any) -> str:
    """JSON that can sit inside <script> without closing it or opening a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def short(text: str, n: int = 10) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def measure_label(m: Measure | Node) -> str:
    number = m.number if isinstance(m, Measure) else m.props.get("number")
    title = m.title if isinstance(m, Measure) else str(m.props.get("title", ""))
    return f"{number_prefix(number)}{short(title, 9)}" if number else short(title, 10)


def _folded(page: PlanPage) -> dict[str, str]:
    """Task units drawn as their item: the only child of the item, with no agencies (provincial items)."""
    out = {}
    for parent, kids in page.kids.items():
        if parent is not None and len(kids) == 1 and kids[0].kind == "task" and not kids[0].agencies:
            out[kids[0].id] = parent
    return out


def _link_edge(b: _Builder, v: LinkView, source: str, target: str, thickness: float = 3.0) -> None:
    status = str(v.edge.props.get("status"))
    score = float(v.edge.props.get("score") or 0)
    b.edge(source, target, color=STATUS_COLOURS.get(status, "#9e9e9e"), dashes=status != "confirmed", length=220,
           width=round(1 + thickness * score, 2), title=f"DERIVES_FROM · {status} · score {score:.2f} · {v.edge.props.get('scope')}"
           + (f"\n{'、'.join(v.phrases)}" if v.phrases else ""))


def _agencies(b: _Builder, m: Measure, level: int | None = None) -> None:
    """The bodies responsible for ``m``; in the plan tree (``level`` given) they are a faint last column so
    the DERIVES_FROM links stay readable."""
    for a in m.agencies:
        a_id = agency_id(a.name, a.jurisdiction)
        style: dict[str, Any] = ({"level": level, "shape": "box"} if level is not None
                                 else {"shape": "diamond", "size": 12})
        if b.node(a_id, short(a.name, 12), f"{a.name}\n{a.role}: {a.as_written}", KIND_COLOURS["agency"],
                  url=page_url("Agency", a_id), **style):
            colour: Any = {"color": "#ffca28", "opacity": 0.4} if level is not None else "#ffca28"
            b.edge(a_id, m.id, color=colour, width=ROLE_WIDTHS.get(a.role, 1.0), title=a.role, length=110,
                   dashes=a.role == "support", arrows={"to": {"enabled": False}})


# ---- plan network ---------------------------------------------------------------------------------------
def plan_network(page: PlanPage, cap: int | None = None) -> NetworkView:
    """Plan → sections → items → task units, left to right, then the higher measures the tasks implement
    (each task's best link, see ``best_links``) and the agencies carrying them; lower plans implementing
    this one are a hidden layer (one edge per plan and measure, width by count) the page can switch on."""
    b = _Builder(cap)
    plan = page.plan
    b.node(plan.id, short(str(plan.props.get("jurisdiction")), 8), str(plan.props.get("title")),
           KIND_COLOURS["plan"], shape="box", font={"color": "#ffffff"}, level=LEVELS["plan"])
    folded = _folded(page)
    for m in page.tree.measures:
        if m.id in folded:
            continue
        light = m.kind == "task"
        if b.node(m.id, measure_label(m), m.text if light else f"{number_prefix(m.number)}{m.title}",
                  KIND_COLOURS[m.kind], url=page_url("Measure", m.id), shape="box", level=LEVELS[m.kind],
                  font={"color": "#102a43" if light else "#ffffff"}):
            b.edge(m.parent_id or plan.id, m.id, color="#b0bec5", arrows={"to": {"enabled": False}})
            _agencies(b, m, LEVELS["agency"])
    for v in best_links(page.up):
        other = v.other
        jur = v.other_plan.props.get("jurisdiction") if v.other_plan else ""
        if b.node(other.id, f"{jur} {measure_label(other)}", str(other.props.get("title")),
                  KIND_COLOURS["higher"], url=page_url("Measure", other.id), shape="box",
                  font={"color": "#ffffff"}, level=LEVELS["higher"]):
            _link_edge(b, v, folded.get(v.here, v.here), other.id, thickness=1.0)
    _aggregated_down(b, page, folded)
    return b.view("plan-network", TREE_OPTIONS)


def best_links(views: list[LinkView]) -> list[LinkView]:
    """Per task, its best-scoring link up plus every confirmed one: the overview stays legible (a county task
    often scores against three or four provincial measures); the measure pages list them all."""
    best: dict[str, LinkView] = {}
    for v in views:
        score = float(v.edge.props.get("score") or 0)
        if v.edge.props.get("status") != "rejected" and (
                v.here not in best or score > float(best[v.here].edge.props.get("score") or 0)):
            best[v.here] = v
    keep = {id(v) for v in best.values()}
    return [v for v in views if id(v) in keep or v.edge.props.get("status") == "confirmed"]


def _aggregated_down(b: _Builder, page: PlanPage, folded: dict[str, str]) -> None:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    plans: dict[str, Node] = {}
    for v in page.down:
        if v.other_plan is not None and v.edge.props.get("status") != "rejected":
            counts[(v.other_plan.id, folded.get(v.here, v.here))] += 1
            plans[v.other_plan.id] = v.other_plan
    for i, pid in enumerate(sorted(plans)):
        p = plans[pid]
        b.node(pid, short(str(p.props.get("jurisdiction")), 8), str(p.props.get("title")),
               PLAN_PALETTE[i % len(PLAN_PALETTE)], url=page_url("Plan", pid), shape="box", font={"color": "#fff"},
               layer="down", hidden=True, level=LEVELS["lower"])
    for (pid, here), n in sorted(counts.items()):
        b.edge(pid, here, color={"color": STATUS_COLOURS["inferred"], "opacity": 0.45}, width=min(1 + n / 2, 4),
               dashes=True, physics=False, layer="down", hidden=True, title=f"{n} task(s) of {plans[pid].props.get('title')} implement this")


# ---- measure network ------------------------------------------------------------------------------------
def measure_network(page: MeasurePage, cap: int | None = None) -> NetworkView:
    """The measure (and its task units), the higher measures it implements, and its implementers grouped
    by plan (a hub per plan, the plan's colour on its tasks) with their agencies."""
    b = _Builder(cap)
    m = page.measure
    b.node(m.id, measure_label(m), f"{number_prefix(m.number)}{m.title}", KIND_COLOURS["focus"], shape="star",
           size=28)
    _agencies(b, m)
    folded = {c.id for c in page.children if len(page.children) == 1 and c.kind == "task" and not c.agencies}
    for c in page.children:
        if c.id not in folded and b.node(c.id, measure_label(c), c.title, KIND_COLOURS[c.kind], url=page_url("Measure", c.id), size=10):
            b.edge(c.id, m.id, color="#b0bec5", arrows={"to": {"enabled": False}})
            _agencies(b, c)
    for v in page.implements:
        jur = v.other_plan.props.get("jurisdiction") if v.other_plan else ""
        if b.node(v.other.id, f"{jur} {measure_label(v.other)}", str(v.other.props.get("title")),
                  KIND_COLOURS["higher"], url=page_url("Measure", v.other.id), shape="triangle", size=16):
            _link_edge(b, v, m.id if v.here in folded else v.here, v.other.id)
    here = {c: m.id for c in folded}
    for i, (plan, views) in enumerate(page.implementers_by_plan()):
        _implementer_group(b, plan, views, PLAN_PALETTE[i % len(PLAN_PALETTE)], here)
    return b.view("measure-network")


def _implementer_group(b: _Builder, plan: Node | None, views: list[LinkView], colour: str,
                       folded: dict[str, str]) -> None:
    hub = plan.id if plan else None
    if plan is not None:
        b.node(plan.id, short(str(plan.props.get("jurisdiction")), 8), str(plan.props.get("title")), colour,
               url=page_url("Plan", plan.id), shape="box", font={"color": "#ffffff"})
    for v in views:
        t = v.other
        if not b.node(t.id, measure_label(t), str(t.props.get("text", ""))[:200], colour,
                      url=page_url("Measure", t.id), size=11):
            continue
        _link_edge(b, v, t.id, folded.get(v.here, v.here))
        if hub:
            b.edge(hub, t.id, color={"color": colour, "opacity": 0.35}, width=0.8, arrows={"to": {"enabled": False}})
        for a, e in v.agencies:
            role = str(e.props.get("role"))
            if b.node(a.id, short(str(a.props.get("name")), 12), f"{a.props.get('name')}\n{role}",
                      KIND_COLOURS["agency"], url=page_url("Agency", a.id), shape="diamond", size=10):
                b.edge(a.id, t.id, color="#ffca28", width=ROLE_WIDTHS.get(role, 1.0), dashes=role == "support",
                       arrows={"to": {"enabled": False}}, title=role)

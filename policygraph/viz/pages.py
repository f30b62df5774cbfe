"""The browser pages: index, search, plan, measure and agency, as server-rendered HTML on an APIRouter.

Templates live in ``viz/templates`` (Jinja2 with autoescaping, so every text from the graph is escaped);
the networks come from ``viz/networks.py`` with vis-network inlined, so a page needs no internet and can be
saved as one file. Unknown ids give a 404 page in HTML, not the API's problem+json.

The stores are not safe for concurrent use, so every page reads under a lock: pass the API's own lock
(``app.state.backend.lock``) when mounting next to the API, or the router makes one of its own.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from policygraph.errors import Ambiguous, InputError, NotFound
from policygraph.queries.models import CURSOR_PATTERN
from policygraph.viz import context, networks

if TYPE_CHECKING:
    from policygraph.graph.store import Store

TEMPLATES = Path(__file__).parent / "templates"
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "level": {"national": ("国家级", "national"), "province": ("省级", "province"), "city": ("市级", "city"),
              "county": ("县级", "county"), "township": ("乡镇级", "township")},
    "role": {"lead": ("牵头", "lead"), "support": ("配合", "support"), "responsible": ("负责", "responsible")},
    "status": {"inferred": ("推断", "inferred"), "confirmed": ("已确认", "confirmed"),
               "rejected": ("已否决", "rejected"), "added": ("人工添加", "added by hand")},
    "scope": {"within": ("辖区内", "within"), "cross": ("跨地区", "cross")},
    "kind": {"section": ("部分", "section"), "item": ("条目", "item"), "task": ("任务单元", "task unit")},
    "hit": {"measure": ("措施", "measure"), "agency": ("部门", "agency"), "indicator": ("指标", "target"),
            "law": ("法规文件", "law")},
    "label": {"direct": ("直接", "direct"), "partial": ("部分", "partial")},
    "verdict": {"weaker": ("偏弱", "weaker"), "stronger": ("更强", "stronger"), "equal": ("持平", "equal"),
                "different-unit": ("单位不同", "different unit"), "different-scope": ("范围不同", "total vs own count"),
                "missing in child": ("下级未设", "missing")},
}
COMPARATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


def label(vocab: str, key: object) -> Markup:
    """``牵头 <small>lead</small>``: the Chinese label with its English subtitle (the key itself if unknown)."""
    zh, en = LABELS.get(vocab, {}).get(str(key), (str(key), ""))
    return Markup("{}{}").format(zh, Markup(" <small>{}</small>").format(en) if en else "")


def mark(text: str, needles: Iterable[str]) -> Markup:
    """``text`` escaped, with every occurrence of any needle (case-insensitive, longest first) in <mark>."""
    words = sorted({n for n in needles if n}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup("<mark>{}</mark>").format(m.group(0)))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str) -> Markup:
    """A search hit's snippet as markup: ``queries.search`` escapes the text itself and adds only <mark> tags
    (``search._snippet``), so it is trusted here and nowhere else."""
    return Markup(text)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(label=label, mark=mark, page_url=context.page_url, num=context.number_prefix,
                       phrases=context.phrases, comparators=COMPARATORS, vis_url=networks.vis_url,
                       snippet=snippet, api_base=context.API)
    return env


ENV = _environment()


def render(template: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(template).render(**values), status_code=status)


def not_found(message: str) -> HTMLResponse:
    return render("not_found.html", status=404, message=message, title="未找到 Not found")


def problem_page(exc: Ambiguous | InputError, kind: str) -> HTMLResponse:
    """A reference naming several things (409, with the candidates as links) or one that cannot be read (422)."""
    if isinstance(exc, Ambiguous):
        found = [(c, _candidate_url(c, kind)) for c in exc.candidates]
        return render("problem.html", status=409, message=str(exc), candidates=found,
                      title="不明确的引用 Ambiguous reference")
    return render("problem.html", status=422, message=str(exc), candidates=[],
                  title="无法读取 Unreadable reference")


def _candidate_url(candidate: str, kind: str) -> str:
    """Candidates read ``西平县2020 (p-…)`` or are bare ids (agencies): the id is the page to offer."""
    found = re.search(r"\(([^()\s]+)\)\s*$", candidate)
    return context.page_url(kind, found.group(1) if found else candidate.strip())


def pages_router(get_store: Callable[[], Store],
                 lock: AbstractContextManager[Any] | None = None) -> APIRouter:
    """The pages as a router to mount at "/": ``app.include_router(pages_router(lambda: store))``.

    Every page is one call of a ``context`` function, which asks ``policygraph.queries`` and nothing else.
    """
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    guard: AbstractContextManager[Any] = lock if lock is not None else threading.RLock()

    def show_page(template: str, kind: str, build: Callable[[Store], dict[str, Any]]) -> HTMLResponse:
        try:
            with guard:
                values = build(get_store())
        except NotFound as exc:
            return not_found(str(exc))
        except (Ambiguous, InputError) as exc:
            return problem_page(exc, kind)
        return render(template, **values)

    @router.get("/static/vis-network-{digest}.js", response_model=None)
    def vis_network(digest: str) -> Response:
        """vis-network, named by its content (``networks.vis_url``): cached by browsers for a year."""
        if networks.vis_url() != f"/static/vis-network-{digest}.js":
            return not_found(f"no script vis-network-{digest}.js")
        return Response(networks.vis_library(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})

    @router.get("/")
    def index(level: Literal["national", "province", "city", "county", "township"] | None = Query(None),
              year: int | None = Query(None, ge=1949, le=2100),
              province: str | None = Query(None, max_length=100),
              cursor: str | None = Query(None, pattern=CURSOR_PATTERN)) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            groups, page = context.plans_by_level(s, level, year, cursor, province)
            return {"groups": groups, "page": page, "title": "政策图谱 PolicyGraph"}
        return show_page("index.html", "plan", build)

    @router.get("/search")
    def search(q: str = Query("", description="words to find (all of them) in measures, agencies, targets, laws"),
               cursor: str | None = Query(None, pattern=CURSOR_PATTERN)) -> Response:
        """Words are searched; a measure reference (河北省#24) typed in the box opens that measure's page."""
        if cursor is None and "#" in q:
            with guard:
                target = context.reference_target(get_store(), q)
            if target is not None:
                return RedirectResponse(target, status_code=303)

        def build(s: Store) -> dict[str, Any]:
            page = context.search_page(s, q, cursor)
            return {"q": page.query, "page": page, "title": f"搜索 Search: {page.query}"}
        return show_page("search.html", "measure", build)

    @router.get("/plans/{plan_id}")
    def plan(plan_id: str) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            page = context.plan_page(s, plan_id)
            return {"page": page, "network": networks.plan_network(page), "title": page.plan.title}
        return show_page("plan.html", "plan", build)

    @router.get("/plans/{plan_id}/coverage")
    def coverage(plan_id: str, level: Literal["province", "city", "county", "township"] | None = Query(None),
                 show: Literal["all", "gaps", "inferred"] = Query("all"),
                 province: str | None = Query(None, max_length=100)) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            page = context.coverage_page(s, plan_id, level, show, province)
            return {"page": page, "title": f"落实情况 Coverage: {page.plan.title}"}
        return show_page("coverage.html", "plan", build)

    @router.get("/plans/{plan_id}/targets")
    def targets(plan_id: str, level: Literal["province", "city", "county", "township"] | None = Query(None),
                child: str | None = Query(None, max_length=200)) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            page = context.targets_page(s, plan_id, level, child)
            return {"page": page, "title": f"指标对比 Targets: {page.comparison.parent.title}"}
        return show_page("targets.html", "plan", build)

    @router.get("/measures/{measure_id}")
    def measure(measure_id: str, rejected: bool = Query(False, description="also list the links a reviewer "
                                                                           "rejected (they never count)"),
                plans: str | None = Query(None, pattern=CURSOR_PATTERN,
                                          description="the page of implementing plans after this one")) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            page = context.measure_page(s, measure_id, rejected, plans)
            return {"page": page, "network": networks.measure_network(page), "title": page.measure.title}
        return show_page("measure.html", "measure", build)

    @router.get("/links/{link_id}")
    def link(link_id: str, plan: str | None = Query(None, max_length=200),
             scope: Literal["within", "cross"] | None = Query(None),
             band: Literal["high", "middle", "low"] | None = Query(None)) -> HTMLResponse:
        """A link's evidence; ``plan`` / ``scope`` / ``band`` are the review queue's filters, kept for "next"."""
        filters = {k: v for k, v in {"plan": plan, "scope": scope, "band": band}.items() if v}

        def build(s: Store) -> dict[str, Any]:
            page = context.link_page(s, link_id, filters)
            return {"page": page, "title": f"证据 Evidence: {page.evidence.link.source_ref or link_id}"}
        return show_page("link.html", "link", build)

    @router.get("/review/next", response_model=None)
    def next_unreviewed(after: str | None = Query(None, pattern=r"^[A-Za-z0-9_-]{1,64}$"),
                        plan: str | None = Query(None, max_length=200),
                        scope: Literal["within", "cross"] | None = Query(None),
                        band: Literal["high", "middle", "low"] | None = Query(None)) -> Response:
        """The next link still only inferred (after ``after``, in id order), narrowed by plan, scope, score band."""
        filters = {k: v for k, v in {"plan": plan, "scope": scope, "band": band}.items() if v}
        try:
            with guard:
                found = context.next_link(get_store(), after, plan, scope, band)
        except NotFound as exc:
            return not_found(str(exc))
        except (Ambiguous, InputError) as exc:
            return problem_page(exc, "plan")
        if found is None:
            return render("queue_done.html", title="审核完毕 Review queue done", filters=filters)
        return RedirectResponse(context.link_url(found, filters), status_code=303)

    @router.get("/agencies")
    def agencies(level: Literal["national", "province", "city", "county", "township"] | None = Query(None),
                 function: str | None = Query(None, max_length=100), jurisdiction: str | None = Query(None, max_length=100),
                 name: str | None = Query(None, max_length=100), province: str | None = Query(None, max_length=100),
                 sort: Literal["tasks", "name", "lead", "support", "responsible"] = Query("tasks"),
                 cursor: str | None = Query(None, pattern=CURSOR_PATTERN)) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            return {"page": context.agencies_index(s, level, function, jurisdiction, name, cursor, province, sort),
                    "title": "部门 Agencies"}
        return show_page("agencies.html", "agency", build)

    @router.get("/links")
    def links(status: Literal["inferred", "confirmed", "rejected"] | None = Query(None),
              plan: str | None = Query(None, max_length=200),
              cursor: str | None = Query(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")) -> HTMLResponse:
        """Every measure-level link, a keyed page at a time, by status (with counts) and plan: the review list."""
        def build(s: Store) -> dict[str, Any]:
            return {"page": context.links_index(s, status, plan, cursor), "title": "链接 Links"}
        return show_page("links.html", "link", build)

    @router.get("/laws")
    def laws(q: str | None = Query(None, max_length=100), kind: str | None = Query(None, max_length=50),
             sort: Literal["cited", "title"] = Query("cited"),
             cursor: str | None = Query(None, pattern=CURSOR_PATTERN)) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            return {"page": context.laws_index(s, q, cursor, kind, sort), "title": "法规文件 Laws"}
        return show_page("laws.html", "law", build)

    @router.get("/laws/{law_id}")
    def law(law_id: str) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            found = context.law_page(s, law_id)
            return {"law": found, "title": found.law.title}
        return show_page("law.html", "law", build)

    @router.get("/jurisdictions")
    def jurisdictions(level: Literal["national", "province", "city", "county", "township"] | None = Query(None)
                      ) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            page = context.places_index(s, level)
            return {"page": page, "tree": context.place_tree(page.listing.items), "titles": context.plan_titles(s),
                    "title": "地区 Jurisdictions"}
        return show_page("jurisdictions.html", "plan", build)

    @router.get("/agencies/{agency_id}")
    def agency(agency_id: str) -> HTMLResponse:
        def build(s: Store) -> dict[str, Any]:
            page = context.agency_page(s, agency_id)
            return {"page": page, "title": page.obligations.agency.name}
        return show_page("agency.html", "agency", build)

    return router

"""Commands that ask the graph the auditors' questions (the same query functions the API serves), and serve."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from pydantic import BaseModel

from policygraph.cli import STORE_OPTION, main, open_configured_store


# ---- queries (the same functions the API serves) ---------------------------------------------------------
def _output_options(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option("--csv", "as_csv", is_flag=True, help="Print the list as CSV (UTF-8 with BOM, for Excel).")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print the whole answer as JSON.")(f)
    return STORE_OPTION(f)


def _emit(answer: BaseModel, as_json: bool, as_csv: bool, lines: Callable[[Any], str],
          header: str | None = None) -> None:
    """One answer in the format asked for: JSON (all of it), CSV (its items) or one line per item."""
    from policygraph.queries.tabular import flatten, to_csv

    items = list(getattr(answer, "items", []))
    if as_json:
        click.echo(answer.model_dump_json(indent=1))
    elif as_csv:
        click.echo(to_csv(flatten(i) for i in items), nl=False)
    else:
        if header:
            click.echo(header)
        for item in items:
            click.echo(lines(item))
        click.echo(f"= {len(items)}")


def _linked_line(f: Any) -> str:
    who = "、".join(f"{a.name}({a.role})" for a in f.measure.agencies) or "—"
    return (f"{f.score:.3f} {f.status:<9} {f.scope:<6} {f.measure.ref or f.measure.id}  "
            f"{f.measure.title[:30]} → {who}")


@main.command()
@click.argument("ref")
@click.option("--level", type=click.Choice(["province", "city", "county", "township"]), default=None)
@click.option("--scope", type=click.Choice(["within", "cross"]), default=None)
@click.option("--status", type=click.Choice(["inferred", "confirmed"]), default=None)
@click.option("--min-score", type=click.FloatRange(0, 1), default=None)
@click.option("--depth", type=click.IntRange(1, 4), default=4, show_default=True)
@click.option("--up", is_flag=True, help="Cascade up: the higher measures REF implements.")
@_output_options
def cascade(ref: str, level: str | None, scope: str | None, status: str | None, min_score: float | None, depth: int,
            up: bool, store_url: str | None, as_json: bool, as_csv: bool) -> None:
    """Lower-level tasks implementing measure REF (河北省#24, 西平县2020#十七 or an id), or with --up its sources."""
    from policygraph import queries as q

    links = q.LinkFilter(scope=scope, status=status, min_score=min_score)
    with open_configured_store(store_url) as store:
        answer = q.sources(store, ref, links, depth) if up else q.implementations(store, ref, level, links, depth)
    _emit(answer, as_json, as_csv, _linked_line, f"{answer.measure.ref or answer.measure.id} {answer.measure.title}")


@main.command()
@click.argument("ref")
@_output_options
def sources(ref: str, store_url: str | None, as_json: bool, as_csv: bool) -> None:
    """The chain of higher measures task REF implements, to the top (same as ``cascade --up``)."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.sources(store, ref)
    _emit(answer, as_json, as_csv, _linked_line, f"{answer.measure.ref or answer.measure.id} {answer.measure.title}")


@main.command()
@click.option("--parent", required=True, help="Parent plan: id or jurisdiction name with optional year.")
@click.option("--child", default=None, help="Child plan (omit for a matrix over --child-level).")
@click.option("--child-level", type=click.Choice(["city", "county", "township"]), default="county", show_default=True)
@_output_options
def coverage(parent: str, child: str | None, child_level: str, store_url: str | None, as_json: bool,
             as_csv: bool) -> None:
    """Which parent measures a child plan implements, its gaps and local additions (or a measure × plan matrix)."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        if child is None:
            matrix = q.coverage_matrix(store, parent, child_level)
            names = {p.id: p.ref for p in matrix.plans}
            _emit(matrix, as_json, as_csv, lambda r: f"{r.ref or r.measure_id} {r.title[:24]}  " + "  ".join(
                f"{names[c.plan_id]}={c.tasks}" for c in r.cells), f"shares covered: {matrix.share_covered}")
            return
        answer = q.coverage(store, parent, child)
    s = answer.summary
    _emit(answer, as_json, as_csv, lambda r: f"{'✓' if r.covered else '✗ gap'} {r.measure.ref} {r.measure.title[:30]}"
          f"  ← {len(r.implementations)} tasks",
          f"{s.covered}/{s.parent_measures} measures covered ({s.share_covered:.0%}), {s.gaps} gaps, "
          f"{s.local_additions} local additions")


@main.command()
@click.option("--function", "function", default=None, help="Government function, e.g. 市场监管.")
@click.option("--jurisdiction", default=None)
@click.option("--level", type=click.Choice(["province", "city", "county", "township"]), default=None)
@_output_options
def agencies(function: str | None, jurisdiction: str | None, level: str | None, store_url: str | None,
             as_json: bool, as_csv: bool) -> None:
    """Bodies by function, place and level, with their task counts by role."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.list_agencies(store, function, jurisdiction, level)
    spread = "; ".join(f"{s.level}: {s.tasks} tasks {s.by_role}" for s in answer.spread)
    _emit(answer, as_json, as_csv, lambda a: f"{a.id} {a.name} ({a.level}) {a.tasks} tasks {a.by_role}", spread)


@main.command()
@click.option("--plan", default=None, help="One plan: id or jurisdiction name with optional year.")
@click.option("--province", default=None, help="Every plan issued in this province (its cities' and counties' too).")
@click.option("--min-shared", type=int, default=1, show_default=True, help="Pairs sharing at least this many tasks.")
@_output_options
def bodies(plan: str | None, province: str | None, min_shared: int, store_url: str | None, as_json: bool,
           as_csv: bool) -> None:
    """Bodies that share obligations, most connected first, with degree and betweenness centrality."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.co_responsibility(store, plan=plan, province=province, min_shared=min_shared)
    _emit(answer, as_json, as_csv,
          lambda b: f"{b.name} ({b.level}) {b.tasks} tasks, {b.partners} partners, degree {b.degree:.3f}, "
                    f"betweenness {b.betweenness:.3f}",
          f"{len(answer.plans)} plans, {len(answer.pairs)} pairs of bodies sharing tasks")


@main.command()
@click.argument("agency")
@click.option("--role", type=click.Choice(["lead", "support", "responsible"]), default=None)
@_output_options
def obligations(agency: str, role: str | None, store_url: str | None, as_json: bool, as_csv: bool) -> None:
    """Every task AGENCY (id or full name) leads, supports or is responsible for."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.obligations(store, agency, role)
    _emit(answer, as_json, as_csv, lambda o: f"{o.role:<11} {o.task.ref or o.task.id} {o.task.title[:40]}",
          f"{answer.agency.name}: {answer.agency.by_role}")


@main.command()
@click.option("--parent", required=True, help="Parent plan: id or jurisdiction name with optional year.")
@click.option("--child", default=None, help="Child plan (omit to compare every plan of --child-level).")
@click.option("--child-level", type=click.Choice(["city", "county", "township"]), default=None)
@_output_options
def compare(parent: str, child: str | None, child_level: str | None, store_url: str | None, as_json: bool,
            as_csv: bool) -> None:
    """Parent targets against child targets of derived measures: stronger, equal, weaker, different unit, missing."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.compare_targets(store, parent, child, child_level)

    def line(p: Any) -> str:
        child_part = f"{p.child.comparator}{p.child.value:g}{p.child.unit} ({p.child_ref})" if p.child else "—"
        return (f"{p.verdict:<16} {p.parent_ref} {p.parent.metric} {p.parent.comparator}{p.parent.value:g}"
                f"{p.parent.unit} vs {child_part}")

    _emit(answer, as_json, as_csv, line, f"verdicts: {answer.counts}")


@main.command()
@click.argument("text")
@click.option("--level", type=click.Choice(["province", "city", "county", "township"]), default=None)
@click.option("--jurisdiction", default=None)
@click.option("--year", type=int, default=None)
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@_output_options
def search(text: str, level: str | None, jurisdiction: str | None, year: int | None, limit: int,
           store_url: str | None, as_json: bool, as_csv: bool) -> None:
    """Full-text search over measures, agencies, indicators and laws (matches marked 【…】)."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.search(store, text, level, jurisdiction, year)
    answer = answer.model_copy(update={"items": answer.items[:limit]})
    _emit(answer, as_json, as_csv, lambda h: f"{h.score:6.2f} {h.kind:<9} {h.ref or h.id}  "
          + h.snippet.replace("<mark>", "【").replace("</mark>", "】"))


@main.command()
@click.option("--level", type=click.Choice(["province", "city", "county", "township"]), default=None)
@click.option("--jurisdiction", default=None)
@click.option("--year", type=int, default=None)
@_output_options
def plans(level: str | None, jurisdiction: str | None, year: int | None, store_url: str | None, as_json: bool,
          as_csv: bool) -> None:
    """Plans in the store with their readable references."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.list_plans(store, level, jurisdiction, year)
    _emit(answer, as_json, as_csv, lambda p: f"{p.id} {p.ref:<12} {p.level:<8} {p.measures:>4} measures  {p.title}")


@main.command()
@click.argument("ref")
@STORE_OPTION
def measure(ref: str, store_url: str | None) -> None:
    """A measure with its text, agencies, indicators, citations, parents and children, as JSON."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        click.echo(q.get_measure(store, ref).model_dump_json(indent=1))


@main.command()
@click.option("--status", type=click.Choice(["inferred", "confirmed", "rejected"]), default=None)
@click.option("--plan", default=None, help="Only links touching this plan.")
@click.option("--limit", type=int, default=1000, show_default=True, help="Links per page.")
@click.option("--after", default=None, help="Continue after this link id (the previous page's last).")
@_output_options
def links(status: str | None, plan: str | None, limit: int, after: str | None, store_url: str | None, as_json: bool,
          as_csv: bool) -> None:
    """DERIVES_FROM links between measures in id order, with their review state (a page at a time: the last
    line says how to ask for the next)."""
    from policygraph import queries as q

    with open_configured_store(store_url) as store:
        answer = q.list_links(store, status, plan, after=after, limit=limit)
    if answer.next_cursor and not (as_json or as_csv):
        click.echo(f"more: --after {answer.next_cursor} ({answer.total} in all)", err=True)
    _emit(answer, as_json, as_csv, lambda v: f"{v.link.link_id} {v.link.status:<9} {v.source_ref} → {v.target_ref}"
          f" {v.link.score if v.link.score is not None else '—'}")


@main.command()
@STORE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve(store_url: str | None, host: str, port: int) -> None:
    """Serve the API (/api/v1, docs at /docs). Write endpoints need POLICYGRAPH_API_TOKENS=name:token."""
    import logging

    import uvicorn

    from policygraph.api import ApiSettings, create_app

    settings = ApiSettings.from_config()
    # The server may start on an empty store: uploads fill it (read commands refuse a store that does not exist).
    with open_configured_store(store_url, create=True) as store:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        app = create_app(store, settings)
        click.echo(f"PolicyGraph on http://{host}:{port}/ (pages), API http://{host}:{port}/api/v1, docs http://{host}:{port}/docs")
        if not settings.tokens:
            click.echo("write endpoints are disabled: set POLICYGRAPH_API_TOKENS=name:token to enable them", err=True)
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


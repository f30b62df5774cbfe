"""The ``policygraph`` command: a thin shell over the package that turns domain errors into one-line messages.

Exit status: 0 success, 1 when some files of a batch failed (load), 2 for bad input or usage.
Nothing here holds logic of its own; each command calls one function of the package.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import BaseModel

from policygraph.errors import PolicyGraphError
from policygraph.graph.store import Store
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file


def fail(message: str, status: int = 2) -> NoReturn:
    """Print one line on stderr and exit: the only way commands report errors."""
    click.echo(f"policygraph: {message}", err=True)
    sys.exit(status)


class _Group(click.Group):
    """Turns any PolicyGraphError escaping a command into one line and exit status 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PolicyGraphError as exc:
            fail(str(exc))


@click.group(cls=_Group)
@click.version_option(package_name="policygraph")
def main() -> None:
    """PolicyGraph: policy obligations, the agencies that carry them, and how plans implement each other."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the plan tree as JSON (one object per file, one per line).")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Parse FILES (.txt in UTF-8 or GB18030, .docx, .html, .pdf) and print their plan trees.

    Nothing is printed unless every file parses: a bad file gets one line on stderr and exit status 2.
    """
    trees = [parse_file(f) for f in files]
    for tree in trees:
        if as_json:
            click.echo(json.dumps(tree_to_json(tree), ensure_ascii=False))
        else:
            _print_tree(tree)


def tree_to_json(tree: PlanTree) -> dict[str, object]:
    """The documented ``parse --json`` schema: ``{"plan": {...}, "measures": [...]}``."""
    return {"plan": tree.plan.model_dump(mode="json"), "measures": [m.model_dump(mode="json") for m in tree.measures]}


def _print_tree(tree: PlanTree) -> None:
    plan = tree.plan
    j = plan.jurisdiction
    place = "，".join([j.name, *j.parents])
    click.echo(f"{plan.title}  [{plan.kind or '?'} · {plan.year or '?'} · {place} ({j.level})]  id={plan.id}")
    depth: dict[str | None, int] = {None: 0}
    for m in tree.measures:
        d = depth[m.parent_id]
        depth[m.id] = d + 1
        if m.kind == "task":
            who = "、".join(f"{a.as_written}({a.role})" for a in m.agencies) or "—"
            extra = f"  targets={len(m.indicators)}" if m.indicators else ""
            extra += f"  cites={len(m.citations)}" if m.citations else ""
            click.echo(f"{'  ' * d}· {m.title[:30]} → {who}{extra}")
        else:
            click.echo(f"{'  ' * d}{m.number} {m.title[:40]}")
    counts = Counter(m.kind for m in tree.measures)
    tasks = [m for m in tree.measures if m.kind == "task"]
    click.echo(
        f"= {counts['section']} sections, {counts['item']} items, {counts['task']} task units, "
        f"{sum(len(m.agencies) for m in tasks)} agencies, {sum(len(m.indicators) for m in tasks)} indicators, "
        f"{sum(len(m.citations) for m in tasks)} citations\n"
    )


@main.group(name="eval")
def eval_group() -> None:
    """Measure extraction and alignment against hand-checked gold files."""


@eval_group.command(name="extraction")
@click.option("--gold", type=click.Path(path_type=Path), default=Path("../shared/gold/extraction_examples.json"),
              show_default=True, help="Gold file of hand-checked task units.")
@click.option("--corpus", type=click.Path(path_type=Path), default=Path("data/corpus"), show_default=True,
              help="Folder holding the documents the gold names.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_extraction(gold: Path, corpus: Path, as_json: bool) -> None:
    """Precision and recall of agencies (by function and role), indicators and citations."""
    from policygraph.evaluation.extraction import evaluate_extraction

    scores = evaluate_extraction(gold, corpus)
    if as_json:
        out = {k: {"precision": s.precision, "recall": s.recall, "expected": s.expected, "predicted": s.predicted}
               for k, s in scores.items()}
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for name, s in scores.items():
        click.echo(f"{name:<11} precision {s.precision:.3f}  recall {s.recall:.3f}  "
                   f"({s.true_pos} of {s.predicted} predicted, {s.expected} expected)")
        for miss in s.misses:
            click.echo(f"    {miss}")


STORE_OPTION = click.option(
    "--store", "store_url", default=None, metavar="URL",
    help="sqlite:///path/graph.db (default ./policygraph.db, or $POLICYGRAPH_STORE) or neo4j://host:7687 "
         "(credentials from NEO4J_USER / NEO4J_PASSWORD or the config file, never the command line).",
)


def _open(store_url: str | None) -> Store:
    from policygraph.config import store_url as configured_url
    from policygraph.graph.store import open_store

    return open_store(store_url or configured_url())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("--no-align", is_flag=True, help="Only load; do not align the new documents.")
def load(paths: tuple[Path, ...], store_url: str | None, no_align: bool) -> None:
    """Load files and folders (recursively, every supported format) into the store.

    One transaction per document; reloading an unchanged document changes nothing; a changed version of a
    plan (same jurisdiction, year and title) replaces the old one. Bad files are reported and skipped.
    Exit status 1 when any file failed.
    """
    from policygraph.graph.loading import collect_files, load_paths

    with _open(store_url) as store:
        files = collect_files(paths)
        if sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("loading", total=len(files))
                summary = load_paths(store, files, lambda p: bar.update(task, advance=1, description=p.name[:30]))
        else:
            summary = load_paths(store, files)
        for reason in summary.skipped:
            click.echo(f"skipped {reason}", err=True)
        click.echo(summary.line())
        if not no_align and summary.documents:
            _align_after_load(store, [w.plan_id for w in summary.written if w.status != "unchanged"])
    if summary.skipped:
        sys.exit(1)


def _align_after_load(store: Store, plan_ids: list[str]) -> None:
    """Align the documents just written (incremental); a no-op until the aligner exists."""
    try:
        from policygraph.align.run import align_plans
    except ImportError:
        return
    if plan_ids:
        result = align_plans(store, plan_ids)
        click.echo(result.line())


@main.command()
@STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help='Print {"nodes": {type: n}, "edges": {type: n}}.')
def stats(store_url: str | None, as_json: bool) -> None:
    """Node and edge counts by type."""
    with _open(store_url) as store:
        counts = store.counts()
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
        return
    for kind in ("nodes", "edges"):
        click.echo(f"{kind}: " + ", ".join(f"{k} {v}" for k, v in counts[kind].items()))


@main.command()
@STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="File to write (default stdout).")
def export(store_url: str | None, fmt: str, output: Path | None) -> None:
    """Write the whole graph as node-link JSON."""
    with _open(store_url) as store:
        data = json.dumps(store.export(), ensure_ascii=False)
    if output is None:
        click.echo(data)
    else:
        tmp = output.with_suffix(output.suffix + ".tmp")
        tmp.write_text(data, encoding="utf-8")
        tmp.replace(output)  # never a half-written export


@main.command()
@STORE_OPTION
@click.option("--plan", "plans", multiple=True, metavar="PLAN_ID", help="Align only pairs touching this plan (repeatable).")
@click.option("--threshold", type=float, default=None, help="Score above which a link is kept (default: calibrated).")
def align(store_url: str | None, plans: tuple[str, ...], threshold: float | None) -> None:
    """Infer DERIVES_FROM links from lower-level tasks to the higher-level measures they implement."""
    from policygraph.align.run import align_plans

    with _open(store_url) as store:
        if sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("aligning", total=None)
                result = align_plans(store, list(plans) or None, threshold,
                                     lambda s: bar.update(task, advance=1, description=s[:40]))
        else:
            result = align_plans(store, list(plans) or None, threshold)
    click.echo(result.line())


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
    with _open(store_url) as store:
        answer = q.sources(store, ref, links, depth) if up else q.implementations(store, ref, level, links, depth)
    _emit(answer, as_json, as_csv, _linked_line, f"{answer.measure.ref or answer.measure.id} {answer.measure.title}")


@main.command()
@click.argument("ref")
@_output_options
def sources(ref: str, store_url: str | None, as_json: bool, as_csv: bool) -> None:
    """The chain of higher measures task REF implements, to the top (same as ``cascade --up``)."""
    from policygraph import queries as q

    with _open(store_url) as store:
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

    with _open(store_url) as store:
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

    with _open(store_url) as store:
        answer = q.list_agencies(store, function, jurisdiction, level)
    spread = "; ".join(f"{s.level}: {s.tasks} tasks {s.by_role}" for s in answer.spread)
    _emit(answer, as_json, as_csv, lambda a: f"{a.id} {a.name} ({a.level}) {a.tasks} tasks {a.by_role}", spread)


@main.command()
@click.argument("agency")
@click.option("--role", type=click.Choice(["lead", "support", "responsible"]), default=None)
@_output_options
def obligations(agency: str, role: str | None, store_url: str | None, as_json: bool, as_csv: bool) -> None:
    """Every task AGENCY (id or full name) leads, supports or is responsible for."""
    from policygraph import queries as q

    with _open(store_url) as store:
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

    with _open(store_url) as store:
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

    with _open(store_url) as store:
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

    with _open(store_url) as store:
        answer = q.list_plans(store, level, jurisdiction, year)
    _emit(answer, as_json, as_csv, lambda p: f"{p.id} {p.ref:<12} {p.level:<8} {p.measures:>4} measures  {p.title}")


@main.command()
@click.argument("ref")
@STORE_OPTION
def measure(ref: str, store_url: str | None) -> None:
    """A measure with its text, agencies, indicators, citations, parents and children, as JSON."""
    from policygraph import queries as q

    with _open(store_url) as store:
        click.echo(q.get_measure(store, ref).model_dump_json(indent=1))


@main.command()
@click.option("--status", type=click.Choice(["inferred", "confirmed", "rejected"]), default=None)
@click.option("--plan", default=None, help="Only links touching this plan.")
@_output_options
def links(status: str | None, plan: str | None, store_url: str | None, as_json: bool, as_csv: bool) -> None:
    """DERIVES_FROM links between measures, with their review state."""
    from policygraph import queries as q

    with _open(store_url) as store:
        answer = q.list_links(store, status, plan)
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
    with _open(store_url) as store:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        app = create_app(store, settings)
        click.echo(f"PolicyGraph on http://{host}:{port}/ (pages), API http://{host}:{port}/api/v1, docs http://{host}:{port}/docs")
        if not settings.tokens:
            click.echo("write endpoints are disabled: set POLICYGRAPH_API_TOKENS=name:token to enable them", err=True)
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


@eval_group.command(name="alignment")
@click.option("--gold", type=click.Path(path_type=Path), default=Path("../shared/gold/alignment_dev.json"),
              show_default=True, help="Gold file: the higher measures each lower task implements.")
@click.option("--corpus", type=click.Path(path_type=Path), default=Path("data/corpus"), show_default=True,
              help="Folder holding the documents the gold names.")
@click.option("--threshold", type=float, default=None, help="Score cut (default: the calibrated one).")
@click.option("--misses", "misses_path", type=click.Path(path_type=Path), default=Path("eval-alignment-misses.txt"),
              show_default=True, help="File to write the misses and false links to.")
@click.option("--json", "as_json", is_flag=True, help="Print precision, recall, f1, hits_at_1, hits_at_3 as JSON.")
def eval_alignment(gold: Path, corpus: Path, threshold: float | None, misses_path: Path, as_json: bool) -> None:
    """Precision, recall, F1, hits@1 and hits@3 of the aligner on a gold file, through a temporary store."""
    from policygraph.evaluation.alignment_store import run_store_eval

    s, strict = run_store_eval(gold, corpus, threshold)
    misses_path.write_text("\n".join(["# misses", *s.misses, "", "# false links", *s.false_links]) + "\n",
                           encoding="utf-8")
    figures = {"precision": s.precision, "recall": s.recall, "f1": s.f1, "hits_at_1": s.hits1, "hits_at_3": s.hits3,
               "linked_hits_at_1": strict.hits1, "linked_hits_at_3": strict.hits3}
    if as_json:
        click.echo(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    else:
        click.echo(f"precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}  "
                   f"hits@1 {s.hits1:.3f}  hits@3 {s.hits3:.3f}  ({s.predicted} links, {s.correct} correct; "
                   f"{s.direct_found} of {s.direct} direct found)")
        click.echo(f"hits@k over stored links only: hits@1 {strict.hits1:.3f}  hits@3 {strict.hits3:.3f}")
        click.echo(f"misses and false links: {misses_path}")

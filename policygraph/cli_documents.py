"""Commands about documents and the graph: parse, load, stats, export, align, eval."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import cast

import click

from policygraph.cli import STORE_OPTION, fail, main, open_configured_store
from policygraph.graph.store import Store
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file


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
    # The header first, field by field as `parse --json` names them, so a user sees at once whether the
    # title, year and place were read; a value not found shows as null, as in the JSON.
    header = {"title": plan.title, "kind": plan.kind, "year": plan.year, "jurisdiction": j.name,
              "level": j.level, "issuer": plan.issuer}
    within = f" (in {'，'.join(j.parents)})" if j.parents else ""
    fields = "  ".join(f"{k}={'null' if v is None else v}" for k, v in header.items())
    click.echo(f"{fields}{within}  id={plan.id}")
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
    """Score extraction against a gold file of either shape.

    Example gold (``units``): precision and recall of agencies (by function and role), indicators and citations.
    Whole-document gold (``documents``, e.g. real_layouts.json): per document and overall — refused, header fields
    right, structure exact, task units found, agency P/R/F1 (written form and role), functions / canonical names /
    levels right over the agencies found, indicator and citation F1.
    """
    from policygraph.evaluation.layouts import is_layout_gold, load_gold

    data = load_gold(gold)
    if is_layout_gold(data):
        _print_layout_report(data, corpus, as_json)
        return
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


def _print_layout_report(data: dict[str, object], corpus: Path, as_json: bool) -> None:
    from policygraph.evaluation.layouts import DocumentScore, evaluate_layouts

    report = evaluate_layouts(data, corpus)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return

    def line(d: DocumentScore, refused: str, exact: str) -> str:
        return (f"{d.doc[:44]:<44} {refused:>7} {d.header.right:>2}/{d.header.total:<2} {exact:>5} "
                f"{d.units_found.right:>3}/{d.units_found.total:<3} {d.agencies.precision:5.3f} "
                f"{d.agencies.recall:5.3f} {d.agencies.f1:5.3f} {d.functions.rate:5.3f} {d.names.rate:5.3f} "
                f"{d.levels.rate:5.3f} {d.indicators.f1:5.3f} {d.citations.f1:5.3f}")

    click.echo(f"{'document':<44} {'refused':>7} {'header':<5} {'exact':>5} {'units':<7} {'ag.P':>5} {'ag.R':>5} "
               f"{'ag.F1':>5} {'func':>5} {'name':>5} {'level':>5} {'ind.F1':>5} {'cit.F1':>5}")
    for d in report.documents:
        click.echo(line(d, "yes" if d.refused else "no", "yes" if d.structure_exact else "no"))
    overall = report.overall()
    refused = sum(1 for d in report.documents if d.refused)
    exact = sum(1 for d in report.documents if d.structure_exact)
    click.echo(line(overall, str(refused), f"{exact}/{len(report.documents)}"))
    for d in report.documents:
        for problem in d.problems:
            click.echo(f"    {d.doc}: {problem}")
    a = overall.agencies
    click.echo(f"overall: {refused} of {len(report.documents)} refused, header {overall.header.right}/"
               f"{overall.header.total}, structure exact {exact}/{len(report.documents)}, task units found "
               f"{overall.units_found.right}/{overall.units_found.total}, agencies P/R/F1 {a.precision:.3f}/"
               f"{a.recall:.3f}/{a.f1:.3f}, functions {overall.functions.rate:.3f}, names {overall.names.rate:.3f}, "
               f"levels {overall.levels.rate:.3f}, indicator F1 {overall.indicators.f1:.3f}, "
               f"citation F1 {overall.citations.f1:.3f}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("--no-align", is_flag=True, help="Only load; do not align the new documents.")
def load(paths: tuple[Path, ...], store_url: str | None, no_align: bool) -> None:
    """Load files and folders (recursively, every supported format) into the store, then align.

    One transaction per document; reloading an unchanged document changes nothing; a changed version of a
    plan (same jurisdiction, year and title) replaces the old one. Bad files are reported and skipped.
    Then every plan pair not yet aligned at its documents' current versions is aligned, so running the same
    load again after a crash finishes what the crashed one left. Exit status 1 when any file failed.
    """
    from policygraph.ingest import collect_files, load_paths

    with open_configured_store(store_url, create=True) as store:
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
        if not no_align:
            _align_after_load(store)
    if summary.skipped:
        sys.exit(1)


def _align_after_load(store: Store) -> None:
    """Align every pair not aligned at its current versions: the new documents' pairs, and whatever a killed
    load or alignment left undone (each pair is written and recorded in one transaction)."""
    from policygraph.ingest import align_pending

    result = align_pending(store)
    if result.pairs:
        click.echo(result.line())


@main.command()
@STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help='Print {"nodes": {type: n}, "edges": {type: n}}.')
def stats(store_url: str | None, as_json: bool) -> None:
    """Node and edge counts by type."""
    with open_configured_store(store_url) as store:
        counts = store.counts()
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
        return
    for kind in ("nodes", "edges"):
        click.echo(f"{kind}: " + ", ".join(f"{k} {v}" for k, v in counts[kind].items()))


EXPORT_FORMATS = ("json", "turtle", "jsonld", "nt", "nq")


@main.command()
@STORE_OPTION
@click.option("--format", "fmt", default="json", show_default=True, metavar="|".join(EXPORT_FORMATS), help="json: node-link JSON; turtle, jsonld, nt (N-Triples), nq (N-Quads, one named "
                                      "graph {base}/graph): RDF in ELI, PROV, ORG and SKOS terms, streamed.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="File to write (default stdout).")
def export(store_url: str | None, fmt: str, output: Path | None) -> None:
    """Write the whole graph as node-link JSON, or as RDF (IRIs under $POLICYGRAPH_BASE_IRI)."""
    if fmt not in EXPORT_FORMATS:  # checked here, not by click.Choice, so the error is one line
        fail(f"--format {fmt!r} is not an export format: use {', '.join(EXPORT_FORMATS)}")
    if fmt != "json":
        _export_rdf(store_url, fmt, output)
        return
    with open_configured_store(store_url) as store:
        data = json.dumps(store.export(), ensure_ascii=False)
    if output is None:
        click.echo(data)
    else:
        tmp = output.with_suffix(output.suffix + ".tmp")
        tmp.write_text(data, encoding="utf-8")
        tmp.replace(output)  # never a half-written export


def _export_rdf(store_url: str | None, fmt: str, output: Path | None) -> None:
    """The RDF export, written piece by piece as the store is read (a national store does not fit in memory as
    one rdflib graph)."""
    from policygraph.linked.iris import configured_base
    from policygraph.linked.stream import RdfFormat, chunks, write

    base = configured_base()
    with open_configured_store(store_url) as store:
        pieces = write(chunks(store, base), cast(RdfFormat, fmt), base)
        if output is None:
            out = sys.stdout.buffer
            for piece in pieces:
                out.write(piece)
            out.flush()
            return
        tmp = output.with_suffix(output.suffix + ".tmp")
        try:
            with tmp.open("wb") as f:
                for piece in pieces:
                    f.write(piece)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(output)  # never a half-written export


@main.command()
@STORE_OPTION
@click.option("--plan", "plans", multiple=True, metavar="PLAN_ID", help="Align only pairs touching this plan (repeatable).")
@click.option("--threshold", type=float, default=None, help="Score above which a link is kept (default: calibrated).")
@click.option("--scope", type=click.Choice(["auto", "within", "cross"]), default="auto", show_default=True,
              help="Which higher plans a lower plan is compared with: within = those of its own chain (its city, "
                   "its province, the nation); cross = every higher plan; auto = within, and cross only for a plan "
                   "whose chain has no higher plan in the store. Pairs the scope leaves out lose their inferred links.")
def align(store_url: str | None, plans: tuple[str, ...], threshold: float | None, scope: str) -> None:
    """Infer DERIVES_FROM links from lower-level tasks to the higher-level measures they implement."""
    from policygraph.align.run import Scope, align_plans

    chosen: Scope = scope  # type: ignore[assignment]
    with open_configured_store(store_url) as store:
        if sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("aligning", total=None)
                result = align_plans(store, list(plans) or None, threshold,
                                     lambda s: bar.update(task, advance=1, description=s[:40]), scope=chosen)
        else:
            result = align_plans(store, list(plans) or None, threshold, scope=chosen)
    click.echo(result.line())




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


"""The ``policygraph bench`` commands: generated corpora (``bench generate``) and the benchmark run (``bench run``)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from policygraph.cli import main


@main.group()
def bench() -> None:
    """Benchmarks: a generated national cascade of plans with known truth, and one run measuring both stores."""


@bench.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--size", type=click.Choice(["S", "M", "L"]), default="S", show_default=True,
              help="S ~100 plans (the test suite's), M ~3,200 (one domain-year: the nation, 31 provinces, every "
                   "city and county), L ~32,000 (M for ten years).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same corpus, byte for byte.")
@click.option("--corpus", type=click.Path(path_type=Path), default=Path("data/corpus"), show_default=True,
              help="Sample corpus whose real measures seed the national plan.")
def generate(out: Path, size: str, seed: int, corpus: Path) -> None:
    """Write a national cascade of plans to OUT (a new or empty folder): documents under OUT/docs, the ground
    truth in OUT/truth.jsonl (every plan's place and parent plan; every task's parent measures, changed targets
    and named bodies) and a summary in OUT/manifest.json. Generated corpora are not meant to be committed."""
    from policygraph.benchmark.corpus import generate as run

    def progress(plans: int) -> None:
        if plans % 500 == 0:
            click.echo(f"  {plans:,} plans …", err=True)

    s = run(size, seed, out, corpus, progress=progress)
    click.echo(f"wrote {s.plans:,} plans, {s.tasks:,} task units, {s.bytes / 1e6:.1f} MB of documents to {out} "
               f"in {s.seconds:.1f} s (size {s.size}, seed {s.seed})")


@bench.command(name="run")
@click.option("--size", type=click.Choice(["S", "M", "L"]), default="M", show_default=True,
              help="Size of the generated corpus (generated into the work folder unless --corpus holds one).")
@click.option("--stores", default="sqlite,neo4j", show_default=True,
              help="Comma-separated stores, measured side by side: sqlite (a file in the work folder) and neo4j "
                   "(NEO4J_URI when set, else a server from tools/neo4j-server/run start, stopped after).")
@click.option("--smoke", is_flag=True, help="A handful of queries, 1 cold open, 2 s of API load: checks the harness.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the generated corpus.")
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="A corpus from `bench generate` to use (generated there when the folder has none).")
@click.option("--workdir", type=click.Path(path_type=Path), default=None,
              help="Folder for the SQLite file, parsed trees and generated corpus (default: a new temp folder).")
@click.option("--budget", type=float, default=1800.0, show_default=True,
              help="Seconds each step may take per store; a step that overruns is stopped and named in the report.")
@click.option("--queries", "warm", type=int, default=None, help="Warm queries per query kind (default 1,000; smoke 3).")
@click.option("--cold", type=int, default=None,
              help="Cold queries per query kind, each on a freshly opened store (default 20; smoke 1).")
@click.option("--opens", type=int, default=None,
              help="Fresh processes timed to their first answer (default 5; smoke 1).")
@click.option("--api-seconds", type=float, default=None, help="How long the API clients ask (default 20; smoke 2).")
@click.option("--max-plans", type=int, default=None,
              help="Only the first N documents in file order (the nation, then the first province's chain).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Append the Markdown table to this file (e.g. BENCHMARKS.md).")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="Also write the figures as JSON to this file.")
def run_cmd(size: str, stores: str, smoke: bool, seed: int, corpus: Path | None, workdir: Path | None, budget: float,
            warm: int | None, cold: int | None, opens: int | None, api_seconds: float | None, max_plans: int | None, out: Path | None,
            json_out: Path | None) -> None:
    """Measure both stores side by side on one generated corpus: parse and load throughput, alignment time and
    precision / recall / hits@3 against the corpus's truth, a fresh process's first answer, eight queries cold
    and warm, and the API under 32 concurrent clients; each figure as median and p99 with the Neo4j/embedded
    ratio, every step in its own process (peak memory) under --budget. Prints the Markdown table; exit status 1
    when a step was stopped early (the table says which store and figure)."""
    import json

    from policygraph.benchmark.run import Options, run_benchmark

    chosen = [s.strip() for s in stores.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in ("sqlite", "neo4j")]
    if unknown or not chosen:
        raise click.BadParameter(f"unknown store {', '.join(unknown) or '(none)'}: use sqlite, neo4j",
                                 param_hint="--stores")
    opts = Options(size=size, stores=chosen, smoke=smoke, seed=seed, corpus=corpus, workdir=workdir, budget=budget,
                   warm=warm, cold=cold, opens=opens, api_seconds=api_seconds, max_plans=max_plans, progress=lambda s: click.echo(s, err=True))
    report = run_benchmark(opts)
    table = report.markdown()
    click.echo(table)
    if out is not None:
        with out.open("a", encoding="utf-8") as f:
            f.write("\n" + table)
    if json_out is not None:
        json_out.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    for line in report.stopped:
        click.echo(f"stopped early: {line}", err=True)
    if report.stopped:
        sys.exit(1)

"""The ``policygraph bench`` commands: generated corpora for benchmarks (``bench generate``)."""
from __future__ import annotations

from pathlib import Path

import click

from policygraph.cli import main


@main.group()
def bench() -> None:
    """Benchmark corpora: a generated national cascade of plans with known truth."""


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

"""Benchmark: parsing throughput (documents/s, MB/s) of this tree against a baseline commit, in one run.

Parsing speed must not regress when the loaders learn new layouts. A figure from another day is not a comparison
(the machine is shared), so this script checks the baseline out into a temporary worktree and times both trees
alternately in fresh subprocesses on the same files, then prints the ratio. Each round parses every file once after
one warm-up parse (vocabularies and the division index are loaded once per process, as in a real load).

    .venv/bin/python bench/parse_bench.py --baseline cdf715c --rounds 5 data/corpus ../shared/corpus-real
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_TIMER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from policygraph.errors import InputError
from policygraph.loaders.parse import parse_file
files = sys.argv[3:]
rounds = int(sys.argv[2])
def run():
    ok = 0
    for f in files:
        try:
            parse_file(f)
            ok += 1
        except InputError:
            pass
    return ok
run()
times = []
for _ in range(rounds):
    t = time.perf_counter()
    ok = run()
    times.append(time.perf_counter() - t)
print(json.dumps({"times": times, "parsed": ok}))
"""


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in (".txt", ".md", ".docx", ".html",
                                                                                 ".pdf") and f.name != "README.md")
                   if p.is_dir() else [p])
    return out


def _time(tree: Path, files: list[Path], rounds: int) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", _TIMER, str(tree), str(rounds), *map(str, files)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--baseline", required=True, help="git revision to compare against")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    files = _files(args.paths)
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            results: dict[str, list[float]] = {"baseline": [], "head": []}
            parsed: dict[str, object] = {}
            for _ in range(2):  # alternate, so drift in machine load hits both trees alike
                for name, tree in (("baseline", base), ("head", ROOT)):
                    r = _time(tree, files, args.rounds)
                    results[name].extend(r["times"])  # type: ignore[arg-type]
                    parsed[name] = r["parsed"]
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    for name in ("baseline", "head"):
        label = args.baseline if name == "baseline" else head.strip()
        print(f"{name:<8} {label:<9} parsed {parsed[name]}/{len(files)}  median {med[name]:.3f} s/round  "
              f"{len(files) / med[name]:.1f} documents/s  {size_mb / med[name]:.2f} MB/s")
    print(f"head / baseline time per round: {med['head'] / med['baseline']:.2f}  ({len(files)} files, {size_mb:.2f} MB)")


if __name__ == "__main__":
    main()

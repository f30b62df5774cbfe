"""One benchmark run (issue 10): both stores side by side on the same generated corpus.

``run_benchmark`` generates (or reuses) a corpus, parses it once, then for each store loads it, aligns it,
opens it in a fresh process, times the queries cold and warm and serves it to 32 concurrent clients; every step
runs in a process of its own (``steps.py``) so its peak memory (``ru_maxrss``) is its own, and is killed when
it overruns its time budget, which the report names ("neo4j: align hit the 1800 s limit"). Figures and ratios
come back as a ``Report`` (``report.py``); the CLI prints its Markdown table and appends it to ``--out``.

>>> r = run_benchmark(Options(size="S", stores=["sqlite"], smoke=True))   # doctest: +SKIP
>>> r.figure("align", "precision", "").values["sqlite"].median   # doctest: +SKIP
0.93
"""
from __future__ import annotations

import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from policygraph.benchmark.queryset import HEADLINE, QUERIES
from policygraph.benchmark.report import Report, Stat
from policygraph.errors import StoreError

REPO = Path(__file__).resolve().parent.parent.parent
NEO4J_SCRIPT = REPO / "tools" / "neo4j-server" / "run"


@dataclass
class Options:
    """What to run: ``smoke`` asks a handful of queries and serves for 2 s (the test suite's mode)."""

    size: str = "M"
    stores: list[str] = field(default_factory=lambda: ["sqlite", "neo4j"])
    smoke: bool = False
    seed: int = 0
    corpus: Path | None = None  # an existing generated corpus of this size, instead of generating one
    workdir: Path | None = None
    budget: float = 1800.0  # seconds per step per store
    warm: int | None = None  # queries per query kind (default 1,000; smoke 3)
    cold: int | None = None  # fresh opens per query kind (default 20; smoke 1)
    opens: int | None = None  # fresh processes for the open figure (default 5; smoke 1)
    api_seconds: float | None = None  # how long the 32 clients ask (default 20 s; smoke 2 s)
    clients: int = 32
    max_plans: int | None = None  # only the first N documents in file order (the nation, then one province …)
    progress: Callable[[str], None] = lambda _: None

    def n(self, name: str, full: float, smoke: float) -> float:
        given = getattr(self, name)
        return float(given) if given is not None else (smoke if self.smoke else full)


def run_benchmark(opts: Options) -> Report:
    """Run every step on every store of ``opts`` and return the figures (see the module)."""
    work = Path(opts.workdir or tempfile.mkdtemp(prefix="pg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = _corpus(opts, work)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    report = Report(context=_context(opts, corpus, manifest), stores=list(opts.stores))
    runner = _Runner(opts, report)
    trees, tasks = work / "trees.pickle", work / "tasks.json"
    parsed = runner.step("all", "parse", {"corpus": str(corpus), "trees": str(trees), "tasks": str(tasks),
                                        "max_plans": opts.max_plans})
    if parsed is None or parsed["stopped"]:
        return report
    _parse_figures(report, parsed)
    report.context.update(plans=parsed["documents"], task_units=parsed["task_units"], mb=parsed["bytes"] / 1e6)
    with _neo4j(opts) as env:
        refs: dict[str, list[str]] | None = None
        for store in opts.stores:
            url = f"sqlite:///{work / 'graph.db'}" if store == "sqlite" else env["NEO4J_URI"]
            refs = _one_store(runner, store, url, corpus, trees, tasks, refs)
    return report


def _one_store(runner: _Runner, store: str, url: str, corpus: Path, trees: Path, tasks: Path,
               refs: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    """Every step on one store; the query references of the first store are used for the others."""
    r, opts = runner.report, runner.opts
    loaded = runner.step(store, "load", {"url": url, "trees": str(trees)})
    if loaded is None:
        return refs
    busy = sum(loaded["times"]) or 1e-9
    r.put(store, "load", "throughput", "task units/s", Stat.one(loaded["task_units"] / busy))
    r.put(store, "load", "time per document", "s", Stat.of(loaded["times"]))
    r.put(store, "load", "peak memory", "MB", Stat.one(loaded["maxrss_mb"]))
    if loaded["stopped"]:
        r.stopped.append(f"{store}: the other steps were not run (they would measure a part of the corpus)")
        return refs
    aligned = runner.step(store, "align", {"url": url, "tasks": str(tasks), "corpus": str(corpus)})
    if aligned is not None:
        r.put(store, "align", "time", "s", Stat.one(aligned["seconds"]))
        r.put(store, "align", "time per plan pair", "s", Stat.of(aligned["times"]))
        r.put(store, "align", "plan pairs", "", Stat.one(aligned["pairs"]))
        r.put(store, "align", "links", "", Stat.one(aligned["links"]))
        for k in ("precision", "recall", "hits_at_3"):
            r.put(store, "align", k.replace("_at_", "@"), "", Stat.one(aligned[k]))
        if "candidate_recall" in aligned:
            r.put(store, "align", f"candidate recall (top {aligned['candidates']} vs all pairs, "
                  f"{aligned['candidate_pairs']} plan pairs)", "", Stat.one(aligned["candidate_recall"]))
        r.put(store, "align", "peak memory", "MB", Stat.one(aligned["maxrss_mb"]))
    if refs is None:
        got = runner.step(store, "refs", {"url": url})
        if got is None:
            return refs
        refs = got["refs"]
    assert refs is not None
    _open(runner, store, url, refs[HEADLINE][0])
    _queries(runner, store, url, refs)
    _api(runner, store, url, refs[HEADLINE])
    return refs


def _open(runner: _Runner, store: str, url: str, ref: str) -> None:
    opened, first, rss, wall = [], [], [], []
    for _ in range(int(runner.opts.n("opens", 5, 1))):
        t = time.perf_counter()
        got = runner.step(store, "open", {"url": url, "ref": ref})
        if got is None:
            break
        wall.append(time.perf_counter() - t)
        opened.append(got["open"])
        first.append(got["first_answer"])
        rss.append(got["maxrss_mb"])
    r = runner.report
    r.put(store, "open", "open the store", "s", Stat.of(opened))
    r.put(store, "open", "first answer (open + headline query)", "s", Stat.of(first))
    r.put(store, "open", "fresh process to first answer", "s", Stat.of(wall))
    r.put(store, "open", "peak memory", "MB", Stat.of(rss))


def _queries(runner: _Runner, store: str, url: str, refs: dict[str, list[str]]) -> None:
    opts = runner.opts
    got = runner.step(store, "queries", {"url": url, "refs": refs, "warm": int(opts.n("warm", 1000, 3)),
                                         "cold": int(opts.n("cold", 20, 1))})
    if got is None:
        return
    for name in QUERIES:
        for mode in ("cold", "warm"):
            times = got[mode].get(name)
            runner.report.put(store, f"query {mode}", name, "ms", Stat.of([t * 1000 for t in times or []]))
    runner.report.put(store, "queries", "peak memory", "MB", Stat.one(got["maxrss_mb"]))


def _api(runner: _Runner, store: str, url: str, refs: list[str]) -> None:
    """Serve the store on 127.0.0.1 and ask the headline query from ``clients`` threads of another process."""
    opts, r = runner.opts, runner.report
    port = _free_port()
    # The server's log (one JSON line per request) goes to a file: into a pipe nobody read, it filled the pipe
    # after ~500 requests and every request then hung until the clients' 60 s timeout (32 "failed requests").
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen([sys.executable, "-c", "from policygraph.cli import main; main()", "serve",
                               "--store", url, "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=log, text=True)
    try:
        if not _wait_ready(server, port, min(opts.budget, 600)):
            r.stopped.append(f"{store}: API server did not answer /readyz (figure: API requests/s)")
            return
        seconds = opts.n("api_seconds", 20, 2)
        paths = [f"/api/v1/measures/{ref}/implementations" for ref in refs]
        got = runner.step(store, "api_load", {"base": f"http://127.0.0.1:{port}", "paths": paths,
                                              "clients": opts.clients, "seconds": seconds})
        if got is None:
            return
        lat = [t * 1000 for t in got["times"]]
        r.put(store, "api", f"headline query, {opts.clients} clients", "requests/s",
              Stat.one(len(lat) / got["wall"] if got["wall"] else 0))
        r.put(store, "api", "latency (p50 as median)", "ms", Stat.of(lat))
        r.put(store, "api", "failed requests", "", Stat.one(got["errors"]))
        r.put(store, "api", "server peak memory", "MB", Stat.one(_peak_rss_mb(server.pid)))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


class _Runner:
    """Runs steps in child processes under the time budget; a step that overruns or fails is named in
    ``report.stopped`` and gives None, and the run goes on with the next step."""

    def __init__(self, opts: Options, report: Report) -> None:
        self.opts, self.report = opts, report

    def step(self, store: str, name: str, args: dict[str, Any]) -> dict[str, Any] | None:
        self.opts.progress(f"{store}: {name} …")
        budget = self.opts.budget
        cmd = [sys.executable, "-m", "policygraph.benchmark.steps", name,
               json.dumps({**args, "budget": budget}, ensure_ascii=False)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=budget + 60 + budget / 4, cwd=REPO)
        except subprocess.TimeoutExpired:
            self.report.stopped.append(f"{store}: {name} hit the {budget:.0f} s limit")
            return None
        if done.returncode < 0:
            sig = signal.Signals(-done.returncode).name
            why = " (on Linux, usually the kernel's out-of-memory killer)" if sig == "SIGKILL" else ""
            self.report.stopped.append(f"{store}: {name} was killed by {sig}{why}")
            return None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            self.report.stopped.append(f"{store}: {name} failed: {last}")
            return None
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        if result.get("stopped"):
            self.report.stopped.append(f"{store}: {result['stopped']} (the {budget:.0f} s limit)")
        return result


def _parse_figures(r: Report, parsed: dict[str, Any]) -> None:
    busy = sum(parsed["times"]) or 1e-9
    r.put_shared("parse", "throughput", "documents/s", Stat.one(parsed["documents"] / busy))
    r.put_shared("parse", "throughput", "MB/s", Stat.one(parsed["bytes"] / 1e6 / busy))
    r.put_shared("parse", "time per document", "s", Stat.of(parsed["times"]))
    r.put_shared("parse", "peak memory", "MB", Stat.one(parsed["maxrss_mb"]))


def _corpus(opts: Options, work: Path) -> Path:
    if opts.corpus is not None and (opts.corpus / "manifest.json").exists():
        return opts.corpus
    from policygraph.benchmark.corpus import generate

    out = opts.corpus or work / f"corpus-{opts.size}-{opts.seed}"
    opts.progress(f"generating size {opts.size} into {out} …")
    generate(opts.size, opts.seed, out, REPO / "data" / "corpus")
    return out


def _context(opts: Options, corpus: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO).stdout.strip()

    dirty = "+uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    cpu = next((ln.split(":", 1)[1].strip() for ln in _read("/proc/cpuinfo").splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next((int(ln.split()[1]) / 1024 / 1024 for ln in _read("/proc/meminfo").splitlines()
                if ln.startswith("MemTotal")), 0.0)
    return {"size": opts.size, "seed": manifest.get("seed", opts.seed), "smoke": opts.smoke,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": git("rev-parse", "--short",
            "HEAD") + dirty, "machine": f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GB, Python "
            f"{platform.python_version()}, {platform.system()}", "corpus": str(corpus),
            "plans": manifest["plans"], "task_units": manifest["tasks"], "mb": manifest["bytes"] / 1e6}


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


class _neo4j:
    """``NEO4J_URI`` as given, or a server from ``tools/neo4j-server/run start`` for the run (stopped after)."""

    def __init__(self, opts: Options) -> None:
        self.opts, self.started = opts, False

    def __enter__(self) -> dict[str, str]:
        if "neo4j" not in self.opts.stores or os.environ.get("NEO4J_URI"):
            return dict(os.environ)
        self.opts.progress("starting Neo4j (tools/neo4j-server/run start) …")
        done = subprocess.run([str(NEO4J_SCRIPT), "start"], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise StoreError(f"neo4j: tools/neo4j-server/run start failed: {done.stderr.strip()[-300:]}")
        for line in done.stdout.splitlines():
            if line.startswith("export ") and "=" in line:
                k, v = line.removeprefix("export ").split("=", 1)
                os.environ[k] = v.strip("'\"")
        self.started = True
        return dict(os.environ)

    def __exit__(self, *exc: object) -> None:
        if self.started:
            subprocess.run([str(NEO4J_SCRIPT), "stop"], capture_output=True, timeout=120)
            for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
                os.environ.pop(k, None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(server: subprocess.Popen[str], port: int, limit: float) -> bool:
    import httpx

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def _peak_rss_mb(pid: int) -> float:
    """The server's peak resident memory (VmHWM), read before it is stopped."""
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0

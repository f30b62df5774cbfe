"""The server never serves a stale graph (issue 9, item 4): when another process commits while this one waits
for the write lock, this process's next reads show that commit too — on every store, with two processes.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from conftest import REPO
from policygraph.graph.model import Fragment
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import Store
from policygraph.queries.snapshot import snapshot

# Another process writes one fragment. On the embedded store it stops just before its commit (holding the
# write lock), says "holding", and commits once the file named by argv[3] exists.
_OTHER_WRITER = """
import os, sys, time
from policygraph.graph.model import Fragment
from policygraph.graph.store import open_store
store = open_store(sys.argv[1])
fragment = Fragment.model_validate_json(open(sys.argv[2], encoding="utf-8").read())
if hasattr(store, "db"):
    def hold(statement):
        if statement.startswith("INSERT OR REPLACE INTO documents"):
            print("holding", flush=True)
            while not os.path.exists(sys.argv[3]):
                time.sleep(0.01)
    store.db.set_trace_callback(hold)
else:
    print("holding", flush=True)
print(store.write_fragment(fragment).status, flush=True)
store.close()
"""


def _url(store: Store) -> str:
    return f"sqlite:///{store.path}" if isinstance(store, SqliteStore) else os.environ["NEO4J_URI"]


def test_a_commit_made_while_this_process_waited_for_the_lock_is_served_afterwards(
        store: Store, corpus: dict[str, Fragment], tmp_path: Path) -> None:
    store.write_fragment(corpus["000"])
    assert [p.id for p in snapshot(store).nodes("Plan").values()] == [corpus["000"].plan_id]
    theirs, ours = corpus["004"], corpus["003"]
    (tmp_path / "theirs.json").write_text(theirs.model_dump_json(), encoding="utf-8")
    go = tmp_path / "go"
    other = subprocess.Popen([sys.executable, "-c", _OTHER_WRITER, _url(store), str(tmp_path / "theirs.json"),
                              str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)
    try:
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "holding", other.stderr.read() if other.stderr else ""
        if not isinstance(store, SqliteStore):
            other.wait(60)  # Neo4j: the other commit lands first; there is no in-process mirror to go stale
        release = threading.Timer(1.0, go.touch)  # let the other commit while we wait in BEGIN IMMEDIATE
        release.start()
        assert store.write_fragment(ours).status == "added"
        release.join()
        out, err = other.communicate(timeout=60)
        assert other.returncode == 0 and "added" in out, err
    finally:
        if other.poll() is None:
            other.kill()
    expected = sorted(f.plan_id for f in (corpus["000"], theirs, ours))
    assert [p.id for p in store.plans()] == expected
    assert sorted(snapshot(store).nodes("Plan")) == expected
    assert store.counts()["nodes"]["Measure"] == sum(
        1 for f in (corpus["000"], theirs, ours) for n in f.nodes if n.label == "Measure")

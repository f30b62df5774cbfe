"""tools/neo4j-server/run restarts on kept data: a second start on the same NEO4J_SERVER_DATA sets the same
password again (Neo4j refuses ALTER USER to the current password) and finds the first run's data."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "tools" / "neo4j-server" / "run"
PROBE = """
import os, sys, neo4j
with neo4j.GraphDatabase.driver(os.environ["NEO4J_URI"],
                                auth=(os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"])) as d:
    if sys.argv[1] == "write":
        d.execute_query("CREATE (:Kept {run: 1})")
    print(d.execute_query("MATCH (k:Kept) RETURN count(k) AS n").records[0]["n"])
"""

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600),
              pytest.mark.skipif(shutil.which("java") is None or shutil.which("mvn") is None,
                                 reason="the Neo4j test server needs java and mvn")]


def _exec(home: Path, step: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEO4J_SERVER_DATA": str(home), "NEO4J_PASSWORD": password}
    env.pop("NEO4J_URI", None)
    return subprocess.run([str(RUN), "exec", "--", sys.executable, "-c", PROBE, step], env=env,
                          capture_output=True, text=True, timeout=500)


def test_the_server_restarts_on_kept_data_with_the_same_and_with_a_new_password(tmp_path: Path) -> None:
    home = tmp_path / "neo4j-home"
    first = _exec(home, "write", "same-password")
    assert first.returncode == 0 and first.stdout.strip() == "1", first.stderr[-2000:]
    again = _exec(home, "read", "same-password")
    assert again.returncode == 0 and again.stdout.strip() == "1", again.stderr[-2000:]
    changed = _exec(home, "read", "a-new-password")
    assert changed.returncode == 0 and changed.stdout.strip() == "1", changed.stderr[-2000:]

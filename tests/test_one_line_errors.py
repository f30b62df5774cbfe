"""One line for every bad input: a name too long for the file system, a damaged PDF, a Neo4j that is not there,
a malformed token entry. Each gives exactly one line on stderr, no traceback, no library chatter, no secret."""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from policygraph.api.settings import parse_tokens
from policygraph.errors import ConfigError

POLICYGRAPH = str(Path(sys.executable).with_name("policygraph"))


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([POLICYGRAPH, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def assert_one_line(proc: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert proc.returncode == status, (proc.returncode, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("policygraph: "), proc.stderr
    return lines[0]


def test_a_300_character_file_name_is_one_line_for_parse_and_load(tmp_path: Path) -> None:
    name = "规划" * 150 + ".txt"  # 300 characters, 900 bytes: over every file system's name limit
    line = assert_one_line(run_cli("parse", name, cwd=tmp_path))
    assert "too long" in line.lower()
    proc = run_cli("load", name, "--store", f"sqlite:///{tmp_path / 'g.db'}", cwd=tmp_path)
    assert "Traceback" not in proc.stderr and proc.returncode in (1, 2)
    assert len([line for line in proc.stderr.splitlines() if line.strip()]) == 1, proc.stderr


def _pdf() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    for i in range(5):
        c.drawString(72, 700 - 20 * i, f"{i + 1}、加强食品安全监管工作")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("damage", ["truncated", "startxref"])
def test_a_damaged_pdf_is_one_line_without_pypdf_warnings(tmp_path: Path, damage: str) -> None:
    good = _pdf()
    bad = good[: len(good) * 2 // 3] if damage == "truncated" else re.sub(rb"startxref\s+\d+", b"startxref\n999999", good)
    (tmp_path / "bad.pdf").write_bytes(bad)
    proc = run_cli("parse", "bad.pdf", cwd=tmp_path)
    assert proc.stderr.count("\n") <= 1 and "EOF marker" not in proc.stderr and "startxref" not in proc.stderr, \
        proc.stderr
    if proc.returncode:  # pypdf may repair a bad pointer; then it parses (or fails on structure) quietly
        assert_one_line(proc)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_a_neo4j_that_is_not_running_is_one_line(tmp_path: Path, scheme: str) -> None:
    proc = run_cli("stats", "--store", f"{scheme}://127.0.0.1:{_closed_port()}", cwd=tmp_path,
                   env={"NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "x"})
    line = assert_one_line(proc)
    assert "Neo4j" in line


def test_the_cli_silences_the_drivers_retry_warnings() -> None:
    """A Neo4j that stops during a command made the driver log 'Transaction failed and will be retried' a
    dozen times over 35 s before our message; the CLI keeps the driver's warnings off the terminal."""
    code = ("import logging, sys\n"
            "from policygraph.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "logging.getLogger('neo4j.session').warning('Transaction failed and will be retried in 1s')\n"
            "logging.getLogger('neo4j.pool').warning('Unable to retrieve routing information')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "retried" not in proc.stderr and "routing" not in proc.stderr, proc.stderr


SECRET = "tok-9f8e7d6c5b4a"


@pytest.mark.parametrize("raw,position", [(f"alice:a1,{SECRET}", 2), (f"{SECRET}", 1), (f"alice:a1, :{SECRET}", 2),
                                          (f"alice:a1,,bob{SECRET}:", 3)])
def test_a_malformed_token_entry_is_named_by_position_never_by_content(raw: str, position: int) -> None:
    with pytest.raises(ConfigError) as err:
        parse_tokens(raw)
    message = str(err.value)
    assert f"entry {position}" in message
    assert not any(SECRET[i:i + 4] in message for i in range(len(SECRET) - 3)), message


def test_serve_with_a_malformed_token_entry_is_one_line_without_the_secret(tmp_path: Path) -> None:
    proc = run_cli("serve", "--store", f"sqlite:///{tmp_path / 'g.db'}", cwd=tmp_path,
                   env={"POLICYGRAPH_API_TOKENS": f"alice:a1,{SECRET}"})
    line = assert_one_line(proc)
    assert "entry 2" in line and SECRET[:6] not in line


def test_a_file_name_too_long_for_the_file_system_is_skipped_with_one_line_by_load(tmp_path: Path) -> None:
    from policygraph.ingest import collect_files

    long_name = tmp_path / ("规" * 300 + ".txt")
    assert collect_files([long_name]) == [long_name]  # no OSError: the parser reports it as the file's problem

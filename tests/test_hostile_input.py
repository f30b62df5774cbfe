"""No upload can wedge the server: a zip bomb and 200,000 nested <div> are refused in seconds, before they are
unzipped or parsed, by the CLI and by the API, while reads keep answering in under a second."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from conftest import CORPUS_DIR
from fastapi.testclient import TestClient
from hostile_files import deep_html, small_docx, zip_bomb_docx

from policygraph.api import ApiSettings, create_app
from policygraph.errors import InputError
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import Store
from policygraph.errors import TooLarge
from policygraph.limits import MAX_DOCX_EXPANDED_BYTES, MAX_HTML_DEPTH
from policygraph.loaders.decoding import decode_bytes

TOKEN = "hostile-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
API = "/api/v1"
POLICYGRAPH = str(Path(sys.executable).with_name("policygraph"))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---- the parser refuses them before the expensive step (so the CLI is protected too) --------------------
def test_a_zip_bomb_docx_is_refused_before_it_is_unzipped() -> None:
    bomb = zip_bomb_docx()
    assert len(bomb) < 5_000_000  # a few MB on the wire, 1.5 GiB unzipped
    start = time.perf_counter()
    with pytest.raises(TooLarge) as err:
        decode_bytes(bomb, "bomb.docx")
    assert time.perf_counter() - start < 1.0
    assert "bomb.docx" in str(err.value) and f"{MAX_DOCX_EXPANDED_BYTES:,}" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_word_file_of_ordinary_size_still_reads() -> None:
    decoded = decode_bytes(small_docx(["关于做好食品安全工作的通知", "一、总体要求"]), "ok.docx")
    assert decoded.source_format == "docx" and "总体要求" in decoded.text


def test_a_page_nested_200000_deep_is_refused_before_it_is_parsed() -> None:
    page = deep_html(200_000)
    assert len(page) < 2_500_000
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        decode_bytes(page, "deep.html")
    assert time.perf_counter() - start < 1.0
    assert not isinstance(err.value, TooLarge)  # a shape problem (422), not a size one (413)
    assert "deep.html" in str(err.value) and f"{MAX_HTML_DEPTH:,}" in str(err.value)


def test_a_page_nested_just_under_the_limit_still_reads() -> None:
    decoded = decode_bytes(deep_html(MAX_HTML_DEPTH - 5), "ok.html")
    assert "总体要求" in decoded.text


def test_unclosed_paragraphs_list_items_and_void_tags_do_not_count_as_depth() -> None:
    """Real pages leave <p>, <li> and <td> open and never close <br>, <img>, <meta>: none of that is nesting."""
    rows = "".join(f"<tr><td>{i}<td>任务{i}" for i in range(2000))
    body = ("<p>一、总体要求<br><img src=x.png>" + "<p>（一）加强监管。<br>" * 3000 + "<ul>" + "<li>事项" * 3000
            + "</ul><table>" + rows + "</table>")
    page = f"<html><head><meta charset=utf-8><link rel=x></head><body><div id=zoom>{body}</div></body></html>"
    assert "总体要求" in decode_bytes(page.encode(), "open-tags.html").text


# ---- through the CLI ----------------------------------------------------------------------------------------
def _run(*args: str, cwd: Path) -> tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run([POLICYGRAPH, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return proc.returncode, proc.stderr, time.perf_counter() - start


@pytest.mark.parametrize("name,make", [("bomb.docx", zip_bomb_docx), ("deep.html", deep_html)])
def test_the_cli_refuses_the_bomb_and_the_deep_page_in_one_line_while_reads_answer(
        tmp_path: Path, name: str, make: Callable[[], bytes]) -> None:
    (tmp_path / name).write_bytes(make())
    db = tmp_path / "graph.db"
    with SqliteStore(db) as s:  # a store with the corpus, read while the CLI works on the hostile file
        from policygraph.ingest import load_paths

        load_paths(s, [CORPUS_DIR])
    result: dict[str, tuple[int, str, float]] = {}
    worker = threading.Thread(target=lambda: result.update(parse=_run("parse", name, cwd=tmp_path)))
    worker.start()
    reads = []
    with SqliteStore(db) as reader:
        while worker.is_alive():
            start = time.perf_counter()
            reader.counts()
            reads.append(time.perf_counter() - start)
            time.sleep(0.05)
    worker.join()
    status, stderr, seconds = result["parse"]
    assert status == 2 and len(stderr.strip().splitlines()) == 1 and name in stderr, stderr
    assert seconds < 20  # interpreter start-up included; the refusal itself takes milliseconds
    assert reads and max(reads) < 1.0

    status, stderr, _ = _run("load", name, "--store", f"sqlite:///{db}", cwd=tmp_path)
    assert status in (1, 2) and [line for line in stderr.splitlines() if name in line], stderr
    assert "Traceback" not in stderr


# ---- through the API ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(graph: Store) -> TestClient:
    return TestClient(create_app(graph, ApiSettings(tokens={TOKEN: "attacker"})))


def _upload_while_reading(get: Callable[[str], int], post: Callable[[str, bytes, str], tuple[int, dict[str, object]]],
                          name: str, data: bytes, mime: str) -> tuple[int, dict[str, object], float, list[float]]:
    """POST the file in a thread; meanwhile GET a list again and again; return the answer and each read's time."""
    out: dict[str, object] = {}

    def upload() -> None:
        start = time.perf_counter()
        out["status"], out["body"] = post(name, data, mime)
        out["seconds"] = time.perf_counter() - start

    worker = threading.Thread(target=upload)
    worker.start()
    reads = []
    while worker.is_alive() or not reads:
        start = time.perf_counter()
        assert get(f"{API}/plans") == 200
        reads.append(time.perf_counter() - start)
        time.sleep(0.02)
    worker.join()
    return int(out["status"]), out["body"], float(out["seconds"]), reads  # type: ignore[arg-type,return-value]


def _test_client_calls(client: TestClient) -> tuple[Callable[[str], int],
                                                     Callable[[str, bytes, str], tuple[int, dict[str, object]]]]:
    def get(path: str) -> int:
        return client.get(path).status_code

    def post(name: str, data: bytes, mime: str) -> tuple[int, dict[str, object]]:
        r = client.post(f"{API}/documents", headers=AUTH, files={"file": (name, data, mime)})
        return r.status_code, r.json()

    return get, post


def test_a_zip_bomb_upload_is_413_in_seconds_while_reads_answer(client: TestClient) -> None:
    status, body, seconds, reads = _upload_while_reading(*_test_client_calls(client), "bomb.docx",
                                                         zip_bomb_docx(), DOCX)
    assert status == 413 and body["title"] == "Payload too large" and "bomb.docx" in str(body["detail"])
    assert seconds < 10 and max(reads) < 1.0


def test_a_deep_page_upload_is_422_in_seconds_while_reads_answer(client: TestClient) -> None:
    status, body, seconds, reads = _upload_while_reading(*_test_client_calls(client), "deep.html",
                                                         deep_html(), "text/html")
    assert status == 422 and "deep.html" in str(body["detail"]) and "nest" in str(body["detail"])
    assert seconds < 10 and max(reads) < 1.0


def _big_plan() -> bytes:
    """A legitimate but long plan (the corpus's largest, repeated): its parse takes seconds."""
    text = next(CORPUS_DIR.glob("001_*.txt")).read_text(encoding="utf-8")
    return ((text + "\n") * 60).encode()


def test_a_parse_that_runs_too_long_is_stopped_and_reads_never_wait_for_it(graph: Store) -> None:
    slow = TestClient(create_app(graph, ApiSettings(tokens={TOKEN: "attacker"}, parse_timeout_s=1.0)))
    status, body, seconds, reads = _upload_while_reading(*_test_client_calls(slow), "long.txt", _big_plan(),
                                                         "text/plain")
    assert status == 422 and "longer than 1 s" in str(body["detail"]), body
    assert seconds < 8 and max(reads) < 1.0
    assert slow.get(f"{API}/plans").json()["total"] == 5  # nothing was written


def test_a_parse_that_needs_too_much_memory_is_stopped(graph: Store) -> None:
    tight = TestClient(create_app(graph, ApiSettings(tokens={TOKEN: "attacker"},
                                                     parse_memory_bytes=20 * 1024 * 1024)))
    r = tight.post(f"{API}/documents", headers=AUTH, files={"file": ("long.txt", _big_plan(), "text/plain")})
    assert r.status_code == 422 and "memory" in r.json()["detail"], r.text


@pytest.fixture()
def real_server(graph: Store) -> Iterator[str]:
    """The app under a real uvicorn in a thread, as `policygraph serve` runs it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(graph, ApiSettings(tokens={TOKEN: "attacker"})),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.parametrize("name,make,mime,expected", [("bomb.docx", zip_bomb_docx, DOCX, 413),
                                                     ("deep.html", deep_html, "text/html", 422)])
def test_a_real_server_keeps_answering_reads_while_it_refuses_hostile_uploads(
        real_server: str, name: str, make: Callable[[], bytes], mime: str, expected: int) -> None:
    with httpx.Client(base_url=real_server, timeout=30) as reader, httpx.Client(base_url=real_server,
                                                                                timeout=30) as writer:
        def get(path: str) -> int:
            return reader.get(path).status_code

        def post(n: str, data: bytes, m: str) -> tuple[int, dict[str, object]]:
            r = writer.post(f"{API}/documents", headers=AUTH, files={"file": (n, data, m)})
            return r.status_code, r.json()

        status, body, seconds, reads = _upload_while_reading(get, post, name, make(), mime)
    assert status == expected and name in str(body["detail"])
    assert seconds < 10 and max(reads) < 1.0


def test_the_worker_never_runs_the_servers_main_script_again(tmp_path: Path) -> None:
    """multiprocessing re-imports __main__ in its children: a server started by an unguarded script would start
    again in every parse worker. The script below counts its own runs; it must run once."""
    script = tmp_path / "unguarded_server.py"
    script.write_text(
        "import pathlib\n"
        f"runs = pathlib.Path({str(tmp_path / 'runs')!r})\n"
        "runs.write_text(runs.read_text() + 'x' if runs.exists() else 'x')\n"
        "from policygraph.api.parse_worker import parse_isolated\n"
        f"tree = parse_isolated(pathlib.Path({str(next(CORPUS_DIR.glob('000_*.txt')))!r}).read_bytes(), 'a.txt')\n"
        "print(len(tree.measures))\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and int(proc.stdout) > 0, proc.stderr
    assert (tmp_path / "runs").read_text() == "x"


def test_when_every_parse_worker_is_busy_an_upload_is_503_after_its_wait(graph: Store,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.api import parse_worker

    taken = threading.BoundedSemaphore(1)
    taken.acquire()  # the only slot, held by a parse that never ends
    monkeypatch.setattr(parse_worker, "_SLOTS", taken)
    busy = TestClient(create_app(graph, ApiSettings(tokens={TOKEN: "attacker"}, parse_timeout_s=0.5)))
    start = time.perf_counter()
    r = busy.post(f"{API}/documents", headers=AUTH, files={"file": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 503 and r.json()["title"] == "Busy" and time.perf_counter() - start < 5

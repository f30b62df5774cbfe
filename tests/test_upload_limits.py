"""One size limit, one behaviour: 20,000,000 bytes (decimal MB) in the parser, the API and the CLI; one byte more
is 413 over HTTP and one line with exit status 2 on the command line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policygraph import errors, limits
from policygraph.api import ApiSettings, create_app
from policygraph.errors import InputError
from policygraph.graph.store import Store
from policygraph.loaders import decoding

TOKEN = "limit-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
POLICYGRAPH = str(Path(sys.executable).with_name("policygraph"))
LIMIT = 20_000_000


def test_the_parser_and_the_api_use_the_same_documented_number() -> None:
    assert limits.MAX_UPLOAD_BYTES == LIMIT
    assert decoding.MAX_BYTES == LIMIT and ApiSettings().max_upload_bytes == LIMIT


def test_the_parser_reads_20000000_bytes_and_refuses_one_more_as_too_large() -> None:
    with pytest.raises(InputError) as at_limit:  # read, then refused for what it is (binary), not its size
        decoding.decode_bytes(b"\x00" * LIMIT, "at-limit.txt")
    assert not isinstance(at_limit.value, errors.TooLarge)
    with pytest.raises(errors.TooLarge, match="20,000,000-byte limit"):
        decoding.decode_bytes(b"\x00" * (LIMIT + 1), "over.txt")


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:  # the default limits, as `policygraph serve` runs
    return TestClient(create_app(store, ApiSettings(tokens={TOKEN: "limits"})))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from policygraph.graph.sqlite_store import SqliteStore

    return SqliteStore(tmp_path_factory.mktemp("limits") / "graph.db")


def test_an_upload_one_byte_over_the_limit_is_413_and_one_at_the_limit_is_read(client: TestClient) -> None:
    over = client.post("/api/v1/documents", headers=AUTH,
                       files={"file": ("over.txt", b"\x00" * (LIMIT + 1), "text/plain")})
    assert over.status_code == 413 and "20,000,000-byte limit" in over.json()["detail"]
    at = client.post("/api/v1/documents", headers=AUTH, files={"file": ("at.txt", b"\x00" * LIMIT, "text/plain")})
    assert at.status_code == 422 and "binary" in at.json()["detail"]


def test_the_cli_refuses_a_file_one_byte_over_the_limit_in_one_line(tmp_path: Path) -> None:
    big = tmp_path / "over.txt"
    big.write_bytes(b"a" * (LIMIT + 1))
    proc = subprocess.run([POLICYGRAPH, "parse", str(big)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "20,000,001 bytes, over the 20,000,000-byte limit" in proc.stderr


def test_a_chunked_upload_without_a_length_is_cut_off_at_the_limit(client: TestClient) -> None:
    """No Content-Length to refuse early: the server counts what arrives and stops reading past the limit
    (plus the form's own bytes), instead of spooling all that is sent to disk before the route sees it.
    Called as ASGI, so the test sees how much of the body the server pulled."""
    import asyncio

    pulled = 0
    messages: list[dict[str, object]] = []
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'

    async def receive() -> dict[str, object]:
        nonlocal pulled
        pulled += 1
        if pulled > 200:  # 200 MB if nobody stops reading
            return {"type": "http.request", "body": b"\r\n--b--\r\n", "more_body": False}
        return {"type": "http.request", "body": head if pulled == 1 else b"a" * 1_000_000, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        messages.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/v1/documents", "raw_path": b"/api/v1/documents", "root_path": "", "query_string": b"",
             "server": ("test", 80), "client": ("127.0.0.1", 1),
             "headers": [(b"authorization", f"Bearer {TOKEN}".encode()), (b"transfer-encoding", b"chunked"),
                         (b"content-type", b"multipart/form-data; boundary=b")]}
    asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in messages if m["type"] == "http.response.start")
    assert start["status"] == 413 and (b"content-type", b"application/problem+json") in start["headers"]  # type: ignore[operator]
    assert pulled < 30  # 20 MB and the slack, not 200 MB

"""The evidence view of a link (``queries.evidence``, ``/links/{id}``) and the review queue (``/review/next``).

On the sample corpus, loaded and aligned in a store of this module's own (the tests review links): the page
shows the lower task and the higher measure with the aligner's shared phrases marked at their evidence spans,
a review through the API changes the page and its history, and the queue walks the inferred links.
"""
from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from policygraph import queries as q
from policygraph.api import ApiSettings, create_app
from policygraph.graph.store import Store
from policygraph.queries.evidence import pieces

TOKEN = "evidence-test-token"


@pytest.fixture(scope="module")
def store(sqlite_graph: Store) -> Store:
    return sqlite_graph  # this module's own copy of the aligned sample corpus: its tests review links


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(store, ApiSettings(tokens={TOKEN: "auditor"})))


def _with_phrases(store: Store) -> str:
    """A link whose evidence has shared phrases with spans in both texts."""
    return next(e.id for e in sorted(store.links(), key=lambda e: e.id)
                if any(p.get("source_spans") and p.get("target_spans") for p in e.link.evidence.get("key_phrases", [])))


def test_the_marked_runs_are_the_evidence_spans_of_both_texts(store: Store) -> None:
    link_id = _with_phrases(store)
    ev = q.link_evidence(store, link_id)
    edge = store.get_edge(link_id)
    assert edge is not None and (ev.lower.id, ev.higher.id) == (edge.source, edge.target)
    assert "".join(p.text for p in ev.lower_text) == ev.lower.text
    assert "".join(p.text for p in ev.higher_text) == ev.higher.text
    spans = [p for p in edge.link.evidence["key_phrases"]]
    lower_marked = {i for p in spans for s, e in p["source_spans"] for i in range(s, e)}
    at, got = 0, set()
    for piece in ev.lower_text:
        if piece.marked:
            got |= set(range(at, at + len(piece.text)))
        at += len(piece.text)
    assert got == {i for i in lower_marked if i < len(ev.lower.text)}
    assert ev.phrases == [p["phrase"] for p in spans] and ev.subscores and ev.history == []


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=6))
def test_pieces_cover_the_text_once_and_mark_exactly_the_spans(text: str, raw: list[tuple[int, int]]) -> None:
    spans = [list(s) for s in raw]
    out = pieces(text, spans)
    assert "".join(p.text for p in out) == text
    want = {i for s, e in raw for i in range(max(0, s), min(len(text), e))}
    at, got = 0, set()
    for p in out:
        if p.marked:
            got |= set(range(at, at + len(p.text)))
        at += len(p.text)
    assert got == want
    assert all(a.marked != b.marked for a, b in zip(out, out[1:])), "neighbouring runs alternate"


def test_the_evidence_page_shows_both_texts_with_the_phrases_marked(client: TestClient, store: Store) -> None:
    link_id = _with_phrases(store)
    ev = q.link_evidence(store, link_id)
    html = client.get(f"/links/{link_id}").text
    lower = html.split('id="lower"', 1)[1].split("</section>", 1)[0]
    higher = html.split('id="higher"', 1)[1].split("</section>", 1)[0]
    assert [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", lower)] == [p.text for p in ev.lower_text if p.marked]
    assert [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", higher)] == [p.text for p in ev.higher_text
                                                                                if p.marked]
    assert f'href="/measures/{ev.lower.id}"' in html and f'href="/measures/{ev.higher.id}"' in html
    assert f'data-url="/api/v1/links/{link_id}/review"' in html


def test_every_cascade_row_of_a_measure_page_links_to_its_evidence(client: TestClient, store: Store) -> None:
    m24 = q.get_measure(store, "河北省#24").measure.id
    html = client.get(f"/measures/{m24}").text
    ids = re.findall(r'href="/links/([^"]+)"', html)
    rows = q.implementations(store, m24).items + q.sources(store, m24).items
    assert ids and sorted(set(ids)) == sorted({r.path[-1].link_id for r in rows})
    assert all(client.get(f"/links/{i}").status_code == 200 for i in set(ids))


def test_a_review_through_the_api_shows_on_the_page_with_its_history(client: TestClient, store: Store) -> None:
    link_id = sorted(e.id for e in store.links())[-1]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post(f"/api/v1/links/{link_id}/review", json={"decision": "confirm", "note": "核对一致"},
                    headers=headers)
    assert r.status_code == 200, r.text
    html = client.get(f"/links/{link_id}").text
    assert 'id="link-status">已确认' in html and "auditor" in html.split('id="link-meta"', 1)[1].split("</p>", 1)[0]
    history = html.split('id="history"', 1)[1].split("</table>", 1)[0]
    assert "auditor" in history and "核对一致" in history
    assert client.post(f"/api/v1/links/{link_id}/review", json={"decision": "reject"}).status_code == 401


def test_the_review_queue_walks_the_inferred_links_in_order_with_its_filters(client: TestClient, store: Store) -> None:
    inferred = sorted(e.id for e in store.links() if e.link.status == "inferred")
    first = client.get("/review/next", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/links/{inferred[0]}"
    after = client.get("/review/next", params={"after": inferred[0]}, follow_redirects=False)
    assert after.headers["location"] == f"/links/{inferred[1]}"
    high = client.get("/review/next", params={"band": "high"}, follow_redirects=False).headers["location"]
    high_id = high.split("?", 1)[0].removeprefix("/links/")
    link = store.get_edge(high_id)
    assert link is not None and (link.link.score or 1) >= 0.8 and high.endswith("?band=high")
    assert all((store.get_edge(i).link.score or 1) < 0.8 for i in inferred if i < high_id)  # type: ignore[union-attr]
    page = client.get(high).text
    assert 'href="/review/next?after=' in page and "band=high" in page
    done = client.get("/review/next", params={"after": inferred[-1]})
    assert done.status_code == 200 and "审核完毕" in done.text


def test_an_unknown_link_is_a_404_page(client: TestClient) -> None:
    r = client.get("/links/e-0000000000000000")
    assert r.status_code == 404 and "e-0000000000000000" in r.text

"""The HTTP API on every store: the questions, the error shape on every error path, reviews and uploads."""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from conftest import CORPUS_DIR
from fastapi.testclient import TestClient

from policygraph.align.run import align_plans
from policygraph.api import ApiSettings, create_app
from policygraph.graph.store import Store

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
API = "/api/v1"
XX_FILE = CORPUS_DIR / "000_720280f9a1b25883.txt"



@pytest.fixture(scope="module")
def client(graph: Store) -> TestClient:
    settings = ApiSettings(tokens={TOKEN: "auditor"}, cors_origins=["https://audit.example"],
                           max_upload_bytes=2 * 1024 * 1024)
    return TestClient(create_app(graph, settings))


def assert_problem(response: object, status: int) -> dict[str, object]:
    """Every error is RFC 9457 problem+json with the status repeated in the body."""
    r = response
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body: dict[str, object] = r.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# ---- the questions ----------------------------------------------------------------------------------
def test_cascade_for_hebei_24_returns_the_linked_county_tasks_with_agencies_and_evidence(
        client: TestClient, graph: Store) -> None:
    r = client.get(f"{API}/measures/河北省%2324/implementations", params={"level": "county"})
    assert r.status_code == 200
    body = r.json()
    m24 = body["measure"]["id"]
    units = {m24} | {e.source for e in graph.edges("PART_OF", target=m24)}
    linked = {e.source for e in graph.links() if e.target in units and e.props["status"] != "rejected"}
    assert {i["measure"]["id"] for i in body["items"]} == linked
    for item in body["items"]:
        assert item["measure"]["agencies"] and item["measure"]["plan"]["level"] == "county"
        assert item["path"][0]["evidence"] and item["path"][0]["status"] in ("inferred", "confirmed")
    assert body["groups"] and body["total"] == len(linked)


def test_cascade_up_and_measure_detail(client: TestClient) -> None:
    up = client.get(f"{API}/measures/西平县2020%23十七/sources").json()
    assert up["direction"] == "up" and up["items"]
    detail = client.get(f"{API}/measures/河北省%2324").json()
    assert detail["measure"]["ref"] == "河北省#24" and detail["children"]


def test_coverage_of_hebei_by_xx_county(client: TestClient) -> None:
    body = client.get(f"{API}/coverage", params={"parent": "河北省", "child": "XX县", "limit": 100}).json()
    s = body["summary"]
    assert s["covered"] > 0 and s["gaps"] > 0 and s["local_additions"] == len(body["local_additions"]) > 0
    assert [r["covered"] for r in body["items"]].count(False) == s["gaps"]
    matrix = client.get(f"{API}/coverage", params={"parent": "河北省", "child_level": "county"}).json()
    assert len(matrix["plans"]) == 4 and matrix["items"][0]["cells"]


def test_target_comparison_flags_the_two_weaker_xx_county_targets(client: TestClient) -> None:
    body = client.get(f"{API}/indicators/compare", params={"parent": "河北省", "child": "XX县", "verdict": "weaker",
                                                          "limit": 100}).json()
    weaker = {(p["parent"]["metric"], p["parent"]["value"], p["child"]["value"]) for p in body["items"]
              if p["parent_ref"] == "河北省#6"}
    assert weaker == {("主要农作物病虫害绿色防控覆盖率", 30.0, 29.0), ("专业化统防统治覆盖率", 40.0, 39.0)}


def test_agencies_by_function_and_their_obligations(client: TestClient) -> None:
    body = client.get(f"{API}/agencies", params={"function": "市场监管"}).json()
    assert body["items"] and body["spread"][0]["level"] == "county"
    first = body["items"][0]
    ob = client.get(f"{API}/agencies/{first['id']}/obligations").json()
    assert ob["total"] == first["tasks"] and ob["agency"]["by_role"] == first["by_role"]


def test_search_returns_offsets_and_marked_snippets(client: TestClient) -> None:
    body = client.get(f"{API}/search", params={"q": "追溯", "limit": 5}).json()
    assert body["total"] > 5 and len(body["items"]) == 5 and body["next_cursor"].startswith("4-")
    assert all("<mark>追溯</mark>" in h["snippet"] and h["matches"] for h in body["items"])
    more = client.get(f"{API}/search", params={"q": "追溯", "limit": 5, "cursor": body["next_cursor"]}).json()
    assert {h["id"] for h in more["items"]}.isdisjoint({h["id"] for h in body["items"]})
    whole = client.get(f"{API}/search", params={"q": "追溯", "limit": 10}).json()
    assert [h["id"] for h in whole["items"]] == [h["id"] for h in body["items"] + more["items"]]
    offset = client.get(f"{API}/search", params={"q": "追溯", "limit": 5, "cursor": "5"}).json()
    assert offset["items"] == more["items"]  # a plain offset is still read


def test_browse_endpoints(client: TestClient) -> None:
    plans = client.get(f"{API}/plans").json()
    assert plans["total"] == 5
    assert client.get(f"{API}/plans/西平县2020").json()["jurisdiction"] == "西平县"
    assert client.get(f"{API}/plans/河北省/tree").json()["tree"]
    laws = client.get(f"{API}/laws").json()["items"]
    assert client.get(f"{API}/laws/{laws[0]['id']}").json()["items"]
    places = client.get(f"{API}/jurisdictions").json()["items"]
    assert client.get(f"{API}/jurisdictions/{places[0]['id']}").json()["name"] == places[0]["name"]
    assert client.get(f"{API}/links", params={"status": "inferred"}).json()["total"] > 0


def test_lists_export_csv_with_a_bom_for_excel(client: TestClient) -> None:
    r = client.get(f"{API}/measures/河北省%2324/implementations", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode()) and "measure.agencies.name" in r.text.splitlines()[0]
    matrix = client.get(f"{API}/coverage", params={"parent": "河北省", "child_level": "county", "format": "csv"})
    assert "XX县2024" in matrix.text.splitlines()[0]


# ---- one error shape ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path,status", [
    (f"{API}/measures/河北%2324/implementations", 404),        # unknown plan
    (f"{API}/measures/河北省%23999", 404),                      # unknown number
    (f"{API}/measures/%23", 422),                               # malformed reference
    (f"{API}/plans/nowhere", 404),
    (f"{API}/agencies/a-nope/obligations", 404),
    (f"{API}/laws/l-nope", 404),
    (f"{API}/links/e-nope", 404),
    (f"{API}/jurisdictions/nowhere", 404),
    (f"{API}/plans?limit=0", 422),                               # bad filter values
    (f"{API}/plans?cursor=abc", 422),
    (f"{API}/measures/河北省%2324/implementations?min_score=2", 422),
    (f"{API}/measures/河北省%2324/implementations?scope=outside", 422),
    (f"{API}/search?q=", 422),
    (f"{API}/search?q=%20%20", 422),
    (f"{API}/coverage", 422),                                    # missing parent
    ("/api/v1/nothing-here", 404),
])
def test_every_error_is_problem_json(client: TestClient, path: str, status: int) -> None:
    assert_problem(client.get(path), status)


def test_an_ambiguous_plan_reference_is_409_with_candidates(client: TestClient, graph: Store) -> None:
    """Two plans of one place and no year: the reference must not pick one."""
    from policygraph.graph.model import build_fragment
    from policygraph.loaders.parse import parse_upload

    text = XX_FILE.read_text(encoding="utf-8").replace("2024年食品安全重点工作安排", "2025年食品安全重点工作安排")
    tree = parse_upload(text.encode("utf-8"), "xx2025.txt")
    graph.write_fragment(build_fragment(tree))
    try:
        body = assert_problem(client.get(f"{API}/plans/XX县"), 409)
        assert isinstance(body["candidates"], list) and len(body["candidates"]) == 2
        assert_problem(client.get(f"{API}/measures/XX县%23一"), 409)
        assert client.get(f"{API}/plans/XX县2024").status_code == 200
    finally:
        graph.delete_document(tree.plan.id)


def test_wrong_method_is_problem_json(client: TestClient) -> None:
    assert_problem(client.delete(f"{API}/plans"), 405)


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "/docs/assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200


def test_every_endpoint_has_an_example_and_a_response_model(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ok = next(v for k, v in op["responses"].items() if k.startswith("2"))
            if "application/json" in ok["content"]:
                media = ok["content"]["application/json"]
                assert "$ref" in media["schema"] or "anyOf" in media["schema"], (method, path)
                assert media.get("example") is not None, (method, path)
            else:  # linked data (RDF, SPARQL results): the media types it answers in, each named
                assert ok["content"] and all("/" in m for m in ok["content"]), (method, path)
                assert path in ("/api/v1/export", "/id/{kind}/{node_id}", "/sparql"), (method, path)
            for status, resp in op["responses"].items():
                if status[0] in "45":
                    assert "application/problem+json" in resp["content"], (method, path, status)


def test_access_log_is_one_json_line_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="policygraph.access"):
        client.get(f"{API}/plans")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "policygraph.access"]
    assert lines[-1]["method"] == "GET" and lines[-1]["path"] == f"{API}/plans" and lines[-1]["status"] == 200
    assert lines[-1]["duration_ms"] >= 0


def test_cors_allows_the_configured_origin(client: TestClient) -> None:
    r = client.get(f"{API}/plans", headers={"Origin": "https://audit.example"})
    assert r.headers["access-control-allow-origin"] == "https://audit.example"
    assert "access-control-allow-origin" not in client.get(f"{API}/plans", headers={"Origin": "https://x.example"}).headers


# ---- writing: tokens ------------------------------------------------------------------------------
def test_write_endpoints_need_a_token(client: TestClient) -> None:
    link = client.get(f"{API}/links").json()["items"][0]["link"]["link_id"]
    assert_problem(client.post(f"{API}/links/{link}/review", json={"decision": "confirm"}), 401)
    assert_problem(client.post(f"{API}/links/{link}/review", json={"decision": "confirm"},
                               headers={"Authorization": "Bearer wrong"}), 401)
    files = {"file": ("x.txt", XX_FILE.read_bytes(), "text/plain")}
    assert_problem(client.post(f"{API}/documents", files=files), 401)
    assert_problem(client.delete(f"{API}/documents/p-nope"), 401)


def test_without_configured_tokens_writing_is_disabled_with_advice(graph: Store) -> None:
    bare = TestClient(create_app(graph, ApiSettings()))
    body = assert_problem(bare.post(f"{API}/links", json={"source": "a", "target": "b"}, headers=AUTH), 503)
    assert "POLICYGRAPH_API_TOKENS" in str(body["detail"])


def test_tokens_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGRAPH_API_TOKENS", "alice:a1, bob:b2")
    monkeypatch.setenv("POLICYGRAPH_CORS_ORIGINS", "http://localhost:3000")
    s = ApiSettings.from_config()
    assert s.tokens == {"a1": "alice", "b2": "bob"} and s.cors_origins == ["http://localhost:3000"]


# ---- writing: reviews ---------------------------------------------------------------------------------
def _a_link(client: TestClient, jurisdiction: str) -> dict[str, object]:
    items = client.get(f"{API}/links", params={"status": "inferred", "limit": 1000}).json()["items"]
    return next(i for i in items if i["source_plan"]["jurisdiction"] == jurisdiction)


def test_review_decisions_are_recorded_and_survive_realignment_and_restart(client: TestClient, graph: Store) -> None:
    confirm, reject = _a_link(client, "XX县"), _a_link(client, "红旗区")
    c_id, r_id = confirm["link"]["link_id"], reject["link"]["link_id"]  # type: ignore[index]
    r = client.post(f"{API}/links/{c_id}/review", json={"decision": "confirm", "note": "checked"}, headers=AUTH)
    assert r.status_code == 200 and r.json()["link"]["status"] == "confirmed"
    assert r.json()["link"]["reviewed_by"] == "auditor" and r.json()["reviewed_at"]
    client.post(f"{API}/links/{r_id}/review", json={"decision": "reject", "note": "not the same task"}, headers=AUTH)
    assert_problem(client.post(f"{API}/links/{c_id}/review", json={"decision": "maybe"}, headers=AUTH), 422)
    assert_problem(client.post(f"{API}/links/e-nope/review", json={"decision": "confirm"}, headers=AUTH), 404)

    align_plans(graph)  # a later alignment run changes nothing reviewed
    confirmed = {i["link"]["link_id"] for i in client.get(f"{API}/links", params={"status": "confirmed"}).json()["items"]}
    rejected = {i["link"]["link_id"] for i in client.get(f"{API}/links", params={"status": "rejected"}).json()["items"]}
    assert c_id in confirmed and r_id in rejected
    down = client.get(f"{API}/measures/{reject['link']['target']}/implementations").json()  # type: ignore[index]
    assert reject["link"]["source"] not in {i["measure"]["id"] for i in down["items"]}  # type: ignore[index]
    decisions = {(rec.source, rec.decision, rec.reviewer) for rec in graph.reviews()}
    assert (confirm["link"]["source"], "confirmed", "auditor") in decisions  # type: ignore[index]

    path = getattr(graph, "path", None)
    if isinstance(path, Path):  # the embedded store: reopen the file, as after a restart
        from policygraph.graph.sqlite_store import SqliteStore

        with SqliteStore(path) as reopened:
            status = {e.id: e.props["status"] for e in reopened.links()}
            assert status[c_id] == "confirmed" and status[r_id] == "rejected"
            assert len(reopened.reviews()) == len(graph.reviews())


def test_a_missed_link_can_be_added_once(client: TestClient) -> None:
    body = {"source": "西平县2020#（一）", "target": "河北省#24", "note": "added by hand"}
    r = client.post(f"{API}/links", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    link = r.json()["link"]
    assert link["status"] == "confirmed" and link["method"] == "manual" and link["reviewed_by"] == "auditor"
    assert_problem(client.post(f"{API}/links", json=body, headers=AUTH), 409)
    assert_problem(client.post(f"{API}/links", json={"source": "河北省#24", "target": "西平县2020#（一）"},
                               headers=AUTH), 422)
    assert_problem(client.post(f"{API}/links", json={"source": "nowhere#1", "target": "河北省#24"}, headers=AUTH), 404)
    assert link["link_id"] in {i["link"]["link_id"] for i in
                               client.get(f"{API}/links", params={"status": "confirmed"}).json()["items"]}


# ---- writing: documents --------------------------------------------------------------------------------
def test_a_document_is_deleted_and_a_gb18030_upload_brings_it_back(client: TestClient) -> None:
    plan_id = client.get(f"{API}/plans/XX县2024").json()["id"]
    r = client.delete(f"{API}/documents/{plan_id}", headers=AUTH)
    assert r.status_code == 200 and r.json() == {"plan_id": plan_id, "deleted": True}
    assert_problem(client.get(f"{API}/plans/{plan_id}"), 404)
    assert_problem(client.delete(f"{API}/documents/{plan_id}", headers=AUTH), 404)

    data = XX_FILE.read_text(encoding="utf-8").encode("gb18030")
    r = client.post(f"{API}/documents", files={"file": ("xx.txt", data, "text/plain")}, headers=AUTH)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["plan_id"] == plan_id and body["status"] == "added" and body["source_format"].lower() != "utf-8"
    assert body["links"] > 0 and body["tasks"] > 0
    weaker = client.get(f"{API}/indicators/compare", params={"parent": "河北省", "child": "XX县",
                                                            "verdict": "weaker"}).json()
    assert weaker["total"] >= 2


def test_a_docx_upload_is_loaded(client: TestClient) -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    for line in (CORPUS_DIR / "003_89f1844d7b00fff0.txt").read_text(encoding="utf-8").splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    r = client.post(f"{API}/documents", headers=AUTH,
                    files={"file": ("xiping.docx", buf.getvalue(),
                                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    assert r.status_code == 201, r.text
    assert r.json()["jurisdiction"] == "西平县" and r.json()["status"] in ("added", "replaced", "unchanged")


def test_bad_uploads_are_refused_with_the_reason(client: TestClient) -> None:
    binary = bytes(range(256)) * 64
    body = assert_problem(client.post(f"{API}/documents", headers=AUTH,
                                      files={"file": ("blob.txt", binary, "application/octet-stream")}), 422)
    assert "blob.txt" in str(body["detail"])
    big = b"a" * (3 * 1024 * 1024)
    assert_problem(client.post(f"{API}/documents", headers=AUTH, files={"file": ("big.txt", big, "text/plain")}), 413)
    just_over = b"a" * (2 * 1024 * 1024 + 10)  # under the early Content-Length guard, caught while reading
    assert_problem(client.post(f"{API}/documents", headers=AUTH,
                               files={"file": ("big.txt", just_over, "text/plain")}), 413)
    assert_problem(client.post(f"{API}/documents", headers=AUTH), 422)  # no file at all
    assert client.get(f"{API}/plans").json()["total"] == 5


# ---- methods ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path,methods", [
    (f"{API}/links", {"GET", "POST"}), (f"{API}/documents", {"POST"}), (f"{API}/documents/p-1", {"DELETE"}),
    (f"{API}/links/e-1", {"GET"}), (f"{API}/links/e-1/review", {"POST"}), ("/healthz", {"GET"}), ("/", {"GET"}),
    ("/openapi.json", {"GET", "HEAD"}), ("/docs/assets/swagger-ui.css", {"GET", "HEAD"})])
def test_options_answers_the_methods_the_route_really_allows(client: TestClient, path: str,
                                                            methods: set[str]) -> None:
    r = client.options(path)
    assert r.status_code == 204 and r.content == b""
    assert set(r.headers["allow"].split(", ")) == methods | {"OPTIONS"}


def test_a_wrong_method_names_every_allowed_one_and_an_unknown_path_is_404(client: TestClient) -> None:
    r = client.delete(f"{API}/links")
    assert_problem(r, 405)
    assert set(r.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}
    assert_problem(client.options("/nowhere"), 404)


def test_a_cors_preflight_is_still_answered_by_cors(client: TestClient) -> None:
    r = client.options(f"{API}/links", headers={"Origin": "https://audit.example",
                                                "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://audit.example"


def test_a_missing_agency_names_the_endpoint_listing_them(client: TestClient) -> None:
    body = assert_problem(client.get(f"{API}/agencies/a-nope/obligations"), 404)
    assert body["detail"].endswith("list them with GET /api/v1/agencies")


def test_co_responsibility_of_a_plan_and_of_a_province(client: TestClient) -> None:
    one = client.get(f"{API}/co-responsibility", params={"plan": "XX县"}).json()
    assert one["total"] > 5 and [p["ref"] for p in one["plans"]] == ["XX县2024"]
    top = one["items"][0]
    assert top["partners"] > 0 and 0 < top["degree"] <= 1
    assert all(p["tasks"] >= 1 for p in one["pairs"])
    province = client.get(f"{API}/co-responsibility", params={"province": "河北省"}).json()
    assert len(province["plans"]) > 1 and "河北省" in {p["jurisdiction"] for p in province["plans"]}
    assert_problem(client.get(f"{API}/co-responsibility"), 422)
    csv = client.get(f"{API}/co-responsibility", params={"plan": "XX县", "format": "csv"})
    assert csv.status_code == 200 and "betweenness" in csv.text.splitlines()[0]


def test_links_are_paged_by_key(client: TestClient) -> None:
    first = client.get(f"{API}/links", params={"limit": 5}).json()
    assert len(first["items"]) == 5 and first["total"] > 5 and first["next_cursor"]
    second = client.get(f"{API}/links", params={"limit": 5, "cursor": first["next_cursor"]}).json()
    ids = [i["link"]["link_id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 10
    assert_problem(client.get(f"{API}/links", params={"cursor": "not a key!"}), 422)


def test_answers_are_kept_until_the_graph_changes(client: TestClient, graph: Store) -> None:
    """The read layer's cache: the same question asked twice is one piece of work, and a write is seen at once."""
    from policygraph import queries as q
    from policygraph.queries.cache import answer

    calls: list[str] = []

    def counted(store: Store, ref: str) -> object:
        calls.append(ref)
        return q.implementations(store, ref)

    first = answer(graph, counted, "河北省#24")
    assert answer(graph, counted, "河北省#24") is first and calls == ["河北省#24"]
    link = first.items[0].path[0].link_id
    before = client.get(f"{API}/measures/河北省%2324/implementations", params={"limit": 1000}).json()["total"]
    r = client.post(f"{API}/links/{link}/review", json={"decision": "reject", "note": "cache test"}, headers=AUTH)
    assert r.status_code == 200
    try:
        assert answer(graph, counted, "河北省#24") is not first and len(calls) == 2
        after = client.get(f"{API}/measures/河北省%2324/implementations", params={"limit": 1000}).json()["total"]
        assert after < before
    finally:
        client.post(f"{API}/links/{link}/review", json={"decision": "confirm", "note": "cache test"}, headers=AUTH)

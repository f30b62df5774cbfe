"""Linked data as a researcher uses it: the export parses, is the same graph from every store and every format,
conforms to the shapes; a node's IRI answers; SPARQL finds what the API finds, and refuses what it must."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import REPO
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pyshacl import validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from policygraph import queries as q
from policygraph.api import ApiSettings, create_app
from policygraph.graph.model import Fragment
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import Store
from policygraph.linked import sparql, stream
from policygraph.linked.iris import ELI, KINDS, LINK_KIND, PG, PROV, iri, node_iri, parse_iri, segment

BASE = "http://127.0.0.1:8000"
DATA = REPO / "policygraph" / "data"
PARSERS = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt", "nq": "nquads"}
IMPLEMENTATIONS = """SELECT DISTINCT ?task WHERE {
  ?plan eli:jurisdiction/skos:prefLabel "河北省"@zh .
  ?measure pg:inPlan ?plan ; eli:number "24" .
  ?task (eli:applies/eli:is_part_of?)+ ?measure .
}"""


def exported(store: Store, base: str = BASE) -> Graph:
    return stream.whole_graph(stream.chunks(store, base))


def parsed(data: bytes, fmt: str) -> Graph:
    """An export read back; N-Quads' one named graph as a plain graph."""
    if fmt != "nq":
        return Graph().parse(data=data, format=PARSERS[fmt])
    ds = Dataset()
    ds.parse(data=data, format="nquads")
    contexts = {c for *_, c in ds.quads()}
    assert contexts == {URIRef(f"{BASE}/graph")}, contexts
    g = Graph()
    for s, p, o, _ in ds.quads():
        g.add((s, p, o))
    return g


@pytest.fixture(scope="module")
def client(graph: Store) -> TestClient:
    return TestClient(create_app(graph, ApiSettings(base_iri=BASE)))


@pytest.fixture(scope="module")
def whole(graph: Store) -> Graph:
    return exported(graph)


def assert_problem(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"]
    return str(body["detail"])


# ---- the export -----------------------------------------------------------------------------------------------
def test_the_export_is_the_same_graph_from_either_store(whole: Graph, sqlite_graph: Store) -> None:
    reference = exported(sqlite_graph)
    assert len(whole) > 10_000
    assert isomorphic(whole, reference), (len(whole), len(reference))


@pytest.mark.parametrize("fmt", stream.RDF_FORMATS)
def test_each_streamed_format_parses_to_the_graph_built_in_one_piece(graph: Store, whole: Graph, fmt: str) -> None:
    data = b"".join(stream.write(stream.chunks(graph, BASE, link_page=50), fmt, BASE))  # type: ignore[arg-type]
    assert isomorphic(parsed(data, fmt), whole)


def test_plans_measures_and_links_are_in_eli_and_prov_terms(graph: Store, whole: Graph) -> None:
    m24 = q.get_measure(graph, "河北省#24").measure
    m = node_iri(BASE, "Measure", m24.id)
    assert (m, RDF.type, ELI["LegalResourceSubdivision"]) in whole
    assert (m, ELI["number"], Literal("24")) in whole
    assert (m, ELI["title"], Literal("完善农产品质量安全追溯体系", lang="zh")) in whole
    plan = whole.value(m, PG["inPlan"])
    assert (plan, RDF.type, ELI["LegalResource"]) in whole and whole.value(plan, ELI["title"]) is not None
    assert {str(y) for y in whole.objects(None, ELI["date_document"])} >= {"2023"}  # 红旗区's 2023 plan
    lower = set(whole.subjects(ELI["applies"], m))
    assert lower and lower == set(whole.subjects(PROV.wasDerivedFrom, m))
    for task in lower:
        d = next(d for d in whole.objects(task, PROV.qualifiedDerivation) if whole.value(d, PROV.entity) == m)
        assert whole.value(d, PG["score"]) is not None and whole.value(d, PG["method"]) is not None
        assert (d, PG["status"], PG["Inferred"]) in whole and whole.value(d, PG["evidence"]) is not None


def test_agencies_are_organisations_classified_by_function_and_places_a_division_hierarchy(whole: Graph) -> None:
    agencies = set(whole.subjects(RDF.type, PG["Agency"]))
    assert agencies and all((a, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in whole for a in agencies)
    org = "http://www.w3.org/ns/org#"
    functions = {f for a in agencies for f in whole.objects(a, URIRef(org + "classification"))}
    assert functions and all((f, SKOS.inScheme, PG["GovernmentFunctions"]) in whole for f in functions)
    hongqi = next(j for j in whole.subjects(SKOS.prefLabel, Literal("红旗区", lang="zh")))
    assert str(whole.value(hongqi, SKOS.notation)) == "410702"
    assert whole.value(whole.value(hongqi, SKOS.broader), SKOS.prefLabel) == Literal("新乡市", lang="zh")
    roles = set(whole.objects(None, PG["role"]))
    assert roles <= {PG["Lead"], PG["Support"], PG["Responsible"]} and PG["Lead"] in roles


def test_every_term_of_ours_is_declared_and_labelled_in_chinese_and_english(whole: Graph) -> None:
    ontology = Graph().parse(DATA / "ontology.ttl")
    used = {t for triple in whole for t in triple if isinstance(t, URIRef) and str(t).startswith(str(PG))}
    for term in used:
        langs = {o.language for o in ontology.objects(term, RDFS.label)} | {
            o.language for o in ontology.objects(term, SKOS.prefLabel)}
        assert {"zh", "en"} <= langs, f"{term} is not declared with zh and en labels in ontology.ttl"


# ---- SHACL ------------------------------------------------------------------------------------------------------
def conforms(g: Graph) -> tuple[bool, str]:
    ok, _, text = validate(g, shacl_graph=Graph().parse(DATA / "shapes.ttl"), inference="none")
    return bool(ok), str(text)


def test_the_sample_corpus_export_conforms_to_the_shapes(whole: Graph) -> None:
    ok, report = conforms(whole)
    assert ok, report[:3000]


def test_reviewed_and_rejected_links_conform_and_a_rejected_one_asserts_no_derivation(
        store: Store, corpus: dict[str, Fragment]) -> None:
    for f in corpus.values():
        store.write_fragment(f)
    target = q.get_measure(store, "河北省#24").measure.id
    tasks = [n.id for n in store.find_nodes("Measure", plan_id=corpus["004"].plan_id) if n.measure.kind == "task"]
    kept = q.add_link(store, tasks[0], target, "auditor", "同一追溯任务").link
    dropped = q.add_link(store, tasks[1], target, "auditor").link
    q.review_link(store, dropped.link_id, "reject", "审核员乙", "不相关")
    g = exported(store)
    ok, report = conforms(g)
    assert ok, report[:3000]
    src_kept, src_dropped = node_iri(BASE, "Measure", tasks[0]), node_iri(BASE, "Measure", tasks[1])
    m = node_iri(BASE, "Measure", target)
    assert (src_kept, ELI["applies"], m) in g and (src_dropped, ELI["applies"], m) not in g
    rejected = iri(BASE, LINK_KIND, dropped.link_id)
    assert (src_dropped, PG["rejectedDerivation"], rejected) in g and (rejected, RDF.type, PROV.Derivation) not in g
    review = g.value(iri(BASE, LINK_KIND, kept.link_id), PROV.hadActivity)
    assert g.value(g.value(review, PROV.wasAssociatedWith), RDFS.label) == Literal("auditor")
    assert g.value(review, RDFS.comment) == Literal("同一追溯任务", lang="zh")


def test_a_graph_missing_what_the_shapes_require_does_not_conform() -> None:
    g = Graph()
    plan, measure = URIRef(f"{BASE}/id/plan/p-1"), URIRef(f"{BASE}/id/measure/m-1")
    ind = URIRef(f"{BASE}/id/indicator/i-1")
    g.add((plan, RDF.type, PG["Plan"]))  # no title, level, place, hash, and not an eli:LegalResource
    g.add((measure, RDF.type, PG["Measure"]))
    g.add((measure, RDF.type, ELI["LegalResourceSubdivision"]))
    g.add((measure, RDF.type, PG["TaskUnit"]))
    g.add((measure, ELI["title"], Literal("加强监管", lang="zh")))  # no eli:is_part_of, pg:inPlan, span
    g.add((ind, RDF.type, PG["Indicator"]))
    g.add((ind, PG["value"], Literal("九成")))  # a string, not an xsd:double
    ok, report = conforms(g)
    assert not ok
    for path in ("eli:title", "eli:is_part_of", "pg:inPlan", "pg:value", "pg:comparator"):
        short = path.split(":")[1]
        assert short in report, f"the report does not name {path}"


# ---- IRIs ---------------------------------------------------------------------------------------------------------
ids = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@given(kind=st.sampled_from([*KINDS.values(), LINK_KIND]), node_id=ids)
@settings(max_examples=300, deadline=None)
def test_any_node_id_round_trips_through_its_iri(kind: str, node_id: str) -> None:
    value = str(iri(BASE, kind, node_id))
    assert value.startswith(f"{BASE}/id/{kind}/") and "/" not in value[len(f"{BASE}/id/{kind}/"):]
    assert parse_iri(BASE, value) == (kind, node_id)


EMPTY = TestClient(create_app(SqliteStore(":memory:"), ApiSettings(base_iri=BASE)))


@given(node_id=ids)
@settings(max_examples=60, deadline=None)
def test_any_node_id_reaches_the_id_route_as_it_was(node_id: str) -> None:
    r = EMPTY.get(f"/id/measure/{segment(node_id)}", headers={"Accept": "text/turtle"})
    assert assert_problem(r, 404) == f"no measure {node_id!r}"


def test_the_base_iri_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.linked.iris import configured_base

    monkeypatch.setenv("POLICYGRAPH_BASE_IRI", "https://pg.example/")
    assert configured_base() == "https://pg.example"
    assert ApiSettings().base_iri == "https://pg.example"


# ---- /id/{kind}/{id} ----------------------------------------------------------------------------------------------
def test_a_measure_iri_answers_turtle_and_json_ld_within_the_export(client: TestClient, graph: Store,
                                                                      whole: Graph) -> None:
    m = q.get_measure(graph, "河北省#24").measure.id
    path = f"/id/measure/{quote(m)}"
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=turtle.content, format="turtle")
    here = node_iri(BASE, "Measure", m)
    assert (here, ELI["number"], Literal("24")) in g and set(g.subjects(ELI["applies"], here))
    assert all(t in whole for t in g), "a description says only what the export says"
    jsonld = client.get(path, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert isomorphic(Graph().parse(data=jsonld.content, format="json-ld"), g)


def test_a_browser_is_sent_to_the_page_and_unknown_or_unacceptable_are_problems(client: TestClient,
                                                                                  graph: Store) -> None:
    m = q.get_measure(graph, "河北省#24").measure.id
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get(f"/id/measure/{m}", headers={"Accept": browser}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/measures/{m}"
    assert client.get(r.headers["location"]).status_code == 200
    agency = graph.find_nodes("Agency")[0].id
    r = client.get(f"/id/agency/{agency}", headers={"Accept": browser}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/agencies/{agency}"
    assert "no measure" in assert_problem(client.get("/id/measure/m-000000000000"), 404)
    assert_problem(client.get(f"/id/plan/{m}"), 404)  # a measure's id is not a plan
    assert "plan, measure" in assert_problem(client.get("/id/thing/x"), 404)
    assert_problem(client.get(f"/id/measure/{m}", headers={"Accept": "image/png"}), 406)


# ---- GET /api/v1/export and the CLI --------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", stream.RDF_FORMATS)
def test_the_api_streams_each_format_with_its_media_type(client: TestClient, whole: Graph, fmt: str) -> None:
    with client.stream("GET", "/api/v1/export", params={"format": fmt}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].split(";")[0] == stream.MEDIA_TYPES[fmt]
        assert "transfer-encoding" in r.headers or "content-length" not in r.headers  # streamed, not sized
        data = b"".join(r.iter_bytes())
    assert isomorphic(parsed(data, fmt), whole)
    assert_problem(client.get("/api/v1/export", params={"format": "rdfxml"}), 422)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m policygraph`` from the repository, so this tree's package runs."""
    return subprocess.run([sys.executable, "-m", "policygraph", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def test_the_cli_writes_a_turtle_file_and_refuses_an_unknown_format_in_one_line(sqlite_graph: Store,
                                                                                 tmp_path: Path) -> None:
    assert isinstance(sqlite_graph, SqliteStore)
    url, out = f"sqlite:///{sqlite_graph.path.resolve()}", tmp_path / "graph.ttl"
    done = _cli("export", "--format", "turtle", "--store", url, "-o", str(out),
                env={"POLICYGRAPH_BASE_IRI": "https://pg.example/"})
    assert done.returncode == 0, done.stderr
    g = Graph().parse(out, format="turtle")
    assert isomorphic(g, exported(sqlite_graph, "https://pg.example"))
    bad = _cli("export", "--format", "rdfxml", "--store", url, "-o", str(tmp_path / "x"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and bad.stderr.startswith("policygraph: ")
    assert "rdfxml" in bad.stderr and "turtle" in bad.stderr and not (tmp_path / "x").exists()


# ---- SPARQL ---------------------------------------------------------------------------------------------------------
def _tasks(body: dict[str, Any]) -> set[str]:
    return {parse_iri(BASE, b["task"]["value"])[1] for b in body["results"]["bindings"]}  # type: ignore[index]


def test_sparql_finds_the_implementations_of_hebei_24_the_api_finds(client: TestClient, graph: Store) -> None:
    api = client.get("/api/v1/measures/河北省%2324/implementations", params={"limit": 200}).json()
    expected = {i["measure"]["id"] for i in api["items"]}
    assert expected
    r = client.post("/sparql", content=IMPLEMENTATIONS, headers={"Content-Type": "application/sparql-query",
                                                                 "Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    assert _tasks(r.json()) == expected
    # the same question from our own code: the measure bound by initBindings, never written into the text
    limits = sparql.SparqlLimits()
    g = sparql.build_graph(graph, BASE, limits.max_triples)
    prepared = sparql.prepare("SELECT DISTINCT ?task WHERE { ?task (eli:applies/eli:is_part_of?)+ ?measure }", limits)
    m24 = node_iri(BASE, "Measure", api["measure"]["id"])
    answer = sparql.execute(g, prepared, "json", limits, bindings={"measure": m24})
    assert _tasks(json.loads(answer.body)) == expected


@pytest.mark.parametrize("fmt,media", [("json", "application/sparql-results+json"),
                                       ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                       ("tsv", "text/tab-separated-values")])
def test_select_answers_in_every_standard_result_format(client: TestClient, fmt: str, media: str) -> None:
    query = "SELECT ?plan ?title WHERE { ?plan a pg:Plan ; eli:title ?title } ORDER BY ?plan"
    by_param = client.get("/sparql", params={"query": query, "format": fmt})
    by_accept = client.get("/sparql", params={"query": query}, headers={"Accept": media})
    for r in (by_param, by_accept):
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
        assert "2020年西平县食品安全工作要点" in r.content.decode("utf-8")


def test_construct_answers_rdf_and_a_result_over_the_row_limit_is_cut_and_says_so(graph: Store) -> None:
    small = TestClient(create_app(graph, ApiSettings(base_iri=BASE, sparql=sparql.SparqlLimits(max_rows=5))))
    r = small.get("/sparql", params={"query": "CONSTRUCT { ?s eli:title ?t } WHERE { ?s eli:title ?t }"},
                  headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=r.content, format="turtle")) == 5 and "PolicyGraph-Truncated" in r.headers
    r = small.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a pg:Measure }"})
    assert len(r.json()["results"]["bindings"]) == 5 and "first 5 rows" in r.headers["PolicyGraph-Truncated"]
    r = small.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a pg:Plan }"})
    assert len(r.json()["results"]["bindings"]) == 5 and "PolicyGraph-Truncated" not in r.headers  # 5 plans: whole
    assert_problem(small.get("/sparql", params={"query": "ASK { ?s a pg:Plan }", "format": "csv"}), 406)
    assert_problem(small.get("/sparql", params={"query": "ASK { ?s a pg:Plan }"}, headers={"Accept": "image/png"}), 406)


@pytest.mark.parametrize("how", ["get", "sparql-query", "form", "form-update", "sparql-update"])
def test_an_update_is_refused_with_403(client: TestClient, how: str) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    if how == "get":
        r = client.get("/sparql", params={"query": update})
    elif how == "form":
        r = client.post("/sparql", data={"query": update})
    elif how == "form-update":
        r = client.post("/sparql", data={"update": update})
    else:
        r = client.post("/sparql", content=update, headers={"Content-Type": f"application/{how}"})
    assert "read-only" in assert_problem(r, 403)
    check = client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert check.json()["boolean"] is False


def test_bad_over_long_and_federated_queries_get_their_4xx(client: TestClient) -> None:
    assert "does not parse" in assert_problem(client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s"}), 400)
    assert "prefix" in assert_problem(client.get("/sparql", params={"query": "SELECT * WHERE { ?s x:y ?o }"}), 400)
    assert_problem(client.get("/sparql"), 400)
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 10_000
    assert "10,000-character limit" in assert_problem(client.get("/sparql", params={"query": long}), 413)
    chinese = "SELECT * WHERE { ?s ?p ?o } #" + "长" * 10_000
    assert "10,000-character limit" in assert_problem(client.post("/sparql", data={"query": chinese}), 413)
    body = {"content": chinese.encode(), "headers": {"Content-Type": "application/sparql-query"}}
    assert "10,000-character limit" in assert_problem(client.post("/sparql", **body), 413)  # type: ignore[arg-type]
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert "SERVICE" in assert_problem(client.get("/sparql", params={"query": service}), 403)
    assert "FROM" in assert_problem(client.get("/sparql", params={"query": "SELECT * FROM <http://127.0.0.1:9/x> "
                                                                           "WHERE { ?s ?p ?o }"}), 403)


def test_a_cartesian_product_is_stopped_at_the_time_limit(graph: Store) -> None:
    import time

    quick = TestClient(create_app(graph, ApiSettings(base_iri=BASE, sparql=sparql.SparqlLimits(timeout_s=0.5))))
    quick.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})  # the graph is built outside the timed query
    start = time.monotonic()
    r = quick.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert "time limit" in assert_problem(r, 422)
    assert time.monotonic() - start < 5
    assert quick.get("/sparql", params={"query": "ASK { ?s a pg:Plan }"}).json()["boolean"] is True


def test_the_sparql_graph_follows_the_store_after_a_load(store: Store, corpus: dict[str, Fragment]) -> None:
    app = TestClient(create_app(store, ApiSettings(base_iri=BASE)))
    count = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a pg:Plan }"

    def plans() -> int:
        return int(app.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])

    store.write_fragment(corpus["000"])
    assert plans() == 1
    store.write_fragment(corpus["001"])
    assert plans() == 2


def test_a_graph_over_the_endpoints_size_is_refused_with_503(graph: Store) -> None:
    tiny = TestClient(create_app(graph, ApiSettings(base_iri=BASE, sparql=sparql.SparqlLimits(max_triples=1000))))
    for _ in range(2):  # the second is answered from the refusal remembered for this version of the store
        assert "triple store" in assert_problem(tiny.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}), 503)
    least = sparql.fewest_triples(graph.counts())
    assert 0 < least <= len(exported(graph)), "fewest_triples is a lower bound"

"""The auditor's pages on the sample corpus: coverage of 河北省's measures by its counties (the gaps), what a county
plan covers of the plans it implements, and the target comparison with XX县's two weaker targets flagged first.
Every figure on a page is checked against the read path's answer, and each page's JSON and CSV links answer."""
from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from policygraph import queries as q
from policygraph.api import ApiSettings, create_app
from policygraph.graph.store import Store


@pytest.fixture(scope="module")
def client(sqlite_graph: Store) -> TestClient:
    return TestClient(create_app(sqlite_graph, ApiSettings()))


def _plan(store: Store, ref: str) -> str:
    return q.get_plan(store, ref).id


def _walk(client: TestClient, url: str, rows: str, table: str | None = None) -> list[str]:
    """What ``rows`` (a regex with one group) finds on every page from ``url``, following rel="next" to the end;
    only inside the table after ``table`` (its id attribute) when given."""
    seen: list[str] = []
    at: str | None = url
    while at:
        html = client.get(at).text
        part = html.split(table, 1)[1].split("</table>", 1)[0] if table else html
        seen += re.findall(rows, part)
        nxt = re.search(r'href="([^"]+)" rel="next"', html)
        at = unescape(nxt.group(1)) if nxt else None
    return seen


def _cells(html: str) -> dict[tuple[str, str], str]:
    """(measure id, plan id) → the cell's class list, from the heat map."""
    out = {}
    for row in re.findall(r'<tr data-measure="([^"]+)">(.*?)</tr>', html, re.S):
        for cls, plan in re.findall(r'<td class="cell ([^"]+)" data-plan="([^"]+)"', row[1]):
            out[(row[0], plan)] = cls
    return out


def test_the_coverage_page_of_hebei_shows_xx_county_s_gaps(client: TestClient, sqlite_graph: Store) -> None:
    hebei, xx = _plan(sqlite_graph, "河北省"), _plan(sqlite_graph, "XX县")
    matrix = q.coverage_matrix(sqlite_graph, hebei, "county")
    html = client.get(f"/plans/{hebei}/coverage").text
    cells = _cells(html)
    assert xx in {p.id for p in matrix.plans}
    for row in matrix.items:
        cell = next(c for c in row.cells if c.plan_id == xx)
        assert ("cell-gap" in cells[(row.measure_id, xx)]) is (cell.tasks == 0)
    gaps = [r.measure_id for r in matrix.items if next(c for c in r.cells if c.plan_id == xx).tasks == 0]
    assert gaps, "XX县 leaves some of 河北省's measures out"
    share = re.search(rf'<td class="num" data-plan="{xx}">(\d+)%</td>', html)
    assert share and int(share.group(1)) == round(matrix.share_covered[xx] * 100)
    only_gaps = _cells(client.get(f"/plans/{hebei}/coverage", params={"show": "gaps"}).text)
    assert {m for m, _ in only_gaps} == {r.measure_id for r in matrix.items if any(c.tasks == 0 for c in r.cells)}


def test_a_county_page_shows_what_it_covers_of_each_plan_it_implements(client: TestClient,
                                                                       sqlite_graph: Store) -> None:
    xx = q.get_plan(sqlite_graph, "XX县")
    assert xx.derives_from
    html = client.get(f"/plans/{xx.id}/coverage").text
    for parent in xx.derives_from:
        c = q.coverage(sqlite_graph, parent, xx.id)
        section = html.split(f'data-parent="{parent}"', 1)[1].split("</section>", 1)[0]
        assert f"{c.summary.covered} / {c.summary.parent_measures}" in section
        gap_links = re.findall(r'<ul class="gaps">(.*?)</ul>', section, re.S)[0]
        assert sorted(re.findall(r'href="/measures/([^"]+)"', gap_links)) == sorted(
            r.measure.id for r in c.items if not r.covered)
        added = re.findall(r'<ul class="additions">(.*?)</ul>', section, re.S)[0]
        assert len(re.findall(r'href="/measures/', added)) == c.summary.local_additions


def test_the_targets_page_flags_xx_county_s_two_weaker_targets_first(client: TestClient, sqlite_graph: Store) -> None:
    hebei, xx = _plan(sqlite_graph, "河北省"), _plan(sqlite_graph, "XX县")
    html = client.get(f"/plans/{hebei}/targets", params={"child": xx}).text
    rows = re.findall(r'<tr class="verdict-([^"]+)" data-verdict="([^"]+)">(.*?)</tr>', html, re.S)
    verdicts = [v for _, v, _ in rows]
    weaker = [unescape(re.sub(r"<[^>]+>", "", body)) for _, v, body in rows if v == "weaker"]
    assert len(weaker) == 2 and verdicts[:2] == ["weaker", "weaker"], "weaker rows come first"
    assert any("30%" in w and "29%" in w for w in weaker) and any("40%" in w and "39%" in w for w in weaker)
    assert len(rows) == q.compare_targets(sqlite_graph, hebei, child=xx).total
    assert "⚠" in html


@pytest.mark.parametrize("page", ["coverage", "targets"])
def test_every_audit_page_links_to_the_same_data_as_json_and_csv(client: TestClient, sqlite_graph: Store,
                                                                 page: str) -> None:
    hebei = _plan(sqlite_graph, "河北省")
    html = client.get(f"/plans/{hebei}/{page}").text
    json_link = unescape(re.search(r'href="([^"]+)">JSON', html).group(1))  # type: ignore[union-attr]
    csv_link = unescape(re.search(r'href="([^"]+)">CSV', html).group(1))  # type: ignore[union-attr]
    body = client.get(json_link)
    assert body.status_code == 200 and body.json()["total"] > 0
    sheet = client.get(csv_link)
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    assert len(sheet.text.strip().splitlines()) == body.json()["total"] + 1  # a header and one line per item


def test_the_plan_page_links_to_its_coverage_and_targets(client: TestClient, sqlite_graph: Store) -> None:
    hebei = _plan(sqlite_graph, "河北省")
    html = client.get(f"/plans/{hebei}").text
    assert f'href="/plans/{hebei}/coverage"' in html and f'href="/plans/{hebei}/targets"' in html
    assert client.get(f"/plans/p-nope/coverage").status_code == 404


def test_the_agency_index_pages_by_key_and_counts_its_facets(client: TestClient, sqlite_graph: Store) -> None:
    whole = q.list_agencies(sqlite_graph)
    assert whole.total > 50, "the sample corpus names more bodies than one page"
    seen = _walk(client, "/agencies", r'href="/agencies/([^"]+)"', 'id="agencies"')
    assert seen == [a.id for a in whole.items]
    county = sum(a.level == "county" for a in whole.items)
    html = client.get("/agencies").text
    assert re.search(rf'level=county">县级 <small>county</small> <small>{county}</small>', html)
    filtered = client.get("/agencies", params={"level": "county"}).text
    assert f"{county} 个部门" in filtered


def test_laws_and_the_measures_citing_them(client: TestClient, sqlite_graph: Store) -> None:
    laws = q.list_laws(sqlite_graph)
    top = laws.items[0]
    html = client.get("/laws").text
    assert f'href="/laws/{top.id}"' in html and f"{laws.total} 部" in html
    page = client.get(f"/laws/{top.id}").text
    citing = re.findall(r'href="/measures/([^"]+)"', page.split('id="citing"', 1)[1])
    assert sorted(set(citing)) == sorted({m.id for m in q.get_law(sqlite_graph, top.id).items})
    measure = q.get_law(sqlite_graph, top.id).items[0]
    assert f'href="/laws/{top.id}"' in client.get(f"/measures/{measure.id}").text, "citation chips link the law"


def test_places_are_a_tree_down_to_the_counties_with_their_plans(client: TestClient, sqlite_graph: Store) -> None:
    html = client.get("/jurisdictions").text
    tree = html.split('id="jurisdictions"', 1)[1]
    henan = tree.index("<b>河南省</b>")
    zhumadian = tree.index("<b>驻马店市</b>", henan)
    xiping = tree.index("<b>西平县</b>", zhumadian)
    assert henan < zhumadian < xiping
    xp = q.get_plan(sqlite_graph, "西平县2020").id
    assert f'href="/plans/{xp}"' in tree[xiping:xiping + 600]
    counties = client.get("/jurisdictions", params={"level": "county"}).text
    assert "<td>西平县</td>" in counties and "<td>河南省</td>" not in counties


def test_a_measure_page_lists_the_lower_plans_that_do_not_implement_it(client: TestClient,
                                                                      sqlite_graph: Store) -> None:
    """Every plan within 河北省 implements 河北省#24 in the sample; once a reviewer rejects one county's links to it,
    that county is listed as not implementing it, and no implementing plan ever is."""
    m24 = q.get_measure(sqlite_graph, "河北省#24").measure.id
    rows = q.implementations(sqlite_graph, m24).items
    county = next(x.measure.plan.id for x in rows if x.measure.plan.level == "county" and x.scope == "within")
    units = {m24} | {c.id for c in sqlite_graph.children(m24)}
    theirs = [e for e in sqlite_graph.links() if e.target in units and e.link.source_plan == county]
    assert 'id="not-implemented-by"' not in client.get(f"/measures/{m24}").text
    for e in theirs:
        q.review_link(sqlite_graph, e.id, "reject", "auditor")
    try:
        html = client.get(f"/measures/{m24}").text
        section = html.split('id="not-implemented-by"', 1)[1]
        listed = set(re.findall(r'data-plan="([^"]+)"', section))
        doing = {x.measure.plan.id for x in q.implementations(sqlite_graph, m24).items}
        assert county in listed and not listed & doing
    finally:
        for e in theirs:
            sqlite_graph.put_link(e)
    if any(x.scope == "cross" for x in rows):
        page = client.get(f"/measures/{m24}").text
        assert 'id="show-cross"' in page and "scope-row-cross" in page


def test_an_agency_page_shows_the_higher_measure_each_task_implements(client: TestClient, sqlite_graph: Store) -> None:
    xx = q.get_plan(sqlite_graph, "XX县").id
    agency = next(a for a in q.list_agencies(sqlite_graph, level="county").items
                  if any(o.task.plan.id == xx for o in q.obligations(sqlite_graph, a.id).items))
    html = client.get(f"/agencies/{agency.id}").text
    shown = set(re.findall(r'data-implements="([^"]+)"', html))
    want = {x.measure.id for o in q.obligations(sqlite_graph, agency.id).items
            for x in q.sources(sqlite_graph, o.task.id, depth=1).items}
    assert want and shown == want


def test_the_home_page_pages_plans_by_key_with_level_and_year_facets(client: TestClient, sqlite_graph: Store,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.viz import context

    monkeypatch.setattr(context, "HOME_PAGE", 2)
    every = [p.id for p in q.list_plans(sqlite_graph).items]
    assert _walk(client, "/", r'<tr class="plan-row" id="([^"]+)">') == every
    counties = sum(p.level == "county" for p in q.list_plans(sqlite_graph).items)
    html = client.get("/", params={"level": "county"}).text
    assert f"{counties} 个规划" in html and len(re.findall(r'class="plan-row"', html)) == min(2, counties)


def test_province_of_a_place_is_itself_or_its_outermost_parent() -> None:
    from policygraph.queries.browse import province_of

    assert province_of("province", "甲省", []) == "甲省"
    assert province_of("county", "丙县", ["乙市", "甲省"]) == "甲省"
    assert province_of("city", "乙市", ["甲省"]) == "甲省"
    assert province_of("national", "中国", []) is None and province_of("county", "丁县", []) is None


def test_plans_and_agencies_have_province_facets_that_filter_like_the_api(client: TestClient,
                                                                          sqlite_graph: Store) -> None:
    plans = q.list_plans(sqlite_graph).items
    hebei = [p.id for p in plans if p.province == "河北省"]
    assert q.get_plan(sqlite_graph, "XX县").id in hebei and q.get_plan(sqlite_graph, "河北省").id in hebei
    assert len(hebei) < len(plans), "the sample corpus has plans of several provinces"
    html = client.get("/").text
    assert re.search(rf'province=%E6%B2%B3%E5%8C%97%E7%9C%81">河北省 <small>{len(hebei)}</small>', html)
    page = client.get("/", params={"province": "河北省"}).text
    assert re.findall(r'<tr class="plan-row" id="([^"]+)">', page) == hebei
    api = client.get("/api/v1/plans", params={"province": "河北省"}).json()
    assert [p["id"] for p in api["items"]] == hebei
    bodies = q.list_agencies(sqlite_graph, province="河北省")
    assert bodies.total and all(a.province == "河北省" for a in bodies.items)
    assert bodies.total < q.list_agencies(sqlite_graph).total
    html = client.get("/agencies", params={"province": "河北省"}).text
    assert f"{bodies.total} 个部门" in html
    json_link = unescape(re.search(r'href="([^"]+)">JSON', html).group(1))  # type: ignore[union-attr]
    assert client.get(json_link).json()["total"] == bodies.total


def test_the_agency_index_sorts_by_its_columns(client: TestClient, sqlite_graph: Store) -> None:
    by_name = [a.id for a in q.list_agencies(sqlite_graph, sort="name").items]
    names = [a.name for a in q.list_agencies(sqlite_graph, sort="name").items]
    assert names == sorted(names)
    support = [a.by_role["support"] for a in q.list_agencies(sqlite_graph, sort="support").items]
    assert support == sorted(support, reverse=True) and support[0] > 0
    html = client.get("/agencies").text
    link = unescape(re.search(r'data-sort="name" href="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    page = client.get(link).text
    table = page.split('id="agencies"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'href="/agencies/([^"]+)"', table) == by_name[:50]
    assert 'class="sort sorted" data-sort="name"' in page
    assert client.get("/api/v1/agencies", params={"sort": "name"}).json()["items"][0]["id"] == by_name[0]
    assert client.get("/api/v1/agencies", params={"sort": "bogus"}).status_code == 422


def test_the_links_index_pages_by_key_with_status_counts(client: TestClient, sqlite_graph: Store,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.viz import context

    monkeypatch.setattr(context, "LINKS_PAGE", 40)
    xx = _plan(sqlite_graph, "XX县")
    every = [e.id for e in sorted(sqlite_graph.links(), key=lambda e: e.id)
             if xx in (e.link.source_plan, e.link.target_plan)]
    assert len(every) > 40
    assert _walk(client, f"/links?plan={xx}", r'<tr class="link-row" data-link="([^"]+)"') == every
    counts: dict[str, int] = {}
    for e in sqlite_graph.links():
        counts[e.link.status] = counts.get(e.link.status, 0) + 1
    html = client.get("/links").text
    for status, n in counts.items():
        assert re.search(rf'status={status}">[^<]+<small>[^<]*</small> <small>{n}</small>', html), status
    inferred = client.get("/links", params={"status": "inferred"}).text
    assert set(re.findall(r'data-status="([^"]+)"', inferred)) == {"inferred"}
    json_link = unescape(re.search(r'href="([^"]+)">JSON', inferred).group(1))  # type: ignore[union-attr]
    assert client.get(json_link).json()["total"] == counts["inferred"]


def test_a_measure_reference_typed_in_the_search_box_opens_the_measure(client: TestClient,
                                                                       sqlite_graph: Store) -> None:
    m24 = q.get_measure(sqlite_graph, "河北省#24").measure.id
    r = client.get("/search", params={"q": "河北省#24"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/measures/{m24}"
    words = client.get("/search", params={"q": "追溯"}, follow_redirects=False)
    assert words.status_code == 200 and 'class="card hit' in words.text
    unknown = client.get("/search", params={"q": "河北省#9999"}, follow_redirects=False)
    assert unknown.status_code == 200, "a reference that names nothing is searched as words"


def test_rejected_links_leave_the_cascade_and_are_listed_only_on_request(tmp_path_factory: pytest.TempPathFactory,
                                                                         ) -> None:
    from policygraph.align.run import align_plans
    from policygraph.graph.sqlite_store import SqliteStore
    from policygraph.ingest import load_paths

    from conftest import CORPUS_DIR

    store = SqliteStore(tmp_path_factory.mktemp("rejected") / "g.db")
    try:
        load_paths(store, [CORPUS_DIR])
        align_plans(store)
        c = TestClient(create_app(store, ApiSettings()))
        m24 = q.get_measure(store, "河北省#24").measure.id
        row = q.implementations(store, m24).items[0]
        link = row.path[0].link_id
        before = c.get(f"/measures/{m24}").text
        assert f"/links/{link}" in before.split('id="implemented-by"', 1)[1] and 'id="rejected"' not in before
        q.review_link(store, link, "reject", "auditor", "不相关")
        html = c.get(f"/measures/{m24}").text
        implemented = html.split('id="implemented-by"', 1)[1].split('id="rejected"', 1)[0]
        assert f"/links/{link}" not in implemented, "a rejected link leaves the cascade"
        assert 'id="rejected"' in html and "rejected-row" not in html, "counted, not listed"
        shown = c.get(f"/measures/{m24}", params={"rejected": "true"}).text
        rows = re.findall(r'<tr class="rejected-row" data-link="([^"]+)"', shown)
        assert rows == [link] and "auditor" in shown and "不相关" in shown
    finally:
        store.close()


def test_the_coverage_map_narrows_to_one_provinces_plans(client: TestClient, sqlite_graph: Store) -> None:
    hebei = _plan(sqlite_graph, "河北省")
    provinces = q.plan_provinces(sqlite_graph)
    whole = q.coverage_matrix(sqlite_graph, hebei, "county")
    ours = [p.id for p in whole.plans if provinces[p.id] == "河北省"]
    assert ours and len(ours) < len(whole.plans), "河北省's map also has the counties of other provinces linking in"
    narrowed = q.coverage_matrix(sqlite_graph, hebei, "county", q.LinkFilter(), "河北省")
    assert [p.id for p in narrowed.plans] == ours
    html = client.get(f"/plans/{hebei}/coverage").text
    assert re.search(rf'province=%E6%B2%B3%E5%8C%97%E7%9C%81">河北省 <small>{len(ours)}</small>', html)
    page = client.get(f"/plans/{hebei}/coverage", params={"province": "河北省"}).text
    assert set(re.findall(r'<td class="cell [^"]+" data-plan="([^"]+)"', page)) == set(ours)
    json_link = unescape(re.search(r'href="([^"]+)">JSON', page).group(1))  # type: ignore[union-attr]
    assert [p["id"] for p in client.get(json_link).json()["plans"]] == ours


def test_the_laws_index_filters_by_its_kind_facet_and_sorts_by_title(client: TestClient, sqlite_graph: Store) -> None:
    laws = q.list_laws(sqlite_graph).items
    kinds = {law.kind for law in laws if law.kind}
    assert len(kinds) >= 2, "the sample corpus cites laws of several kinds"
    kind = sorted(kinds)[0]
    html = client.get("/laws").text
    link = unescape(re.search(rf'href="([^"]+)">{re.escape(kind)} <small>', html).group(1))  # type: ignore[union-attr]
    page = client.get(link).text
    shown = re.findall(r'href="/laws/([^"]+)"', page.split('id="laws"', 1)[1])
    assert shown == [law.id for law in laws if law.kind == kind][:50]
    by_title = client.get("/laws", params={"sort": "title"}).text
    titles = re.findall(r'>《([^》]+)》</a>', by_title.split('id="laws"', 1)[1])
    assert titles == sorted(law.title for law in laws)[:50]
    json_link = unescape(re.search(r'href="([^"]+)">JSON', page).group(1))  # type: ignore[union-attr]
    assert {x["kind"] for x in client.get(json_link).json()["items"]} == {kind}


@pytest.mark.parametrize("index", ["/", "/agencies", "/laws", "/links", "/jurisdictions"])
def test_every_facet_chip_narrows_the_list_to_its_count_in_the_page_and_the_api(client: TestClient, index: str) -> None:
    html = client.get(index).text
    chips = re.findall(r'<p class="facets" data-facet="([^"]+)">(.*?)</p>', html, re.S)
    assert chips, f"{index} has no facets"
    for facet, body in chips:
        for count, href in re.findall(r'data-count="(\d+)" href="([^"]+)"', body)[:4]:
            page = client.get(unescape(href))
            assert page.status_code == 200, href
            json_link = unescape(re.search(r'href="([^"]+)">JSON', page.text).group(1))  # type: ignore[union-attr]
            assert client.get(json_link).json()["total"] == int(count), (facet, href)

"""CSV cannot carry formulas: a cell that Excel or LibreOffice would run (=, +, -, @, tab, CR first) is written
with a leading single quote, as OWASP recommends; a plain negative number stays a number."""
from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from policygraph.api import ApiSettings, create_app
from policygraph.graph.store import Store
from policygraph.queries.tabular import flatten, to_csv

TOKEN = "csv-test-token"
HOSTILE = ['=HYPERLINK("http://evil.example","点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "-1+cmd|' /C calc'!A0"]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_that_would_run_as_a_formula_is_quoted(cell: str) -> None:
    rows = _cells(to_csv([{"note": cell}]))
    assert rows[1] == ["'" + cell]


@pytest.mark.parametrize("cell", ["-5", "-0.25", "-1,234.5", "3", "河北省#24", "'already quoted", "a=b", ""])
def test_numbers_and_ordinary_text_are_written_as_they_are(cell: str) -> None:
    assert _cells(to_csv([{"value": cell}]))[1] == [cell]


def test_flattened_nested_values_are_neutralised_too() -> None:
    row = flatten({"link": {"note": "=1+1"}, "agencies": [{"name": "@x"}, {"name": "y"}], "tags": ["-a", "b"]})
    assert _cells(to_csv([row]))[1] == ["'=1+1", "'@x|y", "'-a；b"]


def _a_link_with_a_formula_note(client: TestClient) -> str:
    link = client.get("/api/v1/links").json()["items"][0]["link"]["link_id"]
    r = client.post(f"/api/v1/links/{link}/review", headers={"Authorization": f"Bearer {TOKEN}"},
                    json={"decision": "confirm", "note": '=HYPERLINK("http://evil.example","ok")'})
    assert r.status_code == 200, r.text
    return str(link)


def test_the_api_csv_export_of_links_quotes_a_reviewers_formula(graph: Store) -> None:
    client = TestClient(create_app(graph, ApiSettings(tokens={TOKEN: "=cmd"})))
    link = _a_link_with_a_formula_note(client)
    rows = _cells(client.get("/api/v1/links", params={"format": "csv", "status": "confirmed"}).text)
    header, body = rows[0], rows[1:]
    row = next(r for r in body if r[header.index("link.link_id")] == link)
    assert row[header.index("link.note")].startswith("'=HYPERLINK")
    assert row[header.index("link.reviewed_by")] == "'=cmd"
    assert not any(c[:1] in ("=", "+", "@", "\t", "\r") for r in body for c in r)


def test_the_cli_csv_quotes_formulas(graph: Store) -> None:
    from policygraph import queries as q
    from policygraph.cli import main

    path = getattr(graph, "path", None)
    if path is None:
        pytest.skip("the CLI opens the store by URL; the embedded store's file shows it for both")
    link = graph.links()[0].id
    q.review_link(graph, link, "reject", "@evil", "+1+cmd|' /C calc'!A0")
    result = CliRunner().invoke(main, ["links", "--status", "rejected", "--csv", "--store", f"sqlite:///{path}"])
    assert result.exit_code == 0, result.output
    rows = _cells(result.output)
    assert "'+1+cmd|' /C calc'!A0" in rows[1] and "'@evil" in rows[1]
    assert not any(c[:1] in ("=", "+", "@", "\t", "\r") for r in rows[1:] for c in r)

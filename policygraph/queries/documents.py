"""Adding and removing documents while the graph is in use (the API's upload and delete).

An upload goes the same way as ``policygraph load``: parse, build the fragment, write it in one transaction,
then align it against the plans already in the graph (only the pairs touching the new plan).
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import NotFound
from policygraph.graph.model import build_fragment
from policygraph.graph.store import Store
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_upload


class DocumentSummary(BaseModel):
    """What loading one document did."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "plan_id": "p-76e4e6bda031", "title": "XX县2024年食品安全重点工作安排", "status": "added",
        "jurisdiction": "XX县", "level": "county", "year": 2024, "source_format": "gb18030", "measures": 63,
        "tasks": 53, "agencies": 150, "indicators": 17, "citations": 12, "links": 54}]})
    plan_id: str
    title: str
    status: str = Field(description="added | replaced | unchanged")
    jurisdiction: str
    level: str
    year: int | None = None
    source_format: str
    measures: int
    tasks: int
    agencies: int
    indicators: int
    citations: int
    links: int = Field(description="DERIVES_FROM links the alignment wrote for this plan")


class Deleted(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"plan_id": "p-76e4e6bda031",
                                                                                "deleted": True}]})
    plan_id: str
    deleted: bool


def load_document(store: Store, data: bytes, filename: str) -> DocumentSummary:
    """Parse an uploaded file, write it, align it; raises InputError with the parser's message when unreadable."""
    return load_parsed(store, parse_upload(data, filename))


def load_parsed(store: Store, tree: PlanTree) -> DocumentSummary:
    """Write an already-parsed document and align it (the API parses uploads in a worker process, then calls this
    under the store lock, so reads never wait for a parse)."""
    from policygraph.align.run import align_plans  # the aligner is heavy; only uploads need it

    result = store.write_fragment(build_fragment(tree))
    links = 0 if result.status == "unchanged" else align_plans(store, [tree.plan.id]).links
    tasks = [m for m in tree.measures if m.kind == "task"]
    j = tree.plan.jurisdiction
    return DocumentSummary(plan_id=tree.plan.id, title=tree.plan.title, status=result.status, jurisdiction=j.name,
                           level=j.level, year=tree.plan.year, source_format=tree.plan.source_format,
                           measures=len(tree.measures), tasks=len(tasks),
                           agencies=sum(len(m.agencies) for m in tasks),
                           indicators=sum(len(m.indicators) for m in tasks),
                           citations=sum(len(m.citations) for m in tasks), links=links)


def delete_document(store: Store, plan_id: str) -> Deleted:
    """Remove a plan and everything it owns in one transaction (the store's ``delete_document``)."""
    if not store.delete_document(plan_id):
        raise NotFound(f"no document {plan_id!r}", listing="plans")
    return Deleted(plan_id=plan_id, deleted=True)

"""The write endpoints (bearer token): reviewing and adding links, loading and deleting documents."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, HTTPException, Path, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from policygraph import queries as q
from policygraph.api.deps import Backend, backend, reviewer, settings
from policygraph.api.parse_worker import parse_isolated
from policygraph.api.problems import responses
from policygraph.api.settings import ApiSettings
from policygraph import ingest
from policygraph.ingest import Deleted, DocumentSummary
from policygraph.queries.review import LinkView

router = APIRouter(prefix="/api/v1", responses=responses(400, 401, 404, 409, 422, 503))


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"decision": "reject", "note": "红旗区's task is about 学校食堂, not 追溯"}]})
    decision: Literal["confirm", "reject"]
    note: str = Field(default="", max_length=2000)


class NewLink(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"source": "西平县2020#（十七）", "target": "河北省#24", "note": "same 追溯 system"}]})
    source: str = Field(min_length=1, max_length=200, description="the lower task: id or <plan>#<number>")
    target: str = Field(min_length=1, max_length=200, description="the higher measure it implements")
    note: str = Field(default="", max_length=2000)


@router.post("/links/{link}/review", response_model=LinkView, tags=["review"])
def review(body: ReviewRequest, link: str = Path(examples=["e-e5cf7fd40e3f2b06"]), who: str = Depends(reviewer),
           b: Backend = Depends(backend)) -> LinkView:
    """Confirm or reject a link; records who and when; later alignment runs never overwrite it."""
    return b.ask(q.review_link, link, body.decision, who, body.note)


@router.post("/links", response_model=LinkView, status_code=201, tags=["review"])
def add(body: NewLink, who: str = Depends(reviewer), b: Backend = Depends(backend)) -> LinkView:
    """Add a link the aligner missed (confirmed, method "manual")."""
    return b.ask(q.add_link, body.source, body.target, who, body.note)


@router.post("/documents", response_model=DocumentSummary, status_code=201, tags=["documents"],
             responses=responses(413))
def upload(file: UploadFile = File(description=".txt (UTF-8 or GB18030), .docx, .html or .pdf"),
           who: str = Depends(reviewer), config: ApiSettings = Depends(settings),
           b: Backend = Depends(backend)) -> DocumentSummary:
    """Load one document: parsed, written in one transaction and aligned against the plans already in the graph.
    422 with the parser's message when it cannot be read; 413 over the size limit."""
    data = file.file.read(config.max_upload_bytes + 1)
    if len(data) > config.max_upload_bytes:
        raise HTTPException(413, f"the upload is over the {config.max_upload_bytes:,}-byte limit")
    # Parsed in a worker process without the store lock (reads go on); the lock is held only to write.
    tree = parse_isolated(data, file.filename or "upload.txt", memory_bytes=config.parse_memory_bytes,
                          timeout_s=config.parse_timeout_s)
    return b.ask(ingest.load_parsed, tree)


@router.delete("/documents/{plan}", response_model=Deleted, tags=["documents"])
def delete(plan: str = Path(description="plan id", examples=["p-76e4e6bda031"]), who: str = Depends(reviewer),
           b: Backend = Depends(backend)) -> Deleted:
    """Remove a plan, its measures and the links touching them, in one transaction."""
    return b.ask(ingest.delete_document, plan)

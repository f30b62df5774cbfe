"""The questions the graph exists to answer, as plain functions over the Store interface.

Each function takes a store and readable references (``河北省#24``, ``西平县2020``) and returns a typed answer
(``queries/models.py`` and the model next to each function). They use only the Store's public methods, so
both stores give the same answers; the API (``api/``) and the CLI serve them unchanged.

- cascade: ``implementations`` (down), ``sources`` (up)
- coverage: ``coverage``, ``coverage_matrix``
- agencies: ``list_agencies``, ``obligations``; bodies: ``co_responsibility`` (networkx centrality)
- targets: ``compare_targets``
- search: ``search``
- browse: plans, plan trees, measures, laws, jurisdictions
- review: ``list_links``, ``review_link``, ``add_link``; evidence: ``link_evidence``, ``next_unreviewed`` (the queue)
"""
from __future__ import annotations

from policygraph.queries.agencies import list_agencies, obligations
from policygraph.queries.bodies import co_responsibility
from policygraph.queries.browse import (get_jurisdiction, get_law, get_measure, get_plan, list_jurisdictions, list_laws,
                                        list_plans, plan_provinces, plan_tree)
from policygraph.queries.cascade import LinkFilter, implementations, sources
from policygraph.queries.coverage import coverage, coverage_matrix
from policygraph.queries.evidence import link_evidence, next_unreviewed
from policygraph.queries.review import add_link, get_link, list_links, review_link
from policygraph.queries.search import search
from policygraph.queries.targets import compare_targets

__all__ = [
    "LinkFilter", "add_link", "co_responsibility", "compare_targets", "coverage", "coverage_matrix", "get_jurisdiction",
    "get_law", "get_link", "get_measure", "get_plan", "implementations", "list_agencies", "list_jurisdictions",
    "link_evidence", "list_laws", "list_links", "list_plans", "next_unreviewed", "obligations", "plan_provinces",
    "plan_tree", "review_link", "search", "sources",
]

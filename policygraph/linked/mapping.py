"""One node or edge of the store → its triples: every vocabulary choice of the export, in one place.

- Plan: ``eli:LegalResource`` with ``eli:title``, ``eli:date_document`` (the year: the documents give no day, so an
  ``xsd:gYear``), ``eli:jurisdiction``, ``eli:passed_by`` (the issuer, when the document states it).
- Measure: ``eli:LegalResourceSubdivision`` with ``eli:number``, ``eli:title``, ``eli:is_part_of`` its parent (a
  measure, or the plan for a top-level one) and the parent's ``eli:has_part``; ``pg:inPlan`` the plan.
- CITES: ``eli:cites``. RESPONSIBLE_FOR: ``eli:responsibility_of`` plus a qualified ``pg:Responsibility`` carrying
  the role (``{measure IRI}#agency-{position}``).
- DERIVES_FROM (live): ``eli:applies`` and ``prov:wasDerivedFrom``, qualified by a ``prov:Derivation`` (the link's
  IRI) with score, status, label, method, scope, evidence, and the review as a ``prov:Activity`` associated with
  the reviewer (a ``prov:Agent``). A rejected link keeps its resource, reached by ``pg:rejectedDerivation``, and
  asserts no derivation. PLAN_DERIVES_FROM is mapped the same way between plans.
- Agency: ``org:Organization``, ``org:classification`` to the government functions (SKOS), ``org:linkedTo`` its
  jurisdiction (BELONGS_TO). Nothing in the documents states which body is a unit of which, so there is no
  ``org:subOrganizationOf``.
- Jurisdiction: a ``skos:Concept`` of the scheme ``pg:AdministrativeDivisions``: ``skos:notation`` its
  administrative-division code (``pg:adminCode``), ``skos:broader`` the place it lies in (WITHIN).
- Indicator: ``pg:Indicator`` with metric, comparator, value (``xsd:double``), unit and deadline (``xsd:gYear``).

Texts are ``@zh``. Numbers are written with one datatype whatever the store returned (an int 100 and a float
100.0 are one value), so both stores give the same triples.
"""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node as Term

from policygraph.graph.model import Edge, Node, agency_id, canonical_json
from policygraph.linked.iris import ELI, LINK_KIND, ORG, PG, function_iri, iri, node_iri, reviewer_iri

Triple = tuple[Term, Term, Term]

LEVELS = {"national": PG["National"], "province": PG["Province"], "city": PG["City"], "county": PG["County"],
          "township": PG["Township"]}
ROLES = {"lead": PG["Lead"], "support": PG["Support"], "responsible": PG["Responsible"]}
STATUSES = {"inferred": PG["Inferred"], "confirmed": PG["Confirmed"], "rejected": PG["Rejected"]}
SCOPES = {"within": PG["Within"], "cross": PG["Cross"]}
LINK_LABELS = {"direct": PG["Direct"], "partial": PG["Partial"]}
MEASURE_KINDS = {"section": PG["Section"], "item": PG["Item"], "task": PG["TaskUnit"]}


def zh(text: str | None) -> Literal | None:
    return Literal(text, lang="zh") if text else None


def _year(value: int | None) -> Literal | None:
    return Literal(f"{int(value):04d}", datatype=XSD.gYear) if value is not None else None


def _put(out: list[Triple], s: Term, p: Term, o: Term | None) -> None:
    """Add a triple unless its object is missing (None or an empty text)."""
    if o is not None:
        out.append((s, p, o))


def node_triples(base: str, node: Node) -> list[Triple]:
    """The triples a node carries by itself (its fields, and what its own fields name: parent, plan)."""
    return _NODES[node.label](base, node)


def _plan(base: str, n: Node) -> list[Triple]:
    p, s = n.plan, node_iri(base, "Plan", n.id)
    out: list[Triple] = [(s, RDF.type, ELI["LegalResource"]), (s, RDF.type, PG["Plan"])]
    _put(out, s, ELI["title"], zh(p.title))
    _put(out, s, ELI["date_document"], _year(p.year))
    _put(out, s, PG["documentKind"], zh(p.kind))
    _put(out, s, PG["level"], LEVELS.get(p.level))
    _put(out, s, PG["source"], Literal(p.source) if p.source else None)
    _put(out, s, PG["contentHash"], Literal(p.content_hash) if p.content_hash else None)
    if p.issuer:  # the issuing body as the document names it: an organisation of its own, named by that name
        body = node_iri(base, "Agency", agency_id(p.issuer, p.jurisdiction or None))
        out += [(s, ELI["passed_by"], body), (body, RDF.type, ORG["Organization"]),
                (body, SKOS.prefLabel, Literal(p.issuer, lang="zh"))]
    return out


def _measure(base: str, n: Node) -> list[Triple]:
    m, s = n.measure, node_iri(base, "Measure", n.id)
    plan = node_iri(base, "Plan", m.plan_id)
    parent = node_iri(base, "Measure", m.parent_id) if m.parent_id else plan
    out: list[Triple] = [(s, RDF.type, ELI["LegalResourceSubdivision"]), (s, RDF.type, PG["Measure"]),
                         (s, RDF.type, MEASURE_KINDS[m.kind]), (s, ELI["is_part_of"], parent),
                         (parent, ELI["has_part"], s), (s, PG["inPlan"], plan), (s, PG["order"], Literal(int(m.order)))]
    _put(out, s, ELI["number"], Literal(m.number) if m.number else None)
    _put(out, s, ELI["title"], zh(m.title))
    _put(out, s, PG["text"], zh(m.text))
    out += _span(s, m.span)
    return out


def _span(s: URIRef, span: list[int]) -> list[Triple]:
    """Where in its document a node was read: ``[start, end)`` character offsets into the decoded text."""
    if len(span) != 2:
        return []
    return [(s, PG["spanStart"], Literal(int(span[0]))), (s, PG["spanEnd"], Literal(int(span[1])))]


def _agency(base: str, n: Node) -> list[Triple]:
    a, s = n.agency, node_iri(base, "Agency", n.id)
    out: list[Triple] = [(s, RDF.type, ORG["Organization"]), (s, RDF.type, PG["Agency"]),
                         (s, PG["collective"], Literal(bool(a.collective)))]
    _put(out, s, SKOS.prefLabel, zh(a.name))
    _put(out, s, PG["level"], LEVELS.get(a.level))
    out += [(s, ORG["classification"], function_iri(f)) for f in a.functions]
    return out


def function_triples(name: str) -> list[Triple]:
    """A government function as a concept of the scheme ``pg:GovernmentFunctions``."""
    c = function_iri(name)
    return [(c, RDF.type, SKOS.Concept), (c, SKOS.inScheme, PG["GovernmentFunctions"]),
            (c, SKOS.prefLabel, Literal(name, lang="zh"))]


def _indicator(base: str, n: Node) -> list[Triple]:
    i, s = n.indicator, node_iri(base, "Indicator", n.id)
    out: list[Triple] = [(s, RDF.type, PG["Indicator"]), (s, PG["comparator"], Literal(i.comparator)),
                         (s, PG["value"], Literal(float(i.value), datatype=XSD.double))]
    _put(out, s, PG["metric"], zh(i.metric))
    _put(out, s, PG["unit"], Literal(i.unit) if i.unit else None)
    _put(out, s, PG["deadline"], _year(i.deadline))
    return out + _span(s, i.span)


def _law(base: str, n: Node) -> list[Triple]:
    law, s = n.law, node_iri(base, "Law", n.id)
    out: list[Triple] = [(s, RDF.type, ELI["LegalResource"]), (s, RDF.type, PG["Law"])]
    _put(out, s, ELI["title"], zh(law.title))
    _put(out, s, PG["documentKind"], zh(law.kind))
    return out


def _place(base: str, n: Node) -> list[Triple]:
    j, s = n.place, node_iri(base, "Jurisdiction", n.id)
    out: list[Triple] = [(s, RDF.type, SKOS.Concept), (s, RDF.type, PG["Jurisdiction"]),
                         (s, SKOS.inScheme, PG["AdministrativeDivisions"]),
                         (s, PG["anonymised"], Literal(bool(j.anonymised)))]
    _put(out, s, SKOS.prefLabel, zh(j.name))
    _put(out, s, PG["level"], LEVELS.get(j.level))
    _put(out, s, SKOS.notation, Literal(j.code, datatype=PG["adminCode"]) if j.code else None)
    return out


_NODES = {"Plan": _plan, "Measure": _measure, "Agency": _agency, "Indicator": _indicator, "Law": _law,
          "Jurisdiction": _place}


def edge_triples(base: str, e: Edge) -> list[Triple]:
    """The triples an edge adds. HAS_MEASURE and PART_OF add none: a measure's own fields name its plan and
    parent (``_measure``), so one node's triples are complete without its edges."""
    if e.type in ("DERIVES_FROM", "PLAN_DERIVES_FROM"):
        return link_triples(base, e)
    if e.type == "RESPONSIBLE_FOR":
        return _responsible(base, e)
    if e.type == "HAS_TARGET":
        return [(node_iri(base, "Measure", e.source), PG["hasTarget"], node_iri(base, "Indicator", e.target))]
    if e.type == "CITES":
        return [(node_iri(base, "Measure", e.source), ELI["cites"], node_iri(base, "Law", e.target))]
    if e.type == "ISSUED_BY":
        return [(node_iri(base, "Plan", e.source), ELI["jurisdiction"], node_iri(base, "Jurisdiction", e.target))]
    if e.type == "WITHIN":
        return [(node_iri(base, "Jurisdiction", e.source), SKOS.broader, node_iri(base, "Jurisdiction", e.target))]
    if e.type == "BELONGS_TO":
        return [(node_iri(base, "Agency", e.source), ORG["linkedTo"], node_iri(base, "Jurisdiction", e.target))]
    return []


def _responsible(base: str, e: Edge) -> list[Triple]:
    r = e.responsible
    agency, measure = node_iri(base, "Agency", e.source), node_iri(base, "Measure", e.target)
    q = URIRef(f"{measure}#agency-{int(r.position)}")
    out: list[Triple] = [(measure, ELI["responsibility_of"], agency), (measure, PG["qualifiedResponsibility"], q),
                         (q, RDF.type, PG["Responsibility"]), (q, PG["agency"], agency), (q, PG["role"], ROLES[r.role]),
                         (q, PG["position"], Literal(int(r.position)))]
    _put(out, q, PG["asWritten"], zh(r.as_written))
    return out + _span(q, r.span)


def link_triples(base: str, e: Edge) -> list[Triple]:
    """A DERIVES_FROM (measure → measure) or PLAN_DERIVES_FROM (plan → plan) link and its qualified derivation."""
    k = e.link
    label = "Measure" if e.type == "DERIVES_FROM" else "Plan"
    src, tgt, d = node_iri(base, label, e.source), node_iri(base, label, e.target), iri(base, LINK_KIND, e.id)
    out: list[Triple] = [(d, RDF.type, PG["Link"]), (d, PROV.entity, tgt), (d, PG["lower"], src),
                         (d, PG["status"], STATUSES[k.status])]
    if k.live:
        out += [(src, ELI["applies"], tgt), (src, PROV.wasDerivedFrom, tgt), (src, PROV.qualifiedDerivation, d),
                (d, RDF.type, PROV.Derivation)]
    else:
        out.append((src, PG["rejectedDerivation"], d))
    _put(out, d, PG["score"], Literal(float(k.score), datatype=XSD.double) if k.score is not None else None)
    _put(out, d, PG["method"], Literal(k.method) if k.method else None)
    _put(out, d, PG["scope"], SCOPES.get(k.scope or ""))
    _put(out, d, PG["linkLabel"], LINK_LABELS.get(k.label or ""))
    _put(out, d, PG["basis"], Literal(k.basis) if k.basis else None)
    if k.evidence:
        out.append((d, PG["evidence"], Literal(canonical_json(k.evidence), datatype=RDF.JSON)))
        for phrase in k.evidence.get("key_phrases") or []:
            if isinstance(phrase, dict) and phrase.get("phrase"):
                out.append((d, PG["keyPhrase"], Literal(str(phrase["phrase"]), lang="zh")))
    if k.reviewed_by:
        out += _review(base, d, k.reviewed_by, k.reviewed_at, k.note, k.status)
    return out



def _review(base: str, d: URIRef, who: str, at: str | None, note: str | None, status: str) -> list[Triple]:
    """The latest review of a link: an activity associated with the reviewer, ended when it was recorded."""
    act, agent = URIRef(f"{d}#review"), reviewer_iri(base, who)
    out: list[Triple] = [(d, PROV.hadActivity, act), (act, RDF.type, PROV.Activity), (act, RDF.type, PG["Review"]),
                         (act, PROV.wasAssociatedWith, agent), (act, PG["decision"], STATUSES[status]),
                         (agent, RDF.type, PROV.Agent), (agent, RDFS.label, Literal(who))]
    _put(out, act, PROV.endedAtTime, Literal(at, datatype=XSD.dateTime) if at else None)
    _put(out, act, RDFS.comment, zh(note))
    return out


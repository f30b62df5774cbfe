"""Namespaces and stable IRIs: ``{base}/id/{kind}/{percent-encoded node id}``, and the way back.

The base is ``$POLICYGRAPH_BASE_IRI`` (or the config key ``base_iri``), by default ``http://127.0.0.1:8000``,
where ``policygraph serve`` answers, so the IRIs of a local export dereference as they are. Node ids carry
Chinese and punctuation (a readable id such as ``河北省#24`` is never used, but the ids' alphabet is not ours to
promise), so every character outside the unreserved set is percent-encoded (UTF-8), ``/`` and ``#`` included:
one id is one path segment, and decoding the segment gives the id back.
"""
from __future__ import annotations

from urllib.parse import quote, unquote

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from policygraph.config import setting

DEFAULT_BASE_IRI = "http://127.0.0.1:8000"
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
#: Our own terms, only where no standard one fits (declared in policygraph/data/ontology.ttl). A vocabulary's
#: namespace does not move with a deployment, so it is fixed, not under the configurable base.
PG = Namespace("https://policygraph.example/ns#")
#: The government functions (data/functions.toml) as SKOS concepts of the scheme ``pg:GovernmentFunctions``.
FUNCTION = Namespace("https://policygraph.example/functions/")

PREFIXES: dict[str, Namespace] = {
    "eli": ELI, "prov": Namespace(str(PROV)), "org": ORG, "skos": Namespace(str(SKOS)), "pg": PG, "pgf": FUNCTION,
    "rdf": Namespace(str(RDF)), "rdfs": Namespace(str(RDFS)), "xsd": Namespace(str(XSD)), "owl": Namespace(str(OWL)),
}

#: Node label → the ``kind`` segment of its IRI (and of ``GET /id/{kind}/{id}``); ``link`` names a
#: DERIVES_FROM or PLAN_DERIVES_FROM link (an edge id), which is a resource of its own (its qualified derivation).
KINDS: dict[str, str] = {"Plan": "plan", "Measure": "measure", "Agency": "agency", "Indicator": "indicator",
                         "Law": "law", "Jurisdiction": "jurisdiction"}
LABELS: dict[str, str] = {kind: label for label, kind in KINDS.items()}
LINK_KIND = "link"


def configured_base() -> str:
    """The base of every IRI: ``$POLICYGRAPH_BASE_IRI``, the config key ``base_iri``, or the default."""
    return normalise_base(str(setting("POLICYGRAPH_BASE_IRI", "base_iri", DEFAULT_BASE_IRI)))


def normalise_base(base: str) -> str:
    """``https://x.example/`` and ``https://x.example`` are the same base (no slash kept at the end)."""
    return base.rstrip("/")


def segment(node_id: str) -> str:
    """One path segment for an id: every byte outside A-Z a-z 0-9 ``-._~`` percent-encoded.

    >>> segment("m-1a2b")
    'm-1a2b'
    >>> segment("河北省#24/x")
    '%E6%B2%B3%E5%8C%97%E7%9C%81%2324%2Fx'
    """
    return quote(node_id, safe="")


def iri(base: str, kind: str, node_id: str) -> URIRef:
    """The IRI of a node (kind ``plan`` … ``jurisdiction``) or a link (kind ``link``)."""
    return URIRef(f"{base}/id/{kind}/{segment(node_id)}")


def node_iri(base: str, label: str, node_id: str) -> URIRef:
    return iri(base, KINDS[label], node_id)


def parse_iri(base: str, value: str) -> tuple[str, str] | None:
    """``(kind, node id)`` of one of our IRIs, or None when it is not one (another base, no such kind).

    >>> parse_iri("http://h", "http://h/id/measure/%E6%B2%B3%2324")
    ('measure', '河#24')
    """
    prefix = f"{base}/id/"
    if not value.startswith(prefix):
        return None
    kind, sep, rest = value[len(prefix):].partition("/")
    if not sep or "/" in rest or "#" in rest or (kind not in LABELS and kind != LINK_KIND):
        return None
    try:
        return kind, unquote(rest, errors="strict")
    except UnicodeDecodeError:  # %FF: not an id we could have written
        return None


def reviewer_iri(base: str, name: str) -> URIRef:
    """A reviewer as a PROV agent (the name a write token is recorded under; not dereferenceable)."""
    return URIRef(f"{base}/id/reviewer/{segment(name)}")


def function_iri(name: str) -> URIRef:
    return FUNCTION[segment(name)]


def graph_iri(base: str) -> URIRef:
    """The one named graph of an N-Quads export: everything the store holds is in ``{base}/graph``."""
    return URIRef(f"{base}/graph")

"""Linked data: the graph as RDF in standard vocabularies (ELI, PROV, ORG, SKOS), read through the Store.

- ``iris``: the namespaces and the stable IRIs of nodes (``{base}/id/{kind}/{id}``), and back;
- ``mapping``: one node or edge of the store → its triples (the vocabulary choices, in one place);
- ``stream``: the whole store as small chunks of triples, and writers for Turtle, JSON-LD, N-Triples, N-Quads
  that never hold the whole graph;
- ``describe``: the triples of one node and of the links touching it (what ``/id/{kind}/{id}`` answers);
- ``sparql``: the read-only SPARQL endpoint over an in-memory copy of the graph, with its limits.

Our own terms (``pg:``) are declared, labelled in Chinese and English, in ``policygraph/data/ontology.ttl``;
``policygraph/data/shapes.ttl`` states in SHACL what each node must carry.
"""

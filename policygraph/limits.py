"""Every limit on input in one place: how big a document may be, how far a Word file may expand when unzipped,
how deep a web page may nest, and how much memory and time one parse may take in the server's worker process.

The same numbers hold for ``policygraph load`` / ``parse`` (checked in ``loaders.decoding``, one-line error,
exit status 2) and for ``POST /api/v1/documents`` (413 for a size, 422 for anything else unreadable).
"""
from __future__ import annotations

#: A document file or upload may hold at most this many bytes: 20 MB, decimal (20,000,000 bytes, not 20 MiB).
#: 20,000,000 is read; 20,000,001 is refused (HTTP 413) before it is parsed.
MAX_UPLOAD_BYTES = 20_000_000

#: The parts of a .docx together may unzip to at most this many bytes. Python's zipfile never yields more
#: than a member's declared size, so summing the declared sizes bounds what python-docx will inflate. A real
#: plan of 200 pages is ~5 MB unzipped; a zip bomb of a few MB declares 1.5 GB.
MAX_DOCX_EXPANDED_BYTES = 100_000_000
#: ... and have at most this many parts (a Word file has a few dozen; a bomb can have millions of entries).
MAX_DOCX_PARTS = 5_000

#: Web pages may nest elements at most this deep. Government pages nest 20–40 deep; the HTML parser's cost
#: grows with the square of the depth (200,000 nested <div> took 112 s), so depth is counted before parsing.
MAX_HTML_DEPTH = 256

#: One parse in the server runs in a worker process with this much address space ...
PARSE_MEMORY_BYTES = 2 * 1024 ** 3
#: ... for at most this many seconds (the sample corpus's largest plan parses in well under 2 s) ...
PARSE_TIMEOUT_S = 60.0
#: ... and at most this many parses run at once; further uploads wait up to PARSE_TIMEOUT_S for a slot.
PARSE_WORKERS = 2


#: The Neo4j driver retries a failing transaction for 30 s by default, logging each try: a stopped server took
#: 35 s to report. For `Neo4jStore`'s driver (``max_transaction_retry_time``, ``connection_timeout``):
NEO4J_RETRY_S = 3.0
NEO4J_CONNECT_TIMEOUT_S = 5.0

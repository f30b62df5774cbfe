"""One exception tree, so the CLI and the API can turn every domain error into one message.

Nothing outside ``cli.py`` and ``api/`` catches broad exceptions; everything else raises one of these.
"""
from __future__ import annotations


class PolicyGraphError(Exception):
    """Root of every error PolicyGraph raises on purpose."""


class InputError(PolicyGraphError):
    """A document cannot be read or parsed: missing, empty, binary, undecodable, too big, or with no structure.

    ``path`` names the file so the one-line message can tell the user which one to fix.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class TooLarge(InputError):
    """A document over one of the size limits of ``policygraph.limits``: the API answers 413, the CLI one line and
    exit status 2."""


class NotFound(PolicyGraphError):
    """A node, plan or reference that the store does not hold.

    ``listing`` names the list that shows what does exist ("plans", "agencies", "laws", …); each transport says
    how to ask for it (the CLI a command, the API an endpoint), so the message itself speaks no transport.
    """

    def __init__(self, message: str, listing: str | None = None) -> None:
        self.listing = listing
        super().__init__(message)


class Ambiguous(PolicyGraphError):
    """A readable reference matches more than one node; ``candidates`` lists them so the caller can choose."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        self.candidates = candidates
        super().__init__(message)


class Conflict(PolicyGraphError):
    """The request contradicts what the graph holds (a link that already exists: ``link_id``)."""

    def __init__(self, message: str, link_id: str | None = None) -> None:
        self.link_id = link_id
        super().__init__(message)


class StoreError(PolicyGraphError):
    """The store cannot be opened, reached or written (locked file, server down, bad URL)."""


class ConfigError(PolicyGraphError):
    """A setting is missing or wrong (no token configured, bad credentials file)."""


class Busy(PolicyGraphError):
    """Every parse worker is taken for longer than an upload may wait: the API answers 503, try again later."""


class BadRequest(PolicyGraphError):
    """A request that cannot be read as asked (a SPARQL query that does not parse): 400."""


class Refused(PolicyGraphError):
    """A request understood and refused on purpose (a SPARQL update, or a federated query, at the read-only
    endpoint): 403."""


class NotAcceptable(PolicyGraphError):
    """None of the media types the client accepts can be given (``Accept: image/png`` for a node): 406."""


class TooExpensive(PolicyGraphError):
    """A query stopped at its time limit: 422, as an upload whose parse runs out of time (asking again gives the
    same answer, so it is not a 503)."""

"""The ``policygraph`` command: a thin shell over the package that turns domain errors into one-line messages.

Exit status: 0 success, 1 when some files of a batch failed (load), 2 for bad input or usage.
Nothing here holds logic of its own; each command calls one function of the package. The commands live in
``cli_documents`` (parse, load, stats, export, align, eval) and ``cli_queries`` (the auditors' questions, serve);
importing this module registers them on ``main``.
"""
from __future__ import annotations

import logging
import sys
from typing import Any, NoReturn

import click

from policygraph.errors import Ambiguous, NotFound, PolicyGraphError
from policygraph.graph.store import Store
from policygraph.runtime import tune_gc


def fail(message: str, status: int = 2) -> NoReturn:
    """Print one line on stderr and exit: the only way commands report errors.

    Line breaks inside the message (the Neo4j driver's "Couldn't connect …:\nFailed to establish …") are
    joined, so a message is always one line."""
    click.echo(f"policygraph: {' '.join(message.split())}", err=True)
    sys.exit(status)


#: The commands that list what a NotFound's ``listing`` names.
LISTING_COMMANDS = {"plans": "policygraph plans", "agencies": "policygraph agencies", "links": "policygraph links"}


def hint(exc: PolicyGraphError) -> str:
    """How to go on, in the CLI's terms: the command listing what exists, an ambiguous reference's candidates."""
    if isinstance(exc, NotFound) and exc.listing in LISTING_COMMANDS:
        return f"; list them with `{LISTING_COMMANDS[exc.listing]}`"
    if isinstance(exc, Ambiguous) and exc.candidates:
        return f"; candidates: {', '.join(exc.candidates[:10])}" + (" …" if len(exc.candidates) > 10 else "")
    return ""


class _Group(click.Group):
    """Turns any PolicyGraphError escaping a command into one line and exit status 2; so too an OSError
    (a file name over the system's limit, a full disk), which no command can do anything better with."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _quiet_libraries()
        tune_gc()
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PolicyGraphError as exc:
            fail(str(exc) + hint(exc))
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}")


def _quiet_libraries() -> None:
    """Keep libraries' log lines off the terminal: the error that ends a command says it once.

    The Neo4j driver logs each retry of a failing transaction ("Transaction failed and will be retried",
    a dozen lines over 35 s when the server stops) and routing failures; pypdf logs each repair of a damaged
    file. The exceptions that follow carry the same facts and become one line."""
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)


@click.group(cls=_Group)
@click.version_option(package_name="policygraph")
def main() -> None:
    """PolicyGraph: policy obligations, the agencies that carry them, and how plans implement each other."""




STORE_OPTION = click.option(
    "--store", "store_url", default=None, metavar="URL",
    help="sqlite:///path/graph.db (default ./policygraph.db, or $POLICYGRAPH_STORE) or neo4j://host:7687 "
         "(credentials from NEO4J_USER / NEO4J_PASSWORD or the config file, never the command line).",
)


def open_configured_store(store_url: str | None, create: bool = False) -> Store:
    """The store named by ``--store``, else by $POLICYGRAPH_STORE or the config file, else ./policygraph.db.

    Only commands that write documents pass ``create=True``: a read command given a mistyped file name
    refuses it in one line instead of answering from a new, empty store.
    """
    from policygraph.config import store_url as configured_url
    from policygraph.graph.store import open_store

    return open_store(store_url or configured_url(), create=create)



# Register the commands (they import ``main`` from here, so this comes last).
from policygraph import cli_bench, cli_documents, cli_queries  # noqa: E402,F401  # pyflakes: ignore

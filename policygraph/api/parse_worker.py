"""Parse an upload in a worker process, so that no document can wedge the server.

A parse runs C code (lexbor, lxml, zlib) that Python cannot interrupt: in the server's own process a hostile
file held the store lock, starved every other request and ignored SIGTERM. Here each upload is parsed in a
fresh child of a fork server (started once, with the parser already imported, so a child costs milliseconds
and inherits none of the server's threads), under a memory limit, and killed when it runs past its time. The
server's thread only waits on a pipe: reads go on, and the store lock is taken only to write the parsed tree.

At most ``PARSE_WORKERS`` parses run at once; a further upload waits for a slot within its own time limit.
"""
from __future__ import annotations

import multiprocessing
import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from policygraph.errors import Busy, InputError, TooLarge
from policygraph.limits import PARSE_MEMORY_BYTES, PARSE_TIMEOUT_S, PARSE_WORKERS
from policygraph.loaders.model import PlanTree

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["policygraph.api.parse_warmup"])
_SLOTS = threading.BoundedSemaphore(PARSE_WORKERS)
_LAUNCH = threading.Lock()


def start() -> None:
    """Start the fork server in the background (it imports and warms the parser, ~2 s), so the first upload
    does not wait for it; idempotent."""
    from multiprocessing import forkserver

    threading.Thread(target=forkserver.ensure_running, name="policygraph-parse-start", daemon=True).start()


def parse_isolated(data: bytes, name: str, memory_bytes: int = PARSE_MEMORY_BYTES,
                   timeout_s: float = PARSE_TIMEOUT_S) -> PlanTree:
    """``parse_upload(data, name)`` in a worker process that may use ``memory_bytes`` more than it starts with
    and run ``timeout_s`` seconds; raises InputError (TooLarge for a size limit) like the parser does."""
    if not _SLOTS.acquire(timeout=timeout_s):
        raise Busy(f"{PARSE_WORKERS} uploads are being parsed; try again in a minute")
    try:  # the parse's own time starts once it has a slot
        return _run_child(data, name, memory_bytes, timeout_s, time.monotonic() + timeout_s)
    finally:
        _SLOTS.release()


def _run_child(data: bytes, name: str, memory_bytes: int, timeout_s: float, deadline: float) -> PlanTree:
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_child_main, args=(sender, data, name, memory_bytes, timeout_s),
                             name="policygraph-parse", daemon=True)
    with _LAUNCH, _main_hidden():
        child.start()
    sender.close()
    try:
        if not receiver.poll(max(0.0, deadline - time.monotonic())):
            raise InputError(name, f"took longer than {timeout_s:g} s to parse, so it was stopped; "
                                   "split the document or save it as .txt")
        try:
            message: tuple[Any, ...] = receiver.recv()
        except EOFError:  # the child died without answering: killed by a limit, or a crash in C code
            child.join(5)
            raise InputError(name, f"stopped the parser (exit status {child.exitcode}); it may need more than "
                                   f"{memory_bytes // 2 ** 20:,} MiB of memory; save it as .txt") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    return _answer(message, name, memory_bytes)


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Launch a child without it running the server's main script again.

    multiprocessing re-imports ``__main__`` (by file or module name) in each child, to find functions defined
    there. Ours live in this module, and a server started by an unguarded script (or from stdin) would be
    started again in the child, or fail. Hidden only while ``start()`` sends the launch data, under a lock."""
    main = sys.modules["__main__"]
    saved: dict[str, Any] = {key: main.__dict__[key] for key in ("__file__", "__spec__") if key in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def _answer(message: tuple[Any, ...], name: str, memory_bytes: int) -> PlanTree:
    kind = message[0]
    if kind == "ok":
        tree: PlanTree = message[1]
        return tree
    if kind == "input":
        _, too_large, path, problem = message
        raise (TooLarge if too_large else InputError)(path, problem)
    if kind == "memory":
        raise InputError(name, f"needs more than {memory_bytes // 2 ** 20:,} MiB of memory to parse, so it was "
                               "stopped; split the document or save it as .txt")
    raise RuntimeError(f"the parser failed on {name}: {message[1]}")  # a bug: the API answers 500


def _child_main(conn: Connection, data: bytes, name: str, memory_bytes: int, timeout_s: float) -> None:
    """In the worker: set the limits, parse, send one message back (exceptions do not pickle with their fields)."""
    from policygraph.loaders.parse import parse_upload  # preloaded in the fork server

    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory_bytes,) * 2)
    cpu = int(timeout_s) + 2  # a backstop for the parent's kill: SIGXCPU if it ever missed
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    message: tuple[Any, ...]
    try:
        message = ("ok", parse_upload(data, name))
    except InputError as exc:
        message = ("input", isinstance(exc, TooLarge), exc.path, exc.problem)
    except MemoryError:
        message = ("memory",)
    except Exception as exc:  # reported to the parent, which turns it into a 500 (a bug in the parser)
        message = ("crash", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(message)
    except MemoryError:
        conn.send(("memory",))
    conn.close()


def _address_space() -> int:
    """This process's virtual size in bytes (the limit is on top of it, so it means the same on every machine)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):  # not Linux: the limit is then absolute
        return 0
    return pages * resource.getpagesize()

"""CPU-heavy work off the event loop: opening and validating a ledger, turning report rows into cells, writing
XLSX and CSV.

It runs on a small thread pool of its own (WORKERS threads), never on the loop and never in the default
executor that aiosqlite-free helpers share: while a large import or export runs, the pages, chat and pushes
keep being answered, and at most WORKERS pieces of heavy work take the CPU at once (more wait in the pool's
queue). Threads suffice here: python-calamine, zlib and sqlite3 release the GIL for their long stretches, and
the Python parts come in pages (a few thousand rows), so the loop gets the interpreter back between them.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
WORKERS = 2

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_running = 0


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="heavy")
        return _pool


def running() -> int:
    """How many pieces of heavy work are in a worker right now."""
    return _running


def _counted(call: Callable[[], T]) -> T:
    global _running
    with _lock:
        _running += 1
    try:
        return call()
    finally:
        with _lock:
            _running -= 1


async def offload(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """fn(*args, **kwargs) on the heavy-work pool; the caller's task waits, the loop does not."""
    call = functools.partial(fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_executor(), _counted, call)

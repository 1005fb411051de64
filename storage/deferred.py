"""One message's writes as one unit of work, without holding the writer meanwhile: `db.deferring()`,
`db.later(sql, params)` and `db.memo()` (the contract: storage/database.py's docstring). Mixed into Database:
the collected writes go, in one unit, before the next statement made through `db` in the block, or when it
ends.
"""

from __future__ import annotations

import abc
import contextlib
import contextvars
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from storage.database import Transaction

Op = tuple[Literal["exec", "many", "rows"], str, Any]  # a statement for `_run_unit`: kind, sql, parameters


@dataclass(eq=False)
class _Deferred:
    """The writes collected in a `db.deferring()` block, and what its stores memoised."""

    db: DeferredWrites
    writes: list[tuple[str, tuple[Any, ...]]]
    memo: dict[Any, Any]
    open: bool = True


_DEFERRED: contextvars.ContextVar[_Deferred | None] = contextvars.ContextVar("storage_deferred", default=None)


class DeferredWrites(abc.ABC):
    """`deferring`, `later` and `memo`, over the database's units of work."""

    @abc.abstractmethod
    def _ambient(self) -> Transaction | None:
        """The unit of work this task is in on this database, if any."""

    @abc.abstractmethod
    def _begin(self) -> contextlib.AbstractAsyncContextManager[Transaction]:
        """Start a unit of work, commit it on success, roll it back on any exception; close it."""

    @abc.abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def _deferred(self) -> _Deferred | None:
        current = _DEFERRED.get()
        return current if current is not None and current.db is self and current.open else None

    @contextlib.asynccontextmanager
    async def deferring(self) -> AsyncIterator[None]:
        """Collect `later` writes until the block ends, then commit them together; see the module
        docstring. They are committed also when the block raises (as if each had run when made); a
        nested block joins the outer one."""
        if self._deferred() is not None:
            yield
            return
        scope = _Deferred(self, [], {})
        token = _DEFERRED.set(scope)
        try:
            yield
        finally:
            _DEFERRED.reset(token)
            scope.open = False
            await self._send_collected(scope)

    async def later(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A write whose result nobody needs: collected in a `deferring()` block, else run now."""
        scope = self._deferred()
        if scope is None or self._ambient() is not None:
            await self.execute(sql, params)
        else:
            scope.writes.append((sql, tuple(params)))

    def memo(self) -> dict[Any, Any] | None:
        """The `deferring()` block's memo (None outside one)."""
        scope = self._deferred()
        return scope.memo if scope is not None else None

    async def _send_collected(self, scope: _Deferred, then: Op | None = None) -> Any:
        """Commit the collected writes (and `then`, a statement whose result is returned) as one unit."""
        writes, scope.writes = scope.writes, []
        unit: list[Op] = [("exec", sql, params) for sql, params in writes]
        if then is not None:
            unit.append(then)
        if not unit:
            return None
        return (await self._run_unit(unit))[-1]

    async def _run_unit(self, unit: list[Op]) -> list[Any]:
        """Statements ("exec" → rows changed, "many" → rows changed, "rows" → rows), all or none."""
        results: list[Any] = []
        async with self._begin() as tx:
            for kind, sql, params in unit:
                if kind == "rows":
                    results.append(await tx.fetchall(sql, params))
                elif kind == "many":
                    results.append(await tx.executemany(sql, params))
                else:
                    results.append(await tx.execute(sql, params))
        return results

    def _pending(self) -> _Deferred | None:
        """The deferring block whose collected writes must go before the next statement, if any."""
        scope = _DEFERRED.get()
        if scope is None or not scope.writes or scope.db is not self or not scope.open:
            return None
        return scope

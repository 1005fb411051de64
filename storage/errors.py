"""What storage raises, whatever the engine: callers catch these, never an engine's own errors."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be opened or migrated; the message says what to do."""


class StorageUnavailable(StorageError):
    """A statement could not run now: the database is locked too long, the disk is full, the server is
    gone. The caller apologises and tries again later; nothing half-written stays behind."""


class IntegrityViolation(StorageError):
    """A statement broke a constraint (unique, foreign key, check)."""

"""Storage behind one async interface (storage/database.py): SQLite by default, PostgreSQL for scale.
Only this package imports a database driver."""

from storage.conversations import Awaiting, ConversationState, ConversationStore
from storage.database import Database, Transaction
from storage.directory import ChatGroup, DirectoryStore, Staff
from storage.errors import StorageError, StorageUnavailable
from storage.ledger import EventKind, ServiceLedger
from storage.questions import OpenQuestion, PendingRelay, QuestionStore

__all__ = [
    "Awaiting",
    "ChatGroup",
    "ConversationState",
    "ConversationStore",
    "Database",
    "DirectoryStore",
    "EventKind",
    "OpenQuestion",
    "PendingRelay",
    "QuestionStore",
    "ServiceLedger",
    "Staff",
    "StorageError",
    "StorageUnavailable",
    "Transaction",
]

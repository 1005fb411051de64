"""SQLite storage behind a narrow async interface. Only this package imports aiosqlite."""

from storage.conversations import ConversationState, ConversationStore
from storage.database import Database, StorageError
from storage.directory import ChatGroup, DirectoryStore, Staff
from storage.ledger import EventKind, ServiceLedger
from storage.questions import OpenQuestion, PendingRelay, QuestionStore

__all__ = [
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
]

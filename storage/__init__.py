"""SQLite storage behind a narrow async interface. Only this package imports aiosqlite."""

from storage.conversations import Awaiting, ConversationState, ConversationStore
from storage.database import Database, StorageError
from storage.directory import ChatGroup, DirectoryStore, Staff
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
]

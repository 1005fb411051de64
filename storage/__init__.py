"""SQLite storage behind a narrow async interface. Only this package imports aiosqlite."""

from storage.database import Database, StorageError
from storage.conversations import ConversationState, ConversationStore
from storage.questions import OpenQuestion, PendingRelay, QuestionStore

__all__ = ["ConversationState", "ConversationStore", "Database", "OpenQuestion", "PendingRelay", "QuestionStore", "StorageError"]

"""Policy briefings: the catalog in content/briefings and sending campaigns through the outbox."""

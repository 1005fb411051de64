"""The one crash-safe outbox for every push, its types and the transports of running channels."""

"""The one crash-safe outbox for every push: the queue and its senders, the outcome types transports
classify into (and the outcome hook), the features' item hooks, the transports of running channels."""

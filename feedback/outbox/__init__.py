"""The durable email outbox and its delivery by the worker."""

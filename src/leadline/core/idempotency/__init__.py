"""Idempotency keys: one answer per key."""

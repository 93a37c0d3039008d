"""The store: engine and sessions, table definitions and migrations (no domain rules)."""

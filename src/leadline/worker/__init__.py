"""Background work: every job claims its work from its own tables, so any number of
worker processes can run side by side on PostgreSQL."""

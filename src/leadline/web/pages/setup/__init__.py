"""``/setup``: the account's configuration, for admins only — one module per section,
each working through the same core services as the CLI and the Platform API."""

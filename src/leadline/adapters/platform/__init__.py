"""Platform API v3.0 (seed 004)."""

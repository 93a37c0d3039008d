"""Softphone CRM (seed 002): TelefUM's /rest XML API."""

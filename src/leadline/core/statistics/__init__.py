"""Figures computed from what the store holds."""

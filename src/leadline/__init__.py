"""Leadline: one domain core speaking five phone-lead interfaces."""

__version__ = "0.1.0"

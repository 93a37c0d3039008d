"""The ``leadline`` command."""

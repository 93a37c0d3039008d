"""Dialler lead API (seed 001): /lead/add and /lead/cancel."""

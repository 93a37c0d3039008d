"""Leads submitted one at a time by suppliers and web forms: lead types (how a supplier's
code routes to a campaign and list) and the add/cancel rules."""

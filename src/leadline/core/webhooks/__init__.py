"""Signed outbound webhooks: subscriptions, the event outbox and its delivery."""

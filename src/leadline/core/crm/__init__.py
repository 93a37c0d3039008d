"""The CRM side of the softphone and the console: records made on an agent's request,
their events, and the card that shows everything the store holds about one record."""

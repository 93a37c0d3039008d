"""What every HTTP interface shares: body limits, client IPs, rate limits, the error shape
registry and access to the store. Adapters import this; it imports no adapter."""

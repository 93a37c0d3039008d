"""One package per partner interface; each owns its wire format and its error shape."""

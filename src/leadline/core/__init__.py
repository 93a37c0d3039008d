"""The domain: rules that hold whichever interface a request came through.

It knows no HTTP, no XML and no partner's field names; adapters translate to and from it.
"""

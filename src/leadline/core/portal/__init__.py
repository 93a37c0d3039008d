"""Real-estate portals: the hooks they push to, the agencies and listings they speak of,
and what a pushed lead does (``pushes``)."""

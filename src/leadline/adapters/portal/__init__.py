"""Portal pushes (immobiliare.it / Indomio): ``/portal/{token}/phone`` and ``/contact``."""

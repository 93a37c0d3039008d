"""Portal lead pushes (seed 000): /portal/{token}/phone and /contact."""

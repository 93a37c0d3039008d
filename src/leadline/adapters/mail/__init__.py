"""Agency e-mail: wording the mail outbox's messages (jinja2) and sending them (SMTP)."""

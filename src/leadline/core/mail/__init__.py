"""Agency e-mail notifications: the mail outbox and its delivery."""

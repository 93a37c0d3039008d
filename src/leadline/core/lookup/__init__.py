"""Finding the people, leads and companies behind a phone number."""

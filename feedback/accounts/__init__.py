"""Staff accounts, roles, sign-in and API keys."""

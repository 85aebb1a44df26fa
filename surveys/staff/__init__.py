"""Staff accounts, their roles and API keys."""

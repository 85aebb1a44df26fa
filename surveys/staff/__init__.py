"""Staff accounts, their roles, sessions, passwords (reset links, own changes), the TOTP second
factor with its house rule, and API keys."""

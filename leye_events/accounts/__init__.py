"""Accounts: seekers and staff, sign-up, login, API tokens."""

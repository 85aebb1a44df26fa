"""Invitations and how they reach a customer: eligibility, scheduling, trigger rules firing,
dispatch, bounces and the invitation emails."""

"""Factories for test data, one module per concept; each adds and flushes through the real
services where one exists, and the test commits.

``surveys``: surveys, customers, invitations, referral programmes. ``triggers``: trigger rules and
the events that fire them. ``clock``: a controllable domain clock. ``staff``: staff users who sign
in, and signing in. ``rescue``: answers that open rescue tasks. ``rows``: one committed row of each
kind, to fill any URL rule's parameters. ``responses``: processed history in bulk.
"""

"""The lifecycle's stage names, in the order a customer usually moves through them.

Kernel, not model: the settings check ``STAGE_EVENTS`` against them before any model loads.
"""

STAGES = ("onboarding", "active", "loyal", "advocate", "at_risk", "churned")

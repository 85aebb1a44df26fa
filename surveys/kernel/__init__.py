"""The kernel every package may use: clock, database helpers, errors, tokens, settings,
addresses, stage names, and who acted (``actor.Actor``)."""

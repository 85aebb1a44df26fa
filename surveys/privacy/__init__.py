"""Privacy on request: what Kaiku holds about one person (``holdings``), exported as one JSON
document (``export``) or erased with an audit record (``erasure``), and the retention of
comments by age (``retention``)."""

"""The demo seed: adds and flushes demo data; the CLI commits."""

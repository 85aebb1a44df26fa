"""Survey definitions: surveys and their texts, trigger rules and their filters, score scales."""

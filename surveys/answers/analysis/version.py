"""The version of the analysis method: bump METHOD_VERSION whenever language detection, a
sentiment scorer or a lexicon changes how a comment is tagged. A response records the version
that tagged it (with the theme taxonomy's fingerprint), so re-tagging finds what is stale."""

METHOD_VERSION = "1"


def analysis_version(taxonomy_fingerprint: str) -> str:
    return f"{METHOD_VERSION}+{taxonomy_fingerprint}"

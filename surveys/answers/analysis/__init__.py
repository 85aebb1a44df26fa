"""Text analysis of free-text feedback: language, sentiment and themes.

Pure Python and offline: no Flask, no network, no model downloads. Every function accepts None or
empty text and answers "nothing found" (None, neutral, no themes) rather than raising. Pass the
language when it is known (``detect_language`` once, then reuse it); otherwise each call detects
it again.
"""

from surveys.answers.analysis.language import Detection, detect_language, identify
from surveys.answers.analysis.sentiment import ANALYSED, Sentiment, analyze
from surveys.answers.analysis.themes import THEMES, extract_themes

__all__ = [
    "ANALYSED", "THEMES", "Detection", "Sentiment", "analyze", "detect_language",
    "extract_themes", "identify",
]  # fmt: skip

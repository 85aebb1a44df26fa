"""Swedish sentiment: a lexicon of stems (``sv_sentiment.tsv``) scored clause by clause.

The same method as Finnish (see ``clauses``) with Swedish words: stems matched against the
start of each word (dålig, dåligt, dåliga), intensifying first parts read as intensifiers
("jättebra", "skitdålig", "superenkel"), compounds read by their last part when both parts are
long enough to be words ("kundvänlig" reads as "vänlig"). A Swedish negation usually follows
the verb it negates ("appen fungerar inte") and precedes an adjective ("inte bra"): both are read.
"""

import functools
import re

from surveys.answers.analysis import clauses, stems
from surveys.answers.analysis.result import Sentiment

SV_NEGATIONS = frozenset({
    "inte", "icke", "ej", "inga", "ingen", "inget", "ingenting", "aldrig", "varken", "utan",
    "knappast", "int", "nåt", "inge",
} - {"nåt"})  # fmt: skip
SV_INTENSIFIERS = {
    **dict.fromkeys(
        ("mycket", "väldigt", "jätte", "riktigt", "otroligt", "extremt", "supert", "så", "helt",
         "verkligen", "totalt", "sjukt", "alldeles", "oerhört", "enormt", "grymt", "fruktansvärt",
         "hemskt", "galet", "ofta", "alltid", "ständigt"),
        1.3,
    ),
    **dict.fromkeys(("ganska", "rätt", "relativt", "tämligen", "hyfsat"), 0.9),
    **dict.fromkeys(("lite", "något", "lätt", "aningen", "en aning"), 0.7),
}  # fmt: skip
MIN_COMPOUND_PART = 3
MIN_COMPOUND_STEM = 5
# Intensifying first parts of compounds: "jättebra", "skitdålig", "supersnabb".
SV_INTENSIFYING_PREFIXES = ("jätte", "super", "skit", "kanon", "mega", "sjukt", "as", "svin")
SV_CONTRASTS = {
    "men": 2.0, "dock": 2.0, "ändå": 2.0, "däremot": 2.0, "fast": 1.5, "nu": 1.5,
    "tyvärr": 1.5, "trots": 0.6, "fastän": 0.6, "även": 1.0,
}  # fmt: skip
_DURATION = r"(vecka|veckor|veckan|månad|månader|timme|timmar|evighet|evigheter|lång tid|dagar)"
SV_PATTERNS = tuple(
    (re.compile(pattern), polarity)
    for pattern, polarity in (
        (rf"\btog( \w+){{0,3}} {_DURATION}", -0.5),  # tog över två veckor
        (rf"\bvänta\w*( \w+){{0,4}} {_DURATION}", -0.5),  # väntat i tre veckor
        (rf"\b{_DURATION}( \w+){{0,2}} vänta", -0.5),
        (r"\bhänger sig\b", -0.5),
        (r"\bgått sönder\b", -0.6),
        (r"\b(vill|kräver|begär) (\w+ )?(ha )?(pengarna|mina pengar|pengar) tillbaka", -0.5),
        (r"\baldrig (mer|igen)\b", -0.5),
        (r"\b(säga|säger|sagt|sade) upp\b", -0.4),
        (r"\b(byter|byta|bytt) (\w+ )?(till )?(en )?(konkurrent|annan leverantör)", -0.5),
        (r"\bpris\w* (har )?(höjts|höjdes|ökat|ökade|gått upp|stigit)", -0.4),
        (r"\b(höjt|höjde|höjer) (\w+ )?pris", -0.4),
        (r"\bför (dyr|dyrt|dyra|mycket|långsam|lång|krånglig)", -0.2),
        (r"\b(löste|löst|löstes|fixade|fixat|åtgärdade|lagade)( \w+){0,2} (problem|fel)", 0.6),
        (r"\b(problem|felet|felen)\w*( \w+){0,2} (löst|fixa|åtgärda|lagad)", 0.6),
        (r"\bförväntade mig (mer|bättre)", -0.5),
    )
)
SV_GREETINGS = re.compile(
    r"\b(hej|hejsan|hallå|tjena|tja|god (morgon|dag|kväll|middag)|ha en (bra|trevlig|fin) "
    r"(dag|helg|kväll)|trevlig helg|(med )?vänliga hälsningar|mvh|hälsningar|"
    r"tack på förhand|tack i förväg)\b"
)
SV_CONDITIONAL = re.compile(
    r"skulle|vore|önskar|önskade|önskemål|hoppas|borde|kunde|kunna|kunde ni"
)


def score(text: str) -> Sentiment:
    return clauses.score(text, _swedish())


@functools.lru_cache(maxsize=100_000)
def word_entry(word: str) -> clauses.Entry | None:
    """The lexicon entry of a lower-cased Swedish word: intensified, by stem, compound."""
    lexicon = _swedish_lexicon()
    for prefix in SV_INTENSIFYING_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            entry = stems.stem_entry(word[len(prefix) :], lexicon)
            if entry is not None and entry[0]:
                return clauses.clamp(entry[0] * 1.3), entry[1]
    entry = lexicon.get(word) or stems.stem_entry(word, lexicon)
    if entry is not None:
        return entry
    entry = stems.compound_head_entry(word, lexicon, MIN_COMPOUND_PART, MIN_COMPOUND_STEM)
    if entry is not None:
        return entry
    return None


@functools.cache
def _swedish() -> clauses.Language:
    return clauses.Language(
        lookup=word_entry,
        negations=SV_NEGATIONS,
        clause_negations=frozenset(),
        intensifiers=SV_INTENSIFIERS,
        contrasts=SV_CONTRASTS,
        patterns=SV_PATTERNS,
        greetings=SV_GREETINGS,
        conditional=SV_CONDITIONAL,
        negation_follows_verb=True,
        forward_negations=frozenset({"utan"}),
    )


@functools.cache
def _swedish_lexicon() -> stems.Lexicon:
    return stems.load_lexicon("sv_sentiment.tsv")

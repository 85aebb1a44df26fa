"""Finnish sentiment: a lexicon of stems (``fi_sentiment.tsv``) scored clause by clause.

TextBlob's lexicon is English only, and Finnish inflects heavily (huono, huonoa, huonosti,
huonompi), so the lexicon holds stems matched against the start of each word, on TextBlob's
scale. A word no stem starts matches through its last compound part when both parts are long
enough to be words ("käyttäjäystävällinen" → ystävällinen, "rahanhukkaa" → hukka). The clause
rules (negation by the negative verb over the clause, contrast, questions and wishes, complaint
patterns) are in ``clauses``; this module holds the Finnish words for them, standard and
colloquial ("ei oo ollu", "tosi", "mut", "ku").
"""

import functools
import re

from surveys.answers.analysis import clauses, stems
from surveys.answers.analysis.result import Sentiment

# The negative verb in every person, with the clitics "-kä" (and not) and "-pä", and "älä"
# (don't); "ilman" (without) negates what follows it.
FI_NEGATIONS = frozenset({
    "ei", "en", "et", "emme", "ette", "eivät", "eikä", "enkä", "etkä", "emmekä", "ettekä",
    "eivätkä", "eipä", "enpä", "eikö", "enkö", "älä", "älkää", "ilman", "eikös",
})  # fmt: skip
FI_CLAUSE_NEGATIONS = frozenset({"eikä", "enkä", "etkä", "emmekä", "ettekä", "eivätkä"})
FI_INTENSIFIERS = {
    **dict.fromkeys(
        ("todella", "todellakin", "erittäin", "tosi", "aivan", "hyvin", "niin", "kovin", "liian",
         "täysin", "uskomattoman", "kamalan", "hirveän", "kauhean", "järkyttävän", "super",
         "älyttömän", "sairaan", "helvetin", "äärimmäisen", "ylivoimaisesti", "aina", "kerrassaan",
         "jatkuvasti", "ihan", "mielettömän", "kerta", "totaalisen", "tosissaan"),
        1.3,
    ),
    **dict.fromkeys(("aika", "melko", "varsin", "suht", "suhteellisen", "kohtalaisen"), 0.9),
    **dict.fromkeys(("vähän", "hieman", "hiukan", "hitusen", "lievästi", "jokseenkin"), 0.7),
}  # fmt: skip
# "mutta" (but): what follows is the point; "vaikka" (although): what follows is a concession;
# "nyt" (now) after how things were ("ennen oli hyvä, nyt ...") is the point too.
FI_CONTRASTS = {
    "mutta": 2.0, "mut": 2.0, "muttei": 2.0, "vaan": 2.0, "kuitenkin": 2.0, "silti": 2.0,
    "toisaalta": 1.5, "nyt": 1.5, "paitsi": 1.5, "tosin": 1.2, "vaikka": 0.6, "joskin": 1.2,
}  # fmt: skip
_DURATION = r"(viiko|viikkoa|kuukau|kuukautta|tuntia|tunteja|tunnin|ikuisuu|kauan|pitkään|päivää)"
FI_PATTERNS = tuple(
    (re.compile(pattern), polarity)
    for pattern, polarity in (
        (rf"\bkest(i|ää|änyt|ivät|anut)\b( \w+){{0,4}} {_DURATION}", -0.5),  # kesti kolme viikkoa
        (rf"\bodot\w*( \w+){{0,4}} {_DURATION}", -0.5),  # odotin kaksi viikkoa
        (rf"\b{_DURATION}\w*( \w+){{0,2}} odot", -0.5),  # kolme viikkoa odotin
        (r"\bodotin (parempaa|enemmän)", -0.5),
        (r"\bjou(du|tu)\w*( \w+){0,2} (odot|soitt|jonot|ottamaan yhteyttä|selvittä)", -0.4),
        (r"\bvasta( \w+){0,2} (viiko|kuukau|päivän päästä)", -0.3),
        (r"hin\w* (on )?(taas |jälleen )?(nous|nost|korot)", -0.4),  # (kuukausi)hinta nousi
        (r"\b(nous|nost|korot)\w* (taas |jälleen |taas kerran )?hin", -0.4),  # nostitte hintoja
        (r"\b(haluan|haluaisin|vaadin|haluamme) (\w+ )?(rahat|rahani|rahamme) takaisin", -0.5),
        (r"\b(en|emme) (enää|ikinä|koskaan)\b", -0.4),  # en enää tilaa
        (r"\bjunan vessa", -0.6),  # toimii ku junan vessa
        (r"\bottaa (pannuun|päähän|aivoon)", -0.6),
        (r"\b(vaihdan|vaihdamme|vaihdoin|siirryn) (\w+ )?(kilpailija|muualle|toiseen)", -0.5),
        (r"\bei (mitään|yhtään) (apua|hyötyä|vastausta)", -0.3),
        (r"\b(ratkai|ratkes|korjas|korjaant|hoiti)\w*( \w+){0,2} (ongelm|vika|vian|viat)", 0.6),
        (
            r"\b(ongelm|vika|vian|viat)\w*( \w+){0,2} (ratke|ratkai|korja|hoidett|hoitui|selvis)",
            0.6,
        ),
        (r"\bedelleen(kään)? (\w+ )?(ei|rikki|auki|odot|korjaa)", -0.3),
    )
)
FI_GREETINGS = re.compile(
    r"\b(hyvää|hyvä) (päivää|huomenta|iltaa|iltapäivää|viikonloppua|jatkoa|joulua|kesää|"
    r"uutta vuotta|syksyä|kevättä|päivänjatkoa)\b|\bkiitos (jo )?etukäteen\b|"
    r"\b(ystävällisin |parhain )?terveisin\b|\b(hei|moi|moikka|terve|moro|heippa)\b"
)
FI_CONDITIONAL = re.compile(
    r"olisi\w*|olis|olisko|voisi\w*|haluaisi\w*|toivoisi\w*|pitäisi\w*|tarvitsisi\w*|saisi\w*|"
    r"kaipaisi\w*|tulisi\w*|kannattaisi\w*|jos|toivon|toivottavasti|ehdotan|ehdottaisin|kunpa|"
    r"voitteko|voiko|onko|saako|saisiko|toivoisimme|pitäis|vois|ois"
)

# A first compound part shorter than this is too often a prefix of an unrelated word.
MIN_COMPOUND_PART = 4
# The last compound part must match a stem at least this long ("laatuinen" is not "laatu" + ...).
MIN_COMPOUND_STEM = 5


def score(text: str) -> Sentiment:
    return clauses.score(text, _finnish())


def finnish_polarity(text: str) -> float:
    """The polarity of ``text`` read as Finnish; 0.0 when it holds no sentiment word."""
    return score(text).polarity or 0.0


@functools.lru_cache(maxsize=100_000)
def word_entry(word: str) -> clauses.Entry | None:
    """The lexicon entry of a lower-cased Finnish word: by stem, then compound head."""
    lexicon = _finnish_lexicon()
    entry = lexicon.get(word) or stems.stem_entry(word, lexicon)
    if entry is not None:
        return entry
    if "-" in word:  # "ala-arvoinen" is a stem itself; "hinta-laatu-suhde" reads by its parts
        entry = stems.stem_entry(word.rsplit("-", 1)[1], lexicon)
        if entry is not None:
            return entry
    entry = stems.compound_head_entry(word, lexicon, MIN_COMPOUND_PART, MIN_COMPOUND_STEM)
    if entry is not None:
        return entry
    return None


@functools.cache
def _finnish() -> clauses.Language:
    return clauses.Language(
        lookup=word_entry,
        negations=FI_NEGATIONS,
        clause_negations=FI_CLAUSE_NEGATIONS,
        intensifiers=FI_INTENSIFIERS,
        contrasts=FI_CONTRASTS,
        patterns=FI_PATTERNS,
        greetings=FI_GREETINGS,
        conditional=FI_CONDITIONAL,
        forward_negations=frozenset({"ilman"}),
    )


@functools.cache
def _finnish_lexicon() -> stems.Lexicon:
    return stems.load_lexicon("fi_sentiment.tsv")

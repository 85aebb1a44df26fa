"""Stem lexicons, the form Finnish and Swedish sentiment words are kept in.

A lexicon file holds ``stem<TAB>polarity[<TAB>negated polarity]`` a line (# starts a comment). A
word takes the entry of the longest stem it starts with (inflection: "huono", "huonoa",
"huonosti"), and a compound the entry of its last part ("käyttäjä|ystävällinen", "kund|vänlig").
"""

from importlib import resources

# (polarity, negated polarity or None for minus half of it)
Entry = tuple[float, float | None]
Lexicon = dict[str, Entry]


def load_lexicon(name: str) -> Lexicon:
    """Load a lexicon file: ``stem<TAB>polarity[<TAB>negated polarity]`` a line, # a comment."""
    source = resources.files(__package__).joinpath(name)
    lexicon: Lexicon = {}
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            stem, polarity, *negated = line.split("\t")
            if len(negated) > 1:
                raise ValueError("too many columns")
            lexicon[stem.strip().lower()] = (
                float(polarity),
                float(negated[0]) if negated else None,
            )
        except ValueError as error:
            raise ValueError(f"{name} line {number}: {line!r}") from error
    return lexicon


def stem_entry(word: str, lexicon: Lexicon) -> Entry | None:
    """The entry of the longest lexicon stem ``word`` starts with; None if none."""
    for end in range(len(word), 2, -1):
        entry = lexicon.get(word[:end])
        if entry is not None:
            return entry
    return None


def compound_head_entry(word: str, lexicon: Lexicon, min_part: int, min_stem: int) -> Entry | None:
    """The entry of the last part of a compound ("käyttäjä|ystävällinen", "kund|vänlig").

    Without a dictionary (simplemma's takes seconds to load) a split counts when both parts are
    long enough to be words of their own: a first part of ``min_part`` letters and a lexicon
    stem of ``min_stem``.
    """
    for split in range(min_part, len(word) - min_stem + 1):
        head = word[split:]
        for end in range(len(head), min_stem - 1, -1):
            entry = lexicon.get(head[:end])
            if entry is not None:
                return entry
    return None

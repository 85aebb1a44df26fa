"""Key terms of a set of comments that no theme covers: discovery's candidates for new themes.

The method is a small chunker over lemmas, with no new dependency and nothing to download: a
comment's words are lemmatised as the theme matcher does (``themes.tokens``/``base_form``),
stopwords and opinion words cut them into runs of content words, and every content lemma and
every pair of consecutive ones (a noun phrase approximated: "dark mode", "laskun eräpäivä") is
counted once per comment. Candidates are those in at least ``min_count`` comments that the
taxonomy does not already match, the pair preferred over its single words when it is nearly as
frequent. Using the matcher's own lemmas means an accepted term matches what was counted.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from surveys.answers.analysis.themes import Taxonomy, base_form, extract_themes, tokens

# Function words and feedback's own vocabulary (opinions, greetings, intensifiers), which say
# how a customer feels, not what about. Lemmas, as base_form gives them.
STOPWORDS = {
    "en": frozenset(
        """
        a about above after again against all almost also always am an and any anyone anything
        are aren't as at be because been before being below between both but by can can't
        cannot could couldn't did didn't do does doesn't doing don't down during each else even
        ever every few for from further get give go going gonna got had hadn't has hasn't have
        haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in
        into is isn't it it's its itself just keep know let like lot make many may me might
        more most much must my myself need never no nor not now of off often on once one only
        or other our ours ourselves out over own please quite rather really same say see she
        should shouldn't since so some something still such than thank thanks that that's the
        their theirs them themselves then there these they thing things think this those
        though through time to too try under until up us use used using very want was wasn't
        way we well were weren't what when where which while who why will with without won't
        would wouldn't yes yet you your yours yourself yourselves
        good great bad awesome amazing terrible awful nice love hate happy unhappy excellent
        poor best worst ok okay fine perfect horrible wonderful fantastic disappointed
        disappointing annoying hello hi hey dear regards cheers team guys lol wow day week
        month year today yesterday again new old first last next
        buy bought take took make made come came find found look seem feel felt put tell
        told ask asked call called leave left start started bit lot little overall proper
        miss everything nothing someone nobody sometimes usually already maybe probably
        actually honestly literally enough far experience product company
    """.split()
    ),
    "fi": frozenset(
        """
        ja tai mutta vaan vain kun jos että koska niin kuin myös sekä eli eikä ei en et emme
        ette eivät olla on oli ollut ovat olen olet olemme olette oo ollu ole se ne tämä tuo
        nämä nuo joka mikä kuka mitä miksi miten missä milloin minä sinä hän me te he mä sä
        mun sun meidän teidän heidän minun sinun itse kaikki jokin joku mitään mikään kukaan
        paljon vähän liian tosi ihan aivan todella erittäin hyvin hieman melko aika vielä jo
        taas aina koskaan nyt sitten heti juuri edes kyllä joo no niin saada tulla mennä
        tehdä voida pitää haluta käyttää sanoa tietää
        hyvä huono kiva kiitos kiittää kiitokset loistava upea surkea paras huonoin ok okei
        jees moi hei terve tervehdys päivä viikko kuukausi vuosi tänään eilen uusi vanha
        kertaa kerta asia juttu erinomainen hieno mahtava ihana kamala täydellinen kokemus
        tuote yritys
    """.split()
    ),
    "sv": frozenset(
        """
        och eller men att som om när för med på i av till från är var har hade inte ingen
        inget jag du han hon vi ni de den det detta denna dessa min din vår er sin mycket lite
        bara också så nu då redan alltid aldrig kan kunna ska skulle vill måste göra få bli
        vara ha bra dålig tack hej kul toppen sämst bäst dag vecka månad år
    """.split()
    ),
}
MIN_LETTERS = 3


@dataclass
class KeyTerm:
    """A candidate: the term (lemmas joined by spaces), in how many comments, a few of them."""

    term: str
    count: int
    examples: list[str] = field(default_factory=list)


def key_terms(
    comments: Iterable[str],
    language: str,
    taxonomy: Taxonomy,
    *,
    skip: Iterable[str] = (),
    min_count: int = 3,
    limit: int = 20,
    examples: int = 3,
) -> list[KeyTerm]:
    """The most frequent terms of ``comments`` (all in ``language``) that ``taxonomy`` does not
    match and ``skip`` (dismissed terms) does not hold, most frequent first."""
    stop = STOPWORDS.get(language, frozenset())
    counts: Counter[str] = Counter()
    seen_in: dict[str, list[str]] = {}
    for comment in comments:
        found = set()
        for run in _runs(comment, language, stop):
            found.update(run)
            found.update(f"{a} {b}" for a, b in zip(run, run[1:], strict=False))
        for term in found:
            counts[term] += 1
            shown = seen_in.setdefault(term, [])
            if len(shown) < examples and comment not in shown:
                shown.append(comment)
    skipped = set(skip)
    chosen: list[KeyTerm] = []
    covered_words: set[str] = set()
    for term, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count < min_count or len(chosen) >= limit:
            break
        if term in skipped or extract_themes(term, language, taxonomy):
            continue
        if " " not in term and term in covered_words:
            continue  # its pair is offered already
        if " " in term:
            covered_words.update(term.split())
        chosen.append(KeyTerm(term, count, seen_in[term]))
    # A single word offered before its pair turned up: drop it when the pair is nearly as common.
    pairs = {t.term: t.count for t in chosen if " " in t.term}
    return [
        t for t in chosen
        if " " in t.term
        or not any(t.term in p.split() and n * 3 >= t.count * 2 for p, n in pairs.items())
    ]  # fmt: skip


def _runs(comment: str, language: str, stop: frozenset[str]) -> list[list[str]]:
    """Runs of consecutive content lemmas; a stopword or a short word ends a run."""
    runs: list[list[str]] = [[]]
    for word in tokens(comment, language):
        base = base_form(word, language)
        if len(word) < MIN_LETTERS or word in stop or base in stop or not word.isalpha():
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(base.lower())  # simplemma capitalises names ("Sarah")
    return [run for run in runs if run]

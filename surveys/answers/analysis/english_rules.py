"""The rules that score one English clause: what TextBlob and VADER lack for customer feedback.

- Negation reaches to the end of the clause (or "and", "because"...), not just the next word:
  a negated praise word turns clearly negative ("not great"), a negated complaint only mildly
  positive ("not bad", "no problems"); a thing that should happen and does not ("doesn't work",
  "never answers", "would not recommend", "still not fixed") is a complaint on its own.
- Intensifiers and diminishers (VADER's booster words and a few more) scale the next opinion word,
  inverted under negation ("not very good" is milder than "not good"); "too" marks excess.
- Complaints with no opinion word: "keeps crashing", "stopped working", a wait counted in days
  or weeks; praise in a hypothetical ("could be faster", "would be nice") or a question is not
  praise; "used to be good" is a complaint; "nice paperweight" is sarcasm.
- Emoji and emoticons score in the clause they end.
"""

import functools

EMOJI = {
    "😡": -0.8, "🤬": -0.9, "😠": -0.7, "😤": -0.6, "🙁": -0.5, "☹": -0.5, "😞": -0.6,
    "😟": -0.4, "😢": -0.6, "😭": -0.6, "😩": -0.6, "😫": -0.6, "😒": -0.4, "🙄": -0.4,
    "😕": -0.3, "🤦": -0.5, "🤮": -0.8, "💩": -0.7, "👎": -0.7, "💔": -0.6, "😑": -0.2,
    "👍": 0.6, "👌": 0.6, "🙌": 0.6, "👏": 0.6, "❤": 0.8, "💕": 0.8, "💖": 0.8, "😍": 0.8,
    "🥰": 0.8, "🤩": 0.8, "😊": 0.6, "🙂": 0.4, "😀": 0.6, "😃": 0.6, "😄": 0.6, "😁": 0.6,
    "😎": 0.5, "⭐": 0.4, "🌟": 0.5, "🎉": 0.6, "💯": 0.6, "🔥": 0.5, "😂": 0.3, "🤣": 0.3,
    "🙏": 0.4, "💪": 0.5, "✅": 0.3, "😉": 0.3, "🥳": 0.7,
    ":)": 0.5, ":-)": 0.5, ":]": 0.5, "=)": 0.5, ":d": 0.7, ":-d": 0.7, ";)": 0.4, ";-)": 0.4,
    ":p": 0.3, "<3": 0.7, ":(": -0.5, ":-(": -0.5, "=(": -0.5, ":'(": -0.6, ":/": -0.3,
    ":-/": -0.3, "</3": -0.5,
}  # fmt: skip

# Said of what a product or a company should do: not doing it is a complaint, whatever the
# word's own polarity ("doesn't work", "never answered", "wouldn't recommend", "didn't arrive").
EXPECTED = frozenset(
    "work works worked working recommend recommended answer answers answered respond responds "
    "responded responding reply replies replied arrive arrives arrived load loads loaded loading "
    "open opens opened help helped helps fix fixed solve solved resolve resolved sync syncs "
    "synced connect connects connected start starts started pair pairs paired receive received "
    "deliver delivered refund refunded hold holds last lasts lasted fit fits install installed "
    "show showed shows come came call called log login update updated buy sleep slept worth "
    "understand understood understands fixing solving resolving helping answering replying".split()
)
NEGATED_EXPECTED = -0.6
STRENGTH = 1.25
NEGATED_PRAISE, NEGATED_COMPLAINT = -0.65, -0.4
SCOPE_END = frozenset("and because so which when if after before until while".split())
EXTRA_NEGATORS = frozenset("no zero nobody neither hardly barely lack lacks lacking".split())
EXTRA_BOOSTERS = {"super": 0.293, "way": 0.293, "such": 0.2, "pretty": 0.15, "fairly": -0.15,
                  "mostly": -0.15, "bit": -0.293, "tad": -0.293, "bloody": 0.293,
                  "absolute": 0.293}  # fmt: skip
LIKE_SUBJECTS = frozenset("i we they you really also do did does still definitely kids".split())
KEEP = frozenset("keep keeps kept keeping".split())
STOP = frozenset("stop stops stopped stopping".split())
MODALS = frozenset("could should would might".split())
WAIT = frozenset(
    "wait waited waiting waits open opened pending took taken takes delayed late".split()
)
DURATION = frozenset("hour hours day days week weeks month months ages forever".split())
SARCASM_TARGETS = frozenset("paperweight paperweights doorstop doorstops brick".split())
# A clause of stock praise after a complaint is sarcasm ("Can't even log in. Great job guys.").
STOCK = frozenset(
    "great good nice well done job brilliant perfect awesome fantastic wonderful bravo lovely "
    "thanks thank you a lot guys team oh just so much wow very again one really folks".split()
)
PRAISE = frozenset(
    "great good nice well brilliant perfect awesome fantastic wonderful bravo lot".split()
)
# Amplify the clause: both ways for "at all", complaints only for the rest ("still", "again").
EITHER_WAY = frozenset({"whatsoever"})
COMPLAINT_AMPLIFIERS = frozenset({"still", "again", "constantly", "anymore"})
AMPLIFIER_PHRASES = ("at all", "every time", "all the time", "every single")


@functools.cache
def grammar() -> tuple[frozenset, dict]:
    """VADER's negation words (but not "despite", a concession) and booster words, plus ours."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE

    negators = (frozenset(NEGATE) - {"despite"}) | EXTRA_NEGATORS
    boosters = {w: b for w, b in BOOSTER_DICT.items() if " " not in w} | EXTRA_BOOSTERS
    return negators, boosters


def clause_polarity(
    words: list[str], lexicon: dict, starts: dict, question: bool, exclaimed: bool,
    earlier: list[float | None],
) -> float | None:  # fmt: skip
    """The polarity of one clause, or None when it holds no opinion."""
    negators, boosters = grammar()
    scores: list[float] = []
    negated = used_to = hypothetical = keep = sarcastic = False
    multiplier, since_booster, extra = 1.0, 0, 0.0
    amplify_any = amplify_complaint = has_wait = has_duration = still = lacking = False
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        value = None
        step = 1
        if word[0] == "\x00":
            scores.append(EMOJI.get(word[1:], 0.0) or 0.0)
            i += 1
            continue
        longest = starts.get(word, 0)
        for length in range(min(longest, n - i), 1, -1):
            phrase = " ".join(words[i : i + length])
            if phrase in lexicon:
                value, step = lexicon[phrase], length
                break
            if phrase in AMPLIFIER_PHRASES:
                amplify_any |= phrase == "at all"
                amplify_complaint |= phrase != "at all"
                value, step = 0.0, length
                break
        nxt = words[i + 1] if i + 1 < n else ""
        if value is None:
            if word in negators or word.endswith("n't"):
                if not (word == "not" and nxt == "only"):
                    negated = lacking = True
                i += 1
                continue
            if word in SCOPE_END:
                negated = False
            if word in boosters and not (word == "little" and (i == 0 or words[i - 1] != "a")):
                multiplier *= 1 + boosters[word]
                since_booster = 0
                i += 1
                continue
            if word == "too" and nxt and nxt[0] != "\x00":
                following = lexicon.get(nxt, 0.0)
                value = following * 1.3 if following < 0 else following or -0.35
                step = 2
            elif word == "like":
                value = (
                    0.4
                    if i and (words[i - 1] in LIKE_SUBJECTS or words[i - 1] in negators)
                    else 0.0
                )
            elif word == "used" and nxt == "to":
                used_to, step, value = True, 2, 0.0
            elif word in MODALS and nxt == "be" or word == "wish":
                hypothetical = True
            elif word in KEEP and nxt.endswith("ing") and len(nxt) > 4:
                keep = True
                multiplier *= 1.3
                since_booster = 0
                i += 1
                continue
            elif word in STOP and nxt.endswith("ing") and len(nxt) > 4:
                following = lexicon.get(nxt, 0.0)
                value = 0.3 if following < 0 else -0.6
                step = 2
            elif word in SARCASM_TARGETS:
                sarcastic = True
            elif word == "until":  # "it worked fine until the update"
                scores = [-0.5 * s if s > 0 else s for s in scores]
            still |= word == "still"
            has_wait |= word in WAIT
            has_duration |= word in DURATION
            amplify_any |= word in EITHER_WAY
            amplify_complaint |= word in COMPLAINT_AMPLIFIERS
            if value is None:
                value = lexicon.get(word, 0.0)
            if negated and word in EXPECTED:
                scores.append(NEGATED_EXPECTED)
                negated = False
                i += step
                continue
        if value:
            value = _modified(value, multiplier, negated, hypothetical, used_to, question, word)
            scores.append(value)
            multiplier, since_booster = 1.0, 0
        else:
            since_booster += 1
            if since_booster > 2:
                multiplier = 1.0
        i += step
    if sarcastic:
        scores = [s for s in scores if s < 0] + [-0.7]
    if has_wait and has_duration:
        extra -= 0.5
    if still and lacking and not any(s < 0 for s in scores):  # "still not available"
        extra -= 0.4
    if lacking and amplify_any and not scores:  # "no flavour whatsoever"
        extra -= 0.4
    if keep and not any(s > 0 for s in scores):
        extra -= 0.4
    if extra:
        scores.append(extra)
    if not scores:
        return None
    # The mean of the opinion words (TextBlob's way), more for more of them, then stretched so
    # that a plain complaint ("The zipper got stuck") reaches the -0.5 of a rescue task while a
    # mild one ("a bit slow") stays near -0.2.
    polarity = sum(scores) / len(scores) * (1 + 0.15 * min(len(scores) - 1, 3)) * STRENGTH
    if amplify_any or (amplify_complaint and polarity < 0):
        polarity *= 1.25
    if exclaimed:
        polarity *= 1.2
    if stock_praise(words) and polarity > 0 and any(p is not None and p < -0.1 for p in earlier):
        if not any(p is not None and p > 0.1 for p in earlier):
            polarity = -0.8 * polarity
    return max(-1.0, min(polarity, 1.0))


def _modified(value, multiplier, negated, hypothetical, used_to, question, word) -> float:
    if negated:
        value *= (NEGATED_PRAISE if value > 0 else NEGATED_COMPLAINT) / multiplier
    else:
        value *= multiplier
    if value > 0:
        if hypothetical:  # "could be faster": a wish, so a mild complaint; "would be nice": none
            value = -0.4 * value if word.endswith("er") else 0.0
        elif used_to:  # "it used to be good" (and no longer is)
            value = -0.5 * value
        elif question:  # "Can you make it better?" is not praise
            value = 0.0
    elif question:
        value *= 0.8
    return max(-1.0, min(value, 1.0))


def stock_praise(words: list[str]) -> bool:
    return len(words) <= 5 and all(w in STOCK for w in words) and any(w in PRAISE for w in words)

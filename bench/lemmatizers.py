"""Finnish lemmatizers measured for Kaiku: simplemma (in use) against Voikko, when installed.

Prints, for each analyser available, lemma accuracy on ``bench/data/lemmas_fi.tsv`` (inflected
feedback words, compounds and colloquial forms, with their dictionary form), accuracy on the
compounds alone, and words per second. Voikko needs Debian's ``libvoikko1`` and ``voikko-fi``
and PyPI's ``libvoikko``; Kaiku does not depend on them (README, "Finnish and Swedish"), so
without them this prints "Voikko not installed" and measures simplemma alone.

    .venv/bin/python -m bench.lemmatizers
"""

import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "lemmas_fi.tsv"


def load(path: Path = DATA) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, lemma = line.split("\t")
            rows.append((word, lemma))
    return rows


def simplemma_lemmatizer():
    import simplemma

    return lambda word: simplemma.lemmatize(word, lang="fi")


def voikko_lemmatizer():
    """Voikko's base form (its first analysis), or None when Voikko is not installed."""
    try:
        from libvoikko import Voikko

        voikko = Voikko("fi")
    except (ImportError, OSError):
        return None

    def lemmatize(word: str) -> str:
        analyses = voikko.analyze(word)
        return analyses[0].get("BASEFORM", word) if analyses else word

    return lemmatize


def measure(name: str, lemmatize, rows: list[tuple[str, str]]) -> None:
    right = sum(lemmatize(word) == lemma for word, lemma in rows)
    compounds = [(w, lemma) for w, lemma in rows if _is_compound(lemma)]
    right_compounds = sum(lemmatize(word) == lemma for word, lemma in compounds)
    words = [word for word, _ in rows]
    started, count = time.perf_counter(), 0
    while time.perf_counter() - started < 1.0:
        for word in words:
            lemmatize(word)
            count += 1
    rate = count / (time.perf_counter() - started)
    print(
        f"{name:<10} accuracy {right / len(rows):.0%} ({right}/{len(rows)}), "
        f"compounds {right_compounds}/{len(compounds)}, {rate:,.0f} words/s"
    )


def _is_compound(lemma: str) -> bool:
    return lemma in COMPOUNDS


COMPOUNDS = frozenset({
    "kuukausihinta", "puhelintuki", "asiakaspalvelu", "asiakaspalvelija", "lisäominaisuus",
    "toimitusaika", "käyttöliittymä", "salasana", "tukipyyntö", "sähköposti",
    "palveluntarjoaja", "henkilökunta", "käyttäjäystävällinen", "huonolaatuinen",
})  # fmt: skip


def main() -> None:
    rows = load()
    measure("simplemma", simplemma_lemmatizer(), rows)
    voikko = voikko_lemmatizer()
    if voikko is None:
        print("Voikko not installed (apt-get install libvoikko1 voikko-fi; pip install libvoikko)")
    else:
        measure("Voikko", voikko, rows)


if __name__ == "__main__":
    main()

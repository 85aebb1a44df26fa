"""Analysis speed: comments per second through the whole analysis of one comment (language
identification, sentiment, themes against the taxonomy), per language, in one process.

The comments are put together from clauses of customer feedback (bench/corpus.py-like), with
order numbers and names varied, so no two are alike and per-text caches do not flatter the figure.

Run: .venv/bin/python -m bench.analysis_speed [--comments 20000]
Prints figures; asserts nothing.
"""

import argparse
import random
import time

from surveys.answers.analysis.themes import DEFAULT_TAXONOMY
from surveys.answers.processing import tag_comment

CLAUSES = {
    "en": (
        "Support never answered my emails",
        "the invoice was wrong twice",
        "the app is slow and crashes when I upload photos",
        "great product, the onboarding was easy",
        "pricing is too expensive for what we get",
        "fast delivery and friendly customer service",
        "the reports are confusing",
        "love the new dashboard, it saves me an hour every week",
        "would not recommend",
        "my ticket has been open for two weeks",
        "please add a dark mode",
        "the login page keeps logging me out",
        "thanks for nothing",
        "works nicely on my phone",
        "the documentation is outdated",
    ),
    "fi": (
        "Palvelu oli todella hidas",
        "asiakastuki ei vastannut viikkoon",
        "erittäin hyvä tuote ja helppo käyttää",
        "nopea toimitus",
        "hinta on liian kallis",
        "sovellus kaatuu jatkuvasti",
        "ystävällinen asiakaspalvelu ja selkeät ohjeet",
        "lasku oli väärin kahdesti",
        "yhteys katkeilee jatkuvasti",
        "en saanut vastausta tukipyyntööni ollenkaan",
        "tosi hyvä sovellus mutta hinta nousi liikaa",
        "toivoisin tummaa teemaa",
        "kirjautuminen ei onnistu puhelimella",
        "ihan ok, ei oo ollu ongelmia",
        "tuote hajosi kahden viikon käytön jälkeen",
    ),
}
NAMES = ("Anna", "Mikko", "Sara", "Jussi", "Emma", "Tom", "Liisa", "Olli")


def comments(language: str, n: int, seed: int = 11) -> list[str]:
    """``n`` different comments of one to three clauses, some with an order number or a name."""
    rng = random.Random(seed)
    clauses = CLAUSES[language]
    joiners = {"en": (". ", ", and ", " but "), "fi": (". ", " ja ", " mutta ")}[language]
    out = []
    for _ in range(n):
        parts = rng.sample(clauses, rng.randint(1, 3))
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(joiners) + part
        if rng.random() < 0.3:
            text += f" (#{rng.randint(10_000, 99_999)})"
        if rng.random() < 0.2:
            text = f"{rng.choice(NAMES)}: {text}"
        out.append(text[0].upper() + text[1:] + rng.choice((".", "!", "", "?")))
    return out


def measure(language: str, texts: list[str]) -> float:
    locale = language
    tag_comment(texts[0], locale, DEFAULT_TAXONOMY)  # loads the models and lexicons
    start = time.perf_counter()
    for text in texts:
        tag_comment(text, locale, DEFAULT_TAXONOMY)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=20_000)
    args = parser.parse_args()
    for language in CLAUSES:
        texts = comments(language, args.comments)
        rate = measure(language, texts)
        print(
            f"{language}: {rate:,.0f} comments/s (identify + sentiment + themes, "
            f"{len(texts)} different comments, one process)"
        )


if __name__ == "__main__":
    main()

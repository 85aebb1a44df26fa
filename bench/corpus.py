"""Realistic feedback for the benchmarks: scores and comments in English and Finnish."""

import random

COMMENTS = [
    "Support never answered my emails and the invoice was wrong twice. Very disappointed.",
    "The app is slow and crashes when I upload photos, please fix it.",
    "Great product, the onboarding was easy and the team is really helpful!",
    "Pricing is too expensive for what we get compared to competitors.",
    "Works nicely, fast delivery and friendly customer service.",
    "It's okay, does the job but the reports are confusing.",
    "Absolutely awful experience, nobody cared about my problem.",
    "Love the new dashboard, it saves me an hour every week.",
    "Palvelu oli todella hidas ja asiakastuki ei vastannut viikkoon.",
    "Erittäin hyvä tuote, helppo käyttää ja nopea toimitus!",
    "Hinta on liian kallis, muuten ihan toimiva palvelu.",
    "Sovellus kaatuu jatkuvasti, olen pettynyt.",
    "Ystävällinen asiakaspalvelu ja selkeät ohjeet, kiitos!",
    "",
]


def answers(n: int, seed: int = 7) -> list[tuple[int, str | None]]:
    """``n`` (score, comment) pairs: about 30 % detractors, 20 % passives, 50 % promoters."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        roll = rng.random()
        score = (
            rng.randint(0, 6)
            if roll < 0.3
            else rng.randint(7, 8)
            if roll < 0.5
            else rng.randint(9, 10)
        )
        out.append((score, rng.choice(COMMENTS) or None))
    return out

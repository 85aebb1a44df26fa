"""Sentiment benchmark: how Kaiku's labels agree with people's, per language, and how fast.

For each language with a data file (``bench/data/sentiment_{en,fi,sv}.tsv``: ``label<TAB>mixed<TAB>
text``) it prints n, accuracy, weighted and macro F1, per-class precision/recall and the 3x3
confusion matrix at the label thresholds (±0.1) and at ±0.05 (the three classes the issue measures
with), the share of mixed items recognised as mixed, and the share of clearly negative items
(negative, not mixed) that reach -0.5, where a passive's answer opens a rescue task. For English
also bare TextBlob and bare VADER as baselines. Figures are given for the whole set and for its
held-out third (every third item), which the rules were not tuned on. Then comments per second.

Run: .venv/bin/python -m bench.sentiment [--languages en,fi,sv] [--seconds 2]
Prints figures; asserts nothing. Plain Python: no database, no Redis.
"""

import argparse
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CLASSES = ("positive", "neutral", "negative")
RESCUE_POLARITY = -0.5


def load(language: str) -> list[tuple[str, bool, str]]:
    """The labelled items of ``language``: (label, mixed, text); [] when it has no data file."""
    path = DATA / f"sentiment_{language}.tsv"
    if not path.exists():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, mixed, text = line.split("\t", 2)
        if label not in CLASSES or mixed not in ("0", "1"):
            raise ValueError(f"{path.name}: bad line {line!r}")
        items.append((label, mixed == "1", text))
    return items


def label_at(polarity: float, threshold: float) -> str:
    if polarity >= threshold:
        return "positive"
    if polarity <= -threshold:
        return "negative"
    return "neutral"


def metrics(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy, per-class precision/recall/F1, weighted and macro F1, confusion[gold][pred]."""
    confusion = {g: {p: 0 for p in CLASSES} for g in CLASSES}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    per_class = {}
    for c in CLASSES:
        tp = confusion[c][c]
        predicted_c = sum(confusion[g][c] for g in CLASSES)
        support = sum(confusion[c].values())
        precision = tp / predicted_c if predicted_c else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = (precision, recall, f1, support)
    n = len(gold)
    return {
        "n": n,
        "accuracy": sum(confusion[c][c] for c in CLASSES) / n if n else 0.0,
        "weighted_f1": sum(f1 * s for _, _, f1, s in per_class.values()) / n if n else 0.0,
        "macro_f1": sum(f1 for _, _, f1, _ in per_class.values()) / len(CLASSES),
        "per_class": per_class,
        "confusion": confusion,
    }


def print_metrics(title: str, m: dict, detail: bool = True) -> None:
    print(
        f"  {title}: n={m['n']} accuracy {m['accuracy']:.3f}  weighted F1 {m['weighted_f1']:.3f}"
        f"  macro F1 {m['macro_f1']:.3f}"
    )
    if not detail:
        return
    for c, (precision, recall, f1, support) in m["per_class"].items():
        print(f"    {c:<8}  P {precision:.2f}  R {recall:.2f}  F1 {f1:.2f}  (n={support})")
    print(
        "    confusion (rows: people, columns: scorer)" + "  ".join(f"{c[:3]:>4}" for c in CLASSES)
    )
    for g in CLASSES:
        row = "  ".join(f"{m['confusion'][g][p]:>4}" for p in CLASSES)
        print(f"      {g:<38}{row}")


def scorers(language: str) -> dict:
    """name -> function(text) -> (polarity, mixed) for ``language``: Kaiku's, and baselines."""
    from surveys.answers.analysis.sentiment import analyze

    def kaiku(text):
        s = analyze(text, language)
        return s.polarity, s.mixed

    found = {"Kaiku": kaiku}
    if language == "en":
        from textblob.sentiments import PatternAnalyzer
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        textblob, vader = PatternAnalyzer(), SentimentIntensityAnalyzer()
        found["TextBlob (bare)"] = lambda text: (textblob.analyze(text).polarity, False)
        found["VADER (bare)"] = lambda text: (vader.polarity_scores(text)["compound"], False)
    return found


def report(language: str, items: list[tuple[str, bool, str]]) -> None:
    print(f"\n== {language}: {len(items)} labelled comments ==")
    for name, score in scorers(language).items():
        results = [score(text) for _, _, text in items]
        print(f"{name}")
        for split, keep in (
            ("whole set", lambda i: True),
            ("held-out third", lambda i: i % 3 == 2),
        ):
            chosen = [i for i in range(len(items)) if keep(i)]
            gold = [items[i][0] for i in chosen]
            for threshold in (0.1, 0.05):
                predicted = [label_at(results[i][0], threshold) for i in chosen]
                detail = name == "Kaiku" or (split == "whole set" and threshold == 0.05)
                print_metrics(f"{split}, ±{threshold}", metrics(gold, predicted), detail)
        mixed = [r[1] for (_, m, _), r in zip(items, results, strict=True) if m]
        if name == "Kaiku" and mixed:
            print(f"  mixed items recognised as mixed: {sum(mixed)}/{len(mixed)}")
        negative = [
            r[0] for (g, m, _), r in zip(items, results, strict=True) if g == "negative" and not m
        ]
        others = [r[0] for (g, _, _), r in zip(items, results, strict=True) if g != "negative"]
        if negative:
            reach = sum(p <= RESCUE_POLARITY for p in negative) / len(negative)
            false = sum(p <= RESCUE_POLARITY for p in others) / max(len(others), 1)
            print(
                f"  clearly negative reaching <= {RESCUE_POLARITY}: {reach:.0%} of {len(negative)}"
                f"  (other items there: {false:.0%} of {len(others)})"
            )


def comments_per_second(function, texts: list[str], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            function(text)
        done += len(texts)
    return done / (time.perf_counter() - start)


def speed(texts: list[str], seconds: float) -> None:
    from surveys.answers.analysis import analyze, detect_language, extract_themes
    from surveys.answers.analysis.english import score

    def whole(text):
        language = detect_language(text)
        analyze(text, language)
        extract_themes(text, language)

    for text in texts:  # load the lexicons and dictionaries before the clock starts
        whole(text)
    print(f"\nEnglish sentiment: {comments_per_second(score, texts, seconds):,.0f} comments/s")
    rate = comments_per_second(whole, texts, seconds)
    print(f"Whole analysis (language + sentiment + themes), English: {rate:,.0f} comments/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default="en,fi,sv")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    for language in args.languages.split(","):
        items = load(language)
        if items:
            report(language, items)
    english = load("en")
    if english:
        speed([text for _, _, text in english], args.seconds)


if __name__ == "__main__":
    main()

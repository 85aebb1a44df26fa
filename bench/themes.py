"""Themes against people: micro precision, recall and F1 per language and per theme, and speed.

Reads ``bench/data/themes_<lang>.tsv`` (``themes<TAB>text``; themes comma-separated or ``-``;
lines after ``# split: test`` are the test split) and tags each text with the default taxonomy
in its labelled language, as the pipeline does once the language is known.

    .venv/bin/python -m bench.themes            # every language, whole set and each split
    .venv/bin/python -m bench.themes --misses   # also list every wrong comment

Speed is the matcher alone, on the whole set repeated (after one warm pass, as a worker's
word cache is warm), in comments per second of one process.
"""

import argparse
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from surveys.answers.analysis.themes import DEFAULT_TAXONOMY, extract_themes

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "fi")


@dataclass(frozen=True)
class Example:
    expected: frozenset[str]
    text: str
    split: str


def read_set(language: str) -> list[Example]:
    examples = []
    split = "dev"
    for line in (DATA / f"themes_{language}.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("# split:"):
            split = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#"):
            continue
        themes, text = line.split("\t", 1)
        expected = frozenset() if themes == "-" else frozenset(themes.split(","))
        examples.append(Example(expected, text, split))
    return examples


def scores(examples: list[Example], language: str) -> tuple[Counter, Counter, Counter, list]:
    """True positives, false positives, false negatives per theme; the wrong examples."""
    tp, fp, fn = Counter(), Counter(), Counter()
    wrong = []
    for example in examples:
        found = set(extract_themes(example.text, language))
        for theme in found & example.expected:
            tp[theme] += 1
        for theme in found - example.expected:
            fp[theme] += 1
        for theme in example.expected - found:
            fn[theme] += 1
        if found != example.expected:
            wrong.append((example, sorted(found)))
    return tp, fp, fn, wrong


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def speed(examples: list[Example], language: str, seconds: float = 1.0) -> float:
    texts = [e.text for e in examples]
    for text in texts:
        extract_themes(text, language)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            extract_themes(text, language)
        done += len(texts)
    return done / (time.perf_counter() - start)


def report(language: str, show_misses: bool) -> None:
    examples = read_set(language)
    print(f"\n== {language}: {len(examples)} comments (taxonomy {DEFAULT_TAXONOMY.fingerprint})")
    for split in ("all", "dev", "test"):
        part = [e for e in examples if split == "all" or e.split == split]
        tp, fp, fn, _ = scores(part, language)
        p, r, f = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
        print(f"  {split:>4} ({len(part):3}): precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    tp, fp, fn, wrong = scores(examples, language)
    print(f"  {'theme':<18} {'n':>3} {'P':>6} {'R':>6} {'F1':>6}")
    for theme in DEFAULT_TAXONOMY.keys:
        p, r, f = prf(tp[theme], fp[theme], fn[theme])
        print(f"  {theme:<18} {tp[theme] + fn[theme]:>3} {p:6.2f} {r:6.2f} {f:6.2f}")
    print(f"  matcher speed: {speed(examples, language):,.0f} comments/s")
    if show_misses:
        for example, found in wrong:
            expected = ",".join(sorted(example.expected)) or "-"
            print(f"    [{example.split}] want {expected:<28} got {','.join(found) or '-':<28}"
                  f" {example.text}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong comment")
    args = parser.parse_args()
    for language in LANGUAGES:
        report(language, args.misses)


if __name__ == "__main__":
    main()

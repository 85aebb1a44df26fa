"""How well language detection holds on feedback comments: accuracy per language, the confusion.

Reads ``bench/data/languages.tsv`` (``lang<TAB>text``: English, Finnish and Swedish comments,
short and long, and Estonian, German, Norwegian, Danish and Dutch ones that must not be taken
for them) and prints, per true language, how often ``identify`` names it confidently, how often
it is unsure (the caller then falls back to the customer's locale), and what else it says;
then the speed of detection, and of detection plus sentiment for Finnish and Swedish.
A comment is "right" when identified as its language, or, for a distractor, when it is not
taken for an analysed language.

    .venv/bin/python -m bench.languages
"""

import time
from collections import Counter, defaultdict
from pathlib import Path

from surveys.answers.analysis.language import detect_language, identify
from surveys.answers.analysis.sentiment import ANALYSED, analyze

DATA = Path(__file__).resolve().parent / "data" / "languages.tsv"


def load(path: Path = DATA) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            language, text = line.split("\t", 1)
            rows.append((language, text))
    return rows


def main() -> None:
    rows = load()
    said: dict[str, Counter] = defaultdict(Counter)
    for language, text in rows:
        detection = identify(text)
        said[language][detection.language if detection.confident else "unsure"] += 1
    print(f"{'lang':<5} {'n':>4} {'right':>6} {'unsure':>7}  what else")
    for language in sorted(said, key=lambda code: (code not in ANALYSED, code)):
        counts, total = said[language], sum(said[language].values())
        if language in ANALYSED:
            right = counts[language]
        else:  # a distractor is right when no analysed language is claimed for it
            right = total - sum(counts[code] for code in ANALYSED)
        other = ", ".join(f"{code} {n}" for code, n in counts.most_common() if code != language)
        print(f"{language:<5} {total:>4} {right / total:>6.0%} {counts['unsure']:>7}  {other}")
    texts = [text for _, text in rows]
    started, count = time.perf_counter(), 0
    while time.perf_counter() - started < 1.0:
        for text in texts:
            identify(f"{text} {count}")  # defeat any cache
            count += 1
    print(f"identify: {count / (time.perf_counter() - started):,.0f} comments/s")
    for language, name in (("fi", "Finnish"), ("sv", "Swedish")):
        comments = [text for code, text in rows if code == language]
        rate = _rate(comments)
        print(f"{name} sentiment: {rate:,.0f} comments/s (language detected, then scored)")


def _rate(comments: list[str]) -> float:
    started, count = time.perf_counter(), 0
    while time.perf_counter() - started < 1.0:
        for text in comments:
            text = f"{text} {count}"  # defeat the caches
            analyze(text, detect_language(text))
            count += 1
    return count / (time.perf_counter() - started)


if __name__ == "__main__":
    main()

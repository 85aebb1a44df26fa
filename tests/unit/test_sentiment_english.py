"""English sentiment on customer feedback: the misses of issue 10 and the rules that fix them."""

import pytest

from bench.sentiment import metrics
from surveys.answers.analysis import analyze
from surveys.answers.analysis.english import score


def label(text: str) -> str:
    return analyze(text, "en").label


# --- the misses that routed customers wrongly --------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    [
        "The app keeps crashing whenever I upload a file 😡",
        "Would not recommend.",
        "Customer service hung up on me. Unacceptable.",
        "Your support never answers. My ticket has been open for two weeks!",
        "Thanks for nothing.",
        "nice paperweight.",
    ],
)
def test_complaints_without_an_opinion_word_are_negative(comment):
    assert label(comment) == "negative"


def test_praise_then_a_complaint_after_but_is_negative_and_mixed():
    sentiment = score("The app is great but it crashes all the time and support never answers.")
    assert sentiment.label == "negative"
    assert sentiment.mixed
    assert sentiment.complaint <= -0.5


def test_plain_complaints_reach_the_rescue_polarity_and_mild_ones_do_not():
    assert (
        score("Your support never answers. My ticket has been open for two weeks!").polarity <= -0.5
    )
    mild = score("Delivery was a bit slow.")
    assert mild.label == "negative"
    assert mild.polarity > -0.5


# --- negation ---------------------------------------------------------------------------------


def test_negated_praise_is_negative_and_negated_complaint_mildly_positive():
    assert label("The update is not great.") == "negative"
    not_bad = score("Not bad.").polarity
    assert 0.1 <= not_bad < score("Good.").polarity


def test_negation_reaches_past_the_next_word():
    assert label("The staff were not very friendly.") == "negative"
    assert label("I did not find the new editor easy to use.") == "negative"


def test_negation_ends_at_the_clause_boundary():
    sentiment = score("I don't know why, but the new version is excellent.")
    assert sentiment.label == "positive"
    assert not sentiment.mixed


@pytest.mark.parametrize(
    "comment",
    ["It doesn't work.", "Nothing works since the update.", "The parcel never arrived.",
     "Still not fixed.", "The refund is still not processed."],
)  # fmt: skip
def test_something_that_should_happen_and_does_not_is_a_complaint(comment):
    assert label(comment) == "negative"


def test_no_problems_is_positive():
    assert label("No problems at all.") == "positive"


# --- contrast ---------------------------------------------------------------------------------


def test_the_clause_after_but_weighs_more():
    assert label("The price is a bit high, but the quality is excellent.") == "positive"
    assert label("The quality is good, but the price is outrageous and delivery was late.") == (
        "negative"
    )


def test_although_is_read_the_right_way_round():
    # The clause after "although" concedes; the other one is the point.
    assert label("Although setup was confusing, the app is fantastic.") == "positive"
    assert label("The app is terrible, although the design is nice.") == "negative"


def test_a_comment_with_praise_and_a_complaint_is_mixed():
    sentiment = score("Love the design, hate the price.")
    assert sentiment.mixed
    assert sentiment.complaint is not None and sentiment.complaint <= -0.1


# --- intensifiers, emoji ----------------------------------------------------------------------


def test_intensifiers_strengthen_and_diminishers_soften():
    plain = score("The app is slow.").polarity
    assert (
        score("The app is extremely slow.").polarity
        < plain
        < score("The app is a bit slow.").polarity
        < 0
    )
    assert score("Really good support!").polarity > score("Good support.").polarity > 0


@pytest.mark.parametrize(
    ("comment", "expected"),
    [("😡", "negative"), ("🙁", "negative"), ("👍", "positive"), ("❤️", "positive"),
     (":(", "negative"), (":)", "positive"), ("Arrived today 👍", "positive"),
     ("Arrived today :(", "negative")],
)  # fmt: skip
def test_emoji_and_emoticons_carry_sentiment(comment, expected):
    assert label(comment) == expected


def test_sarcastic_praise_after_a_complaint_is_negative():
    assert label("Can't even log in. Great job guys.") == "negative"
    assert label("Great, another update that deletes my settings.") == "negative"


# --- what is not an opinion -------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    ["Hi, can you tell me how to export?", "Please add a dark mode.", "Is there a free plan?",
     "Good morning, I need a copy of my last invoice. Thanks!",
     "I ordered three shirts and a jacket.", "We use the new version at work."],
)  # fmt: skip
def test_a_question_a_request_or_a_greeting_is_neutral(comment):
    sentiment = score(comment)
    assert sentiment.label == "neutral"
    assert abs(sentiment.polarity) < 0.05


@pytest.mark.parametrize("comment", ["", "   ", "\n"])
def test_empty_text_is_neutral(comment):
    assert score(comment).label == "neutral"
    assert score(comment).polarity == 0.0


def test_ratings_in_words_count():
    assert label("10/10") == "positive"
    assert label("Two stars.") == "negative"


def test_polarity_stays_in_range_and_matches_its_label():
    for comment in (
        "Absolutely amazing, best ever!!! 😍😍",
        "Worst. Company. Ever. 😡😡 Never again!!!",
    ):
        sentiment = score(comment)
        assert -1.0 <= sentiment.polarity <= 1.0
        assert sentiment.label == ("positive" if sentiment.polarity > 0 else "negative")


# --- the bench's arithmetic -------------------------------------------------------------------


def test_bench_metrics_count_a_confusion_matrix_and_f1():
    gold = ["positive", "positive", "neutral", "negative"]
    predicted = ["positive", "neutral", "neutral", "negative"]
    m = metrics(gold, predicted)
    assert m["accuracy"] == 0.75
    assert m["confusion"]["positive"]["neutral"] == 1
    assert m["per_class"]["neutral"][:2] == (0.5, 1.0)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)


@pytest.mark.parametrize(
    "comment",
    [
        "The agent did not understand my problem and closed the ticket without fixing it.",
        "They closed my ticket without an answer.",
    ],
)
def test_work_left_undone_is_a_complaint(comment):
    assert score(comment).label == "negative"


@pytest.mark.parametrize(
    "comment", ["Without doubt the best tool we use.", "I could not live without it!"]
)
def test_without_in_praise_is_no_negation(comment):
    assert score(comment).label == "positive"

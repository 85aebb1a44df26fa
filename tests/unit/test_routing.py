from surveys.answers.analysis.result import NEGATIVE_THRESHOLD
from surveys.answers.routing import REAL_COMPLAINT, STRONGLY_NEGATIVE, Route, route, signal


def test_detractor_without_comment_gets_a_normal_priority_rescue():
    assert route("nps", "detractor", None, None) == Route(rescue=True, priority="normal")


def test_detractor_with_negative_comment_gets_a_high_priority_rescue():
    assert route("nps", "detractor", -0.4, "negative") == Route(rescue=True, priority="high")


def test_passive_with_strongly_negative_comment_is_rescued():
    assert route("nps", "passive", -0.8, "negative") == Route(rescue=True, priority="high")


def test_passive_with_mildly_negative_comment_is_left_alone():
    assert route("nps", "passive", -0.2, "negative") == Route()


def test_promoter_with_kind_words_is_invited_to_refer():
    assert route("nps", "promoter", 0.6, "positive") == Route(referral=True)


def test_promoter_without_comment_is_invited_to_refer():
    assert route("nps", "promoter", None, None) == Route(referral=True)


def test_promoter_with_negative_comment_is_not_invited():
    assert route("nps", "promoter", -0.3, "negative") == Route()


def test_unhappy_csat_and_ces_answers_are_rescued_too():
    assert route("csat", "dissatisfied", None, None).rescue
    assert route("ces", "high_effort", None, None).rescue


def test_satisfied_csat_answer_is_not_a_referral():
    assert route("csat", "satisfied", 0.8, "positive") == Route()


# Mixed comments: praise and a complaint in one; the complaint is the signal.


def test_detractor_with_a_mixed_comment_gets_a_high_priority_rescue():
    # "The app is great but it crashes all the time": positive overall, a complaint inside.
    decided = route("nps", "detractor", 0.3, "positive", mixed=True, complaint=-0.4)
    assert decided == Route(rescue=True, priority="high")


def test_passive_whose_complaint_is_strongly_negative_is_rescued_as_with_a_negative_comment():
    decided = route("nps", "passive", 0.2, "positive", mixed=True, complaint=-0.5)
    assert decided == route("nps", "passive", -0.8, "negative")
    assert decided == Route(rescue=True, priority="high")


def test_passive_with_a_mild_complaint_beside_praise_is_left_alone():
    assert route("nps", "passive", 0.3, "positive", mixed=True, complaint=-0.3) == Route()


def test_promoter_with_a_real_complaint_beside_praise_is_not_invited_to_refer():
    assert route("nps", "promoter", 0.4, "positive", mixed=True, complaint=-0.3) == Route()
    assert route("nps", "promoter", 0.1, "neutral", mixed=True, complaint=-0.7) == Route()


def test_promoter_with_a_mild_gripe_beside_praise_is_still_invited():
    # "Great app, a bit pricey": a complaint too mild to make the moment wrong.
    decided = route("nps", "promoter", 0.5, "positive", mixed=True, complaint=-0.15)
    assert decided == Route(referral=True)


def test_a_comment_not_analysed_counts_as_no_comment():
    assert route("nps", "detractor", None, None) == Route(rescue=True, priority="normal")
    assert route("nps", "promoter", None, None) == Route(referral=True)
    assert route("nps", "passive", None, None) == Route()


def test_the_signal_is_the_complaint_when_there_is_one():
    assert signal(0.4, -0.6) == -0.6
    assert signal(-0.2, None) == -0.2
    assert signal(None, None) is None


def test_the_strongly_negative_threshold_is_where_the_labels_say_clearly_negative():
    assert NEGATIVE_THRESHOLD > REAL_COMPLAINT > STRONGLY_NEGATIVE >= -1.0

from surveys.answers.routing import Route, route


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

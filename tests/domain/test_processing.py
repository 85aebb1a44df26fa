"""The pipeline's service: what processing an answer produces, and that it does so once."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.answers import processing
from surveys.answers.analysis import Detection, Sentiment
from surveys.answers.analysis.result import label_for
from surveys.answers.analysis.themes import DEFAULT_TAXONOMY
from surveys.answers.analysis.version import analysis_version
from surveys.answers.processing import process_response, unprocessed_response_ids
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel import clock
from surveys.models import Referral, RescueTask, Response
from tests.factories.surveys import make_invitation, make_programme, make_survey


def answer(session, settings, score, comment=None, survey=None, **customer):
    new = make_invitation(session, settings, survey=survey, **customer)
    response_id = record_answer(session, new.invitation, score, channel="email")
    if comment is not None:
        add_comment(session, new.invitation, comment)
    session.commit()
    return response_id


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_very_negative_detractor_answer_opens_high_priority_task_due_in_4_hours(session, settings):
    response_id = answer(session, settings, 3, "Support never answered my emails. Awful.")
    outcome = process_response(session, response_id, settings)
    session.commit()

    task = session.scalars(select(RescueTask)).one()
    response = session.get(Response, response_id)
    assert outcome.status == "processed" and outcome.rescue_task_id == task.id
    assert task.status == "open" and task.priority == "high"
    assert task.due_at == response.answered_at + timedelta(hours=4)
    assert response.category == "detractor"
    assert response.sentiment_label == "negative" and response.sentiment_polarity < 0
    assert response.language == "en"
    assert "support" in response.theme_names


def test_detractor_without_comment_gets_normal_priority(session, settings):
    process_response(session, answer(session, settings, 5), settings)
    session.commit()
    task = session.scalars(select(RescueTask)).one()
    assert task.priority == "normal"
    assert task.due_at == task.response.answered_at + timedelta(hours=24)


def test_processing_twice_creates_nothing_more(session, settings):
    programme = make_programme(session)
    detractor = answer(session, settings, 0, "Terrible")
    promoter = answer(session, settings, 10, "Love it")
    for _ in range(2):
        process_response(session, detractor, settings)
        process_response(session, promoter, settings)
        session.commit()
    assert count(session, RescueTask) == 1
    referral = session.scalars(select(Referral)).one()
    assert referral.programme_id == programme.id


def test_reprocessing_after_a_changed_answer_keeps_one_task(session, settings):
    new = make_invitation(session, settings)
    record_answer(session, new.invitation, 4, channel="email")
    session.commit()
    first = session.scalar(select(Response.id))
    process_response(session, first, settings)
    add_comment(session, new.invitation, "You lost my order and nobody cared. Horrible service.")
    session.commit()
    process_response(session, first, settings)
    session.commit()
    task = session.scalars(select(RescueTask)).one()
    assert task.priority == "high"  # raised by the negative comment that came later


def test_promoter_gets_referral_with_unique_code(session, settings):
    make_programme(session)
    ids = [answer(session, settings, 9, "Great product, works nicely") for _ in range(3)]
    for response_id in ids:
        process_response(session, response_id, settings)
    session.commit()
    codes = session.scalars(select(Referral.code)).all()
    assert len(set(codes)) == 3


def test_promoter_without_active_programme_gets_no_referral(session, settings):
    make_programme(session, active=False)
    outcome = process_response(session, answer(session, settings, 10), settings)
    session.commit()
    assert outcome.referral_id is None and count(session, Referral) == 0


def test_passive_with_strongly_negative_comment_opens_a_task(session, settings):
    process_response(session, answer(session, settings, 7, "Absolutely awful support"), settings)
    session.commit()
    assert session.scalars(select(RescueTask)).one().priority == "high"


def test_finnish_comment_is_analysed_as_finnish(session, settings):
    response_id = answer(session, settings, 2, "Palvelu oli todella huono ja hidas.", locale="fi")
    process_response(session, response_id, settings)
    session.commit()
    response = session.get(Response, response_id)
    assert response.language == "fi" and response.sentiment_label == "negative"


def test_csat_dissatisfied_answer_opens_a_task(session, settings):
    survey = make_survey(session, "csat")
    process_response(session, answer(session, settings, 1, survey=survey), settings)
    session.commit()
    assert count(session, RescueTask) == 1


def test_stale_run_does_not_overwrite_a_newer_answer(session, settings, engine, monkeypatch):
    new = make_invitation(session, settings)
    response_id = record_answer(session, new.invitation, 10, channel="email")
    add_comment(session, new.invitation, "Nice")
    session.commit()

    def answer_changes_meanwhile(text):
        with Session(bind=engine) as other:  # the respondent changes their mind mid-run
            record_answer(other, other.merge(new.invitation), 2, channel="email")
            other.commit()
        return Detection(None, False)

    monkeypatch.setattr(processing, "identify", answer_changes_meanwhile)
    assert process_response(session, response_id, settings).status == "superseded"
    session.commit()
    assert count(session, Referral) == 0
    monkeypatch.undo()
    assert process_response(session, response_id, settings).status == "processed"
    session.commit()
    assert session.get(Response, response_id).category == "detractor"
    assert count(session, RescueTask) == 1


def test_sweeper_finds_answers_left_unprocessed_for_the_sweep_time(session, settings):
    old = answer(session, settings, 8)
    start = clock.now()
    clock.set_source(lambda: start + timedelta(seconds=30))
    fresh = answer(session, settings, 8)
    clock.set_source(lambda: start + settings.sweep_after + timedelta(seconds=5))
    assert unprocessed_response_ids(session, settings) == [old]
    process_response(session, old, settings)
    session.commit()
    clock.set_source(lambda: start + timedelta(minutes=5))
    assert unprocessed_response_ids(session, settings) == [fresh]


def test_processed_response_records_the_analysis_version_that_tagged_it(session, settings):
    response_id = answer(session, settings, 8, "Fast delivery, friendly support.")
    process_response(session, response_id, settings)
    session.commit()
    response = session.get(Response, response_id)
    assert response.analysis_version == analysis_version(DEFAULT_TAXONOMY.fingerprint)
    assert response.sentiment_mixed is False and response.sentiment_reason is None


def test_a_comment_in_a_language_kaiku_does_not_analyse_is_stored_not_analysed(
    session, settings, monkeypatch
):
    monkeypatch.setattr(processing, "identify", lambda text: Detection("et", True))
    response_id = answer(session, settings, 3, "Väga halb teenindus, ei soovita.")
    process_response(session, response_id, settings)
    session.commit()
    response = session.get(Response, response_id)
    assert response.language == "et"
    assert response.sentiment_label is None and response.sentiment_polarity is None
    assert response.sentiment_reason == "language not analysed: et"
    # Not a silent neutral, and not a guess: the score alone decides the route.
    assert session.scalars(select(RescueTask)).one().priority == "normal"


def test_a_comment_the_detector_is_unsure_of_takes_the_customers_language(
    session, settings, monkeypatch
):
    monkeypatch.setattr(processing, "identify", lambda text: Detection(None, False))
    response_id = answer(session, settings, 3, "Hidas", locale="fi-FI")
    process_response(session, response_id, settings)
    session.commit()
    response = session.get(Response, response_id)
    assert response.language == "fi" and response.sentiment_reason is None


def mixed(polarity, complaint):
    return lambda text, language=None: Sentiment(
        polarity, label_for(polarity), mixed=True, complaint=complaint
    )


def test_mixed_comment_is_stored_with_its_complaint(session, settings, monkeypatch):
    monkeypatch.setattr(processing, "analyze", mixed(0.3, -0.45))
    response_id = answer(session, settings, 5, "The app is great but it crashes all the time.")
    process_response(session, response_id, settings)
    session.commit()
    response = session.get(Response, response_id)
    assert (response.sentiment_label, response.sentiment_mixed) == ("positive", True)
    assert response.sentiment_complaint == -0.45
    assert session.scalars(select(RescueTask)).one().priority == "high"  # the complaint counts


def test_passive_with_a_strong_complaint_beside_praise_gets_a_task(session, settings, monkeypatch):
    monkeypatch.setattr(processing, "analyze", mixed(0.2, -0.7))
    process_response(
        session, answer(session, settings, 8, "Nice app, but billing is a scam"), settings
    )
    session.commit()
    assert session.scalars(select(RescueTask)).one().priority == "high"


def test_promoter_with_a_real_complaint_beside_praise_gets_no_referral(
    session, settings, monkeypatch
):
    make_programme(session)
    monkeypatch.setattr(processing, "analyze", mixed(0.4, -0.5))
    outcome = process_response(
        session, answer(session, settings, 9, "Love it, but support hung up on me."), settings
    )
    session.commit()
    assert outcome.referral_id is None and count(session, Referral) == 0

"""A Swedish-speaking customer end to end, and customers of languages Kaiku has no catalog for."""

from sqlalchemy import select

from surveys.customers import imports
from surveys.delivery.emails import queue_invitation_email
from surveys.delivery.invitations import create_invitation
from surveys.models import Customer, Response
from tests.factories.surveys import make_invitation, make_survey


def test_swedish_customer_from_csv_is_asked_thanked_and_unsubscribed_in_swedish(
    client, session, settings
):
    customer_import = imports.create_import(
        session, "kunder.csv", "external_id,email,name,locale\ns1,sven@example.com,Sven,sv\n"
    )
    assert imports.start(session, customer_import)
    for _ in imports.run_batches(session, customer_import, 10):
        pass
    customer = session.scalars(select(Customer)).one()
    assert customer.locale == "sv"
    new = create_invitation(session, make_survey(session), customer, settings)

    email = queue_invitation_email(session, new, settings)
    session.commit()

    assert email.subject == "En snabb fråga: hur lyckades vi?"
    assert email.text_body.startswith("Hej Sven,")
    question = "Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?"
    assert question in email.text_body and "0 = Inte alls troligt" in email.text_body
    assert '<html lang="sv"' in email.html_body and "Avsluta prenumerationen" in email.html_body

    page = client.get(f"/s/{new.token}").text
    assert '<html lang="sv">' in page and question in page
    assert "0 = Inte alls troligt" in page and "10 = Mycket troligt" in page

    why = client.post(f"/s/{new.token}", data={"score": "9"}, follow_redirects=True).text
    assert "Vad är det främsta skälet till ditt betyg?" in why and "Hoppa över" in why
    thanks = client.post(
        f"/s/{new.token}/why", data={"comment": "Snabb hjälp, tack!"}, follow_redirects=True
    ).text
    assert "Tack!" in thanks and "Ditt svar har sparats." in thanks
    assert session.scalars(select(Response.score)).one() == 9

    ask = client.get(f"/u/{new.token}").text
    assert "Sluta skicka enkäter?" in ask and "Avsluta enkäterna" in ask
    done = client.post(f"/u/{new.token}").text
    assert "Prenumerationen är avslutad" in done
    session.expire_all()
    assert session.get(Customer, customer.id).unsubscribed is True


def test_a_regional_swedish_locale_is_served_in_swedish(client, session, settings):
    new = make_invitation(session, settings, locale="sv-FI")
    session.commit()

    page = client.get(f"/s/{new.token}").text

    assert '<html lang="sv">' in page and "Inte alls troligt" in page


def test_a_customer_of_a_language_without_a_catalog_gets_english(client, session, settings):
    new = make_invitation(session, settings, locale="de", name="Jonas")
    email = queue_invitation_email(session, new, settings)
    session.commit()

    assert email.subject == "Quick question: how did we do?"
    assert email.text_body.startswith("Hi Jonas,")
    page = client.get(f"/s/{new.token}").text
    assert '<html lang="en">' in page and "Not at all likely" in page


def test_a_survey_without_swedish_texts_asks_swedish_customers_in_english(
    client, session, settings
):
    survey = make_survey(session, texts={"en": {"question": "Would you tip us?"}})
    survey.texts = {"en": survey.texts["en"]}  # no Finnish or Swedish texts at all
    new = make_invitation(session, settings, survey=survey, locale="sv")
    session.commit()

    page = client.get(f"/s/{new.token}").text

    assert "Would you tip us?" in page and "Inte alls troligt" in page  # Swedish around it

"""The brand page (/admin/brand) and a survey's brand page: admins only, every error at once,
the logo validated and served with its hash, the contrast shown with its fallback."""

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from surveys.brand import get_brand
from surveys.models import Brand
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_survey


def png(size=(120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 92, 173)).save(out, format="PNG")
    return out.getvalue()


def form(**changes) -> dict:
    return {
        "company_name": "Acme Oy",
        "primary_color": "#0b5cad",
        "sender_name": "Acme Support",
        "sender_address": "hello@acme.example",
        "reply_to": "care@acme.example",
        "postal_address": "Mannerheimintie 1\n00100 Helsinki",
        "redirect_url": "https://acme.example/",
    } | changes


@pytest.fixture
def admin(client, session):
    user = make_staff(session, "admin")
    session.commit()
    return sign_in(client, user)


def post(admin, data, logo=None, url="/admin/brand"):
    if logo is not None:
        data = data | {"logo": (io.BytesIO(logo[1]), logo[0])}
    return admin.post(url, data=data, content_type="multipart/form-data")


def brands(session) -> list[Brand]:
    return list(session.scalars(select(Brand).execution_options(populate_existing=True)))


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_only_admins_open_the_brand_pages(app, session, role):
    survey = make_survey(session)
    user = make_staff(session, role)
    session.commit()
    client = sign_in(app.test_client(), user)
    assert client.get("/admin/brand").status_code == 403
    assert client.post("/admin/brand", data=form()).status_code == 403
    assert client.get(f"/admin/surveys/{survey.id}/brand").status_code == 403
    assert brands(session) == []


def test_the_brand_page_is_linked_from_the_surveys_page(admin):
    page = admin.get("/admin/surveys").get_data(as_text=True)
    assert page.count('href="/admin/brand"') == 1


def test_a_valid_brand_with_a_logo_is_saved(admin, session):
    response = post(admin, form(), logo=("logo.png", png()))

    assert response.status_code == 303, response.text
    brand = get_brand(session)
    session.refresh(brand)
    assert (brand.company_name, brand.primary_color, brand.sender_address) == (
        "Acme Oy",
        "#0b5cad",
        "hello@acme.example",
    )
    assert brand.postal_address == "Mannerheimintie 1\n00100 Helsinki"
    assert brand.logo_type == "image/png" and len(brand.logo_hash) == 64
    page = admin.get("/admin/brand").get_data(as_text=True)
    assert "Brand saved." in page
    assert f"/brand/logo/{brand.logo_hash}.png" in page
    assert "6.67:1" in page and "passes WCAG AA" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"primary_color": "blue"}, "primary_color", "#rrggbb"),
        ({"primary_color": "#12345"}, "primary_color", "#rrggbb"),
        ({"sender_address": "not an address"}, "sender_address", "email address"),
        ({"reply_to": "care@"}, "reply_to", "email address"),
        ({"redirect_url": "http://acme.example/"}, "redirect_url", "https://"),
        ({"redirect_url": "javascript:alert(1)"}, "redirect_url", "https://"),
        ({"company_name": "x" * 121}, "company_name", "120 characters"),
    ],
)
def test_each_bad_field_is_refused_next_to_it_and_nothing_is_saved(
    admin, session, changes, field, words
):
    response = post(admin, form(**changes))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error and words in error.group(1), page
    assert "Nothing was saved" in page
    assert brands(session) == []


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("logo.png", b"plain text, not a picture", "not an image"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not an image"),
        ("big.png", png() + b"\0" * (520 * 1024), "at most 512 KB"),
        ("huge.png", png(size=(2000, 100)), "at most 1024×1024"),
    ],
)
def test_a_bad_logo_is_refused_and_nothing_is_saved(admin, session, name, data, words):
    response = post(admin, form(), logo=(name, data))

    assert response.status_code == 422
    error = re.search(r'id="logo-error">([^<]*)<', response.get_data(as_text=True))
    assert error and words in error.group(1)
    assert brands(session) == []


def test_an_upload_far_over_the_limit_is_refused_with_413_and_nothing_is_saved(admin, session):
    response = post(admin, form(), logo=("big.png", png() + b"\0" * (2 * 1024 * 1024)))

    assert response.status_code == 413
    error = re.search(r'id="logo-error">([^<]*)<', response.get_data(as_text=True))
    assert error and "512 KB" in error.group(1)
    assert brands(session) == []


def test_a_post_without_the_csrf_token_saves_nothing(app, admin, session):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert 'name="csrf_token"' in admin.get("/admin/brand").get_data(as_text=True)
        response = post(admin, form())
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 422
    assert "The form expired" in response.get_data(as_text=True)
    assert brands(session) == []


def test_every_error_is_shown_at_once(admin, session):
    bad = form(primary_color="blue", sender_address="nope", reply_to="@", redirect_url="ftp://x")
    response = post(admin, bad, logo=("logo.png", b"text"))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("primary_color", "sender_address", "reply_to", "redirect_url", "logo"):
        assert f'id="{field}-error"' in page, field
    assert "fix 5 fields" in page
    assert brands(session) == []


def test_a_light_colour_is_saved_with_a_warning_and_the_fallback_named(admin, session):
    assert post(admin, form(primary_color="#ffdd00")).status_code == 303

    page = admin.get("/admin/brand").get_data(as_text=True)
    assert "1.35:1" in page and "below WCAG AA" in page
    assert "use Kaiku’s own colour <code>#22617a</code>" in page


def test_the_logo_is_served_by_its_hash_with_long_cache_and_nosniff(admin, client, session):
    post(admin, form(), logo=("logo.png", png()))
    brand = get_brand(session)
    session.refresh(brand)

    response = client.get(f"/brand/logo/{brand.logo_hash}.png")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.data == brand.logo
    assert Image.open(io.BytesIO(response.data)).size == (120, 40)


def test_other_logo_names_are_not_found(admin, client, session):
    post(admin, form(), logo=("logo.png", png()))
    brand = get_brand(session)
    session.refresh(brand)
    assert client.get(f"/brand/logo/{brand.logo_hash}.jpg").status_code == 404
    assert client.get(f"/brand/logo/{'0' * 64}.png").status_code == 404
    assert client.get("/brand/logo/../../etc.png").status_code == 404


def test_the_logo_can_be_removed(admin, session):
    post(admin, form(), logo=("logo.png", png()))
    assert post(admin, form(remove_logo="y")).status_code == 303
    brand = brands(session)[0]
    assert brand.logo is None and brand.logo_hash is None


def test_a_survey_brand_saves_overrides_and_thank_you_messages(admin, session):
    survey = make_survey(session, "nps")
    session.commit()
    data = {
        "sender_name": "Acme Onboarding",
        "primary_color": "#6b21a8",
        "thanks_promoter_en": "Thank you, fan!",
        "thanks_promoter_fi": "Kiitos, fani!",
        "thanks_detractor_en": "Sorry. We will call you.",
        "redirect_url": "https://acme.example/welcome",
    }
    response = post(admin, data, url=f"/admin/surveys/{survey.id}/brand")

    assert response.status_code == 303, response.text
    brand = get_brand(session, survey.id)
    session.refresh(brand)
    assert brand.sender_name == "Acme Onboarding"
    assert brand.thanks == {
        "promoter": {"en": "Thank you, fan!", "fi": "Kiitos, fani!"},
        "detractor": {"en": "Sorry. We will call you."},
    }
    page = admin.get(f"/admin/surveys/{survey.id}/brand").get_data(as_text=True)
    assert "Kiitos, fani!" in page and "Passives (7–8)" in page


def test_the_brand_page_previews_the_email_answer_and_thank_you_pages(admin, session):
    survey = make_survey(session)
    session.commit()
    post(admin, form(), logo=("logo.png", png()))
    post(admin, {"thanks_promoter_en": "Thank you, fan!"}, url=f"/admin/surveys/{survey.id}/brand")
    brand = get_brand(session)
    session.refresh(brand)

    page = admin.get("/admin/brand").get_data(as_text=True)
    assert f"/admin/surveys/{survey.id}/preview/email" in page
    assert f"/admin/surveys/{survey.id}/preview/answer" in page
    assert "Acme Support &lt;hello@acme.example&gt;" in page

    email = admin.get(f"/admin/surveys/{survey.id}/preview/email")
    assert "customer of Acme Oy." in email.get_data(as_text=True)
    assert "img-src data: http://" in email.headers["Content-Security-Policy"]
    answer = admin.get(f"/admin/surveys/{survey.id}/preview/answer").get_data(as_text=True)
    assert f'src="/brand/logo/{brand.logo_hash}.png"' in answer
    thanks = admin.get(f"/admin/surveys/{survey.id}/preview/thanks").get_data(as_text=True)
    assert "Thank you, fan!" in thanks and "Back to Acme Oy" in thanks


def test_the_preview_survey_is_picked_by_id_and_a_bad_id_falls_back(admin, session):
    make_survey(session, name="First")
    second = make_survey(session, name="Second")
    session.commit()

    page = admin.get(f"/admin/brand?survey={second.id}").get_data(as_text=True)
    assert "As a customer of “Second”" in page
    for bad in ("99999999999999999999", "-1", "abc"):
        response = admin.get(f"/admin/brand?survey={bad}")
        assert response.status_code == 200
        assert "As a customer of “First”" in response.get_data(as_text=True)

import pytest

from surveys.kernel.errors import ValidationError
from surveys.referrals.codes import validate_landing_url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "/relative/path",
        "//evil.example",
        "ftp://example.com",
        "http://[bad",
        "",
    ],
)
def test_landing_url_must_be_absolute_http(url):
    with pytest.raises(ValidationError):
        validate_landing_url(url)


def test_landing_url_keeps_its_query():
    assert validate_landing_url(" https://example.com/join?src=a ") == (
        "https://example.com/join?src=a"
    )

"""Request schemas of the theme endpoints: shapes only; ``surveys.answers.taxonomy`` checks
keys, lengths and the stems again and names the field it refuses ("terms.fi")."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas import Body, NoNulls

ThemeLanguage = Literal["en", "fi", "sv"]
ThemeName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Phrases = dict[ThemeLanguage, Annotated[list[Phrase], Field(max_length=300)]]


class ThemeCreate(Body):
    key: Annotated[str, StringConstraints(min_length=2, max_length=40)]
    names: dict[ThemeLanguage, ThemeName]
    terms: Phrases
    exclusions: Phrases = {}
    active: bool = True


class ThemeUpdate(NoNulls):
    """Fields left out keep their value; ``terms``/``exclusions`` replace the languages given
    (an empty list clears one), ``names`` too (an empty name removes that language's)."""

    names: dict[ThemeLanguage, ThemeName] = None  # type: ignore[assignment]
    terms: Phrases = None  # type: ignore[assignment]
    exclusions: Phrases = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]

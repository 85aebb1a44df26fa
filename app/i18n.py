"""Which language a request is answered in, for Flask-Babel.

Respondent pages speak the customer's language (the view sets ``g.lang`` from the invitation
before anything is translated); a respondent page without a customer (an unknown link) takes
the browser's choice among the registered languages. Staff pages and the API stay in English.
"""

from flask import g, request

from surveys.kernel.languages import CODES, DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector; it runs once per request, on the first translation."""
    if "lang" in g:
        return g.lang
    if request.blueprint == "respond":
        return request.accept_languages.best_match(CODES, default=DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE

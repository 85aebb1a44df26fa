"""The themes pages: the taxonomy with counts, create, edit, delete, and discovery.

Every staff role reads the list (agents see what the tags on their tasks mean); admins and
analysts change the taxonomy and work the discovery candidates. Views are thin: the form checks
the shape, ``surveys.answers.taxonomy`` and ``surveys.answers.discovery`` the rules; a domain
error rolls back and shows the form again with the error next to its field.
"""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth.decorators import role_required
from app.extensions import db
from app.insights import bp
from app.insights.forms import LANGUAGE_NAMES, CandidateForm, ConfirmForm, ThemeForm
from surveys.answers import discovery, taxonomy
from surveys.answers.analysis.themes import LANGUAGES
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import KaikuError
from surveys.models import Theme

Page = str | WerkzeugResponse | tuple[str, int]
COUNT_DAYS = 90
EDITORS = ("admin", "analyst")
RETAG_ENDPOINT = "admin.reanalysis"  # admins only


@bp.context_processor
def theme_helpers() -> dict:
    return {"language_names": LANGUAGE_NAMES, "theme_languages": LANGUAGES}


@bp.get("/themes", endpoint="themes")
@role_required("admin", "agent", "analyst")
def themes_page() -> str:
    """Every theme with its terms and the responses tagged with it in the last 90 days."""
    counts = taxonomy.tagged_counts(db.session, clock.now() - timedelta(days=COUNT_DAYS))
    return render_template(
        "insights/themes.html",
        themes=taxonomy.list_themes(db.session),
        counts=counts,
        days=COUNT_DAYS,
        can_edit=current_user.role in EDITORS,
        changed=request.args.get("changed", "")[:40],
        retag_url=retag_url(),
        nav_current="themes",
    )


@bp.route("/themes/new", methods=["GET", "POST"], endpoint="theme_new")
@role_required(*EDITORS)
def theme_new() -> Page:
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = taxonomy.create_theme(
                db.session, _me(), key=(form.key.data or "").strip(), **_values(form)
            )
            db.session.commit()
        except KaikuError as exc:
            db.session.rollback()
            return _form_page(form, None, exc)
        flash(f"Theme {theme.key} added.", "success")
        return redirect(url_for("insights.themes", changed=theme.key))
    return _form_page(form, None)


@bp.route("/themes/<key>/edit", methods=["GET", "POST"], endpoint="theme_edit")
@role_required(*EDITORS)
def theme_edit(key: str) -> Page:
    theme = _theme_or_404(key)
    form = ThemeForm(obj=None) if request.method == "POST" else _filled(theme)
    if form.validate_on_submit():
        try:
            taxonomy.update_theme(db.session, _me(), theme, **_values(form))
            db.session.commit()
        except KaikuError as exc:
            db.session.rollback()
            return _form_page(form, theme, exc)
        flash(f"Theme {theme.key} saved.", "success")
        return redirect(url_for("insights.themes", changed=theme.key))
    return _form_page(form, theme)


@bp.route("/themes/<key>/delete", methods=["GET", "POST"], endpoint="theme_delete")
@role_required(*EDITORS)
def theme_delete(key: str) -> Page:
    """Ask, then delete; tagged responses keep the key until they are re-tagged."""
    theme = _theme_or_404(key)
    form = ConfirmForm()
    if form.validate_on_submit():
        taxonomy.delete_theme(db.session, _me(), theme)
        db.session.commit()
        flash(f"Theme {key} deleted.", "success")
        return redirect(url_for("insights.themes", changed=key))
    return render_template(
        "insights/theme_delete.html", theme=theme, form=form, nav_current="themes"
    )


@bp.get("/themes/discover", endpoint="theme_discovery")
@role_required(*EDITORS)
def theme_discovery() -> str:
    """Frequent terms of recent comments no theme covers, with actions for each."""
    language = request.args.get("language", "en")
    if language not in LANGUAGES:
        language = "en"
    candidates = discovery.theme_candidates(db.session, language)
    themes = [t for t in taxonomy.list_themes(db.session) if t.active]
    return render_template(
        "insights/theme_discovery.html",
        candidates=candidates,
        themes=themes,
        form=CandidateForm(),
        nav_current="themes",
    )


@bp.post("/themes/discover", endpoint="theme_candidate")
@role_required(*EDITORS)
def theme_candidate() -> WerkzeugResponse:
    """Accept, rename, merge or dismiss one candidate, then back to the candidates."""
    form = CandidateForm()
    language = form.language.data if form.language.data in LANGUAGES else "en"
    back = url_for("insights.theme_discovery", language=language)
    if not form.validate_on_submit():
        flash("That did not work: " + _first_error(form), "error")
        return redirect(back)
    term, action = form.term.data, form.action.data
    try:
        if action == "dismiss":
            discovery.dismiss_candidate(db.session, _me(), language, term)
            message = f"“{term}” dismissed; it will not be offered again."
        elif action == "merge":
            theme = discovery.merge_candidate(db.session, _me(), language, term, form.theme.data)
            message = f"“{term}” added to the terms of {theme.key}."
        else:
            rename = action == "rename"
            theme = discovery.accept_candidate(
                db.session, _me(), language, term,
                key=(form.key.data or "").strip() or None if rename else None,
                name=(form.name.data or "").strip() or None if rename else None,
            )  # fmt: skip
            message = f"Theme {theme.key} added with the term “{term}”."
        db.session.commit()
    except KaikuError as exc:
        db.session.rollback()
        flash(f"“{term}”: {exc.message}", "error")
        return redirect(back)
    flash(message, "success")
    return redirect(back)


def retag_url() -> str | None:
    """The re-tagging page, for the admins who may start it."""
    return url_for(RETAG_ENDPOINT) if current_user.role == "admin" else None


def _theme_or_404(key: str) -> Theme:
    try:
        return taxonomy.get_theme(db.session, key)
    except KaikuError:
        abort(404, "No such theme.")


def _me() -> Actor:
    return Actor.of_staff(current_user)


def _filled(theme: Theme) -> ThemeForm:
    form = ThemeForm()
    form.key.data = theme.key
    form.active.data = theme.active
    for code in LANGUAGES:
        getattr(form, f"name_{code}").data = (theme.names or {}).get(code, "")
        getattr(form, f"terms_{code}").data = "\n".join((theme.terms or {}).get(code, ()))
        getattr(form, f"exclusions_{code}").data = "\n".join((theme.exclusions or {}).get(code, ()))
    return form


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _values(form: ThemeForm) -> dict:
    return {
        "names": {code: getattr(form, f"name_{code}").data or "" for code in LANGUAGES},
        "terms": {code: _lines(getattr(form, f"terms_{code}").data) for code in LANGUAGES},
        "exclusions": {
            code: _lines(getattr(form, f"exclusions_{code}").data) for code in LANGUAGES
        },
        "active": bool(form.active.data),
    }


def _form_page(form: ThemeForm, theme: Theme | None, error: KaikuError | None = None) -> Page:
    message = None
    if error is not None:
        message = error.message
        for name in error.fields:
            field = getattr(form, _form_field(name), None)
            if field is not None:
                field.errors = [*field.errors, error.message]
                message = None
    page = render_template(
        "insights/theme_form.html", form=form, theme=theme, error=message, nav_current="themes"
    )
    return (page, 422) if error is not None or form.errors else page


def _form_field(name: str) -> str:
    """The form field a service's field name points at: "terms.fi" → terms_fi."""
    head, _, language = name.partition(".")
    if head == "names":
        head = "name"
    if head in ("terms", "name") and not language:
        return f"{head}_en"
    return f"{head}_{language}" if language else head


def _first_error(form: CandidateForm) -> str:
    for field in form:
        if field.errors:
            return f"{field.label.text}: {field.errors[0]}"
    return "the form expired; please try again."

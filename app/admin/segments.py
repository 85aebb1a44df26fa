"""Admin page: the customer attributes the dashboard may slice by (its segments).

Linked from the surveys list; admins only; a POST with a CSRF token, 303 on success, the form
again with the error next to it on failure (422).
"""

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from app.admin import bp
from app.auth.decorators import role_required
from app.extensions import db
from surveys.kernel.errors import ValidationError
from surveys.reports import segments


class SegmentsForm(FlaskForm):
    names = TextAreaField(
        "Segment attributes",
        validators=[Length(max=segments.MAX_SEGMENTS * (segments.MAX_NAME_LENGTH + 2))],
        description="One customer attribute name per line (plan, country, industry), as the "
        "customers API and imports write them.",
    )


@bp.route("/segments", methods=["GET", "POST"])
@role_required("admin")
def segments_page() -> ResponseReturnValue:
    form = SegmentsForm()
    if form.validate_on_submit():
        try:
            names = segments.set_segments(db.session, (form.names.data or "").splitlines())
        except ValidationError as exc:
            db.session.rollback()
            form.names.errors = [exc.message]
        else:
            db.session.commit()
            flash(f"Segments: {', '.join(names) or 'none'}.", "success")
            return redirect(url_for("admin.segments_page"), 303)
    elif not form.is_submitted():
        form.names.data = "\n".join(segments.segment_names(db.session))
    status = 422 if form.errors or form.names.errors else 200
    return render_template("admin/segments.html", form=form), status

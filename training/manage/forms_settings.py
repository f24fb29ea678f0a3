from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from training.models import JobFunction
from training.web.forms import Form, WholeNumberRange, choices
from training.web.i18n import LANGUAGES


class DaysForm(Form):
    days_to_complete = IntegerField(
        lazy_gettext("Days new staff have to complete their required courses"),
        validators=[
            InputRequired(lazy_gettext("Give a number of days.")),
            WholeNumberRange(1, 365, lazy_gettext("Use 1 to 365 days.")),
        ],
    )
    submit = SubmitField(lazy_gettext("Save"))


def _language_choices() -> list[SelectChoice]:
    """Each language named in itself (and marked as such, for screen readers), after the browser's choice."""
    return [
        SelectChoice("", lazy_gettext("Each person's browser decides")),
        *(SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()),
    ]


class LanguageForm(Form):
    default_language = SelectField(
        lazy_gettext("Language for staff who have not chosen one"),
        choices=_language_choices(),
        description=lazy_gettext(
            "The pages are shown in this language to your staff until they choose one themselves. "
            "Emails to them are written in it too."
        ),
    )
    submit = SubmitField(lazy_gettext("Save"))


class LogoForm(Form):
    logo = FileField(
        lazy_gettext("Logo for certificates"),
        description=lazy_gettext(
            "PNG or JPEG, at most 300 KB; scaled down to fit 960 × 240 pixels, as certificates print it."
        ),
        validators=[FileRequired(lazy_gettext("Choose an image file."))],
    )
    submit = SubmitField(lazy_gettext("Upload logo"))


class AssignmentForm(Form):
    course = SelectField(lazy_gettext("Course"), validators=[DataRequired(lazy_gettext("Choose a course."))])
    target_kind = RadioField(
        lazy_gettext("For"),
        choices=choices(
            [
                ("job_function", lazy_gettext("A job function")),
                ("base", lazy_gettext("A base")),
                ("person", lazy_gettext("One person")),
            ]
        ),
        default="job_function",
    )
    job_function = SelectField(
        lazy_gettext("Job function"),
        choices=choices([("", "—"), *((j.value, j.label) for j in JobFunction)]),
        validate_choice=False,  # only read when "For" is a job function; the service checks it
    )
    base = StringField(lazy_gettext("Base (station code)"), description=lazy_gettext("e.g. NBO"))
    email = StringField(lazy_gettext("Person's email"))
    due_on = DateField(lazy_gettext("Due date"), validators=[Optional()])
    submit = SubmitField(lazy_gettext("Assign"))

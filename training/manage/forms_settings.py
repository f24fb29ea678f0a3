from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Optional

from training.models import JobFunction
from training.web.forms import Form, WholeNumberRange, choices


class DaysForm(Form):
    days_to_complete = IntegerField(
        "Days new staff have to complete their required courses",
        validators=[InputRequired("Give a number of days."), WholeNumberRange(1, 365, "Use 1 to 365 days.")],
    )
    submit = SubmitField("Save")


class LogoForm(Form):
    logo = FileField(
        "Logo for certificates",
        description="PNG or JPEG, at most 300 KB; scaled down to fit 960 × 240 pixels, as certificates print it.",
        validators=[FileRequired("Choose an image file.")],
    )
    submit = SubmitField("Upload logo")


class AssignmentForm(Form):
    course = SelectField("Course", validators=[DataRequired("Choose a course.")])
    target_kind = RadioField(
        "For",
        choices=choices([("job_function", "A job function"), ("base", "A base"), ("person", "One person")]),
        default="job_function",
    )
    job_function = SelectField(
        "Job function",
        choices=choices([("", "—"), *((j.value, j.label) for j in JobFunction)]),
        validate_choice=False,  # only read when "For" is a job function; the service checks it
    )
    base = StringField("Base (station code)", description="e.g. NBO")
    email = StringField("Person's email")
    due_on = DateField("Due date", validators=[Optional()])
    submit = SubmitField("Assign")

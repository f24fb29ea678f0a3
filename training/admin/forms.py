from __future__ import annotations

from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from training.models import ORG_KIND_LABELS, JobFunction, Role
from training.web.forms import Form, MultiCheckboxField, choices


class OrganizationForm(Form):
    name = StringField("Name", validators=[DataRequired("Enter the organization's name."), Length(max=160)])
    kind = SelectField("Kind", choices=choices((k.value, label) for k, label in ORG_KIND_LABELS.items()))
    country = StringField(
        "Country", description="Two-letter ISO code, e.g. KE.", validators=[DataRequired("Enter the country code.")]
    )
    iata_code = StringField("IATA code", description="Optional. 2 letters for an airline, 3 for an airport.")
    icao_code = StringField("ICAO code", description="Optional. 3 letters for an airline, 4 for an airport.")
    submit = SubmitField("Save organization")


class OversightForm(Form):
    overseen = MultiCheckboxField("Organizations this authority oversees", coerce=int)
    submit = SubmitField("Save oversight")


class PersonForm(Form):
    full_name = StringField("Full name", validators=[DataRequired("Enter the person's name."), Length(max=160)])
    email = EmailField("Email", validators=[DataRequired("Enter an email address."), Length(max=254)])
    organization_id = SelectField("Organization", coerce=int)
    job_function = SelectField("Job function", choices=choices((j.value, j.label) for j in JobFunction))
    roles = MultiCheckboxField("Roles", choices=choices((r.value, r.label) for r in Role))
    employee_number = StringField("Employee number", description="Optional. Unique within the organization.")
    base = StringField("Base", description="Optional station code, e.g. NBO.")
    submit = SubmitField("Save person")

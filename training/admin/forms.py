from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from training.models import JobFunction, OrgKind, Role
from training.web.forms import Form, MultiCheckboxField, choices


class OrganizationForm(Form):
    name = StringField(
        lazy_gettext("Name"),
        validators=[DataRequired(lazy_gettext("Enter the organization's name.")), Length(max=160)],
    )
    kind = SelectField(lazy_gettext("Kind"), choices=choices((k.value, k.label) for k in OrgKind))
    country = StringField(
        lazy_gettext("Country"),
        description=lazy_gettext("Two-letter ISO code, e.g. KE."),
        validators=[DataRequired(lazy_gettext("Enter the country code."))],
    )
    iata_code = StringField(
        lazy_gettext("IATA code"), description=lazy_gettext("Optional. 2 letters for an airline, 3 for an airport.")
    )
    icao_code = StringField(
        lazy_gettext("ICAO code"), description=lazy_gettext("Optional. 3 letters for an airline, 4 for an airport.")
    )
    submit = SubmitField(lazy_gettext("Save organization"))


class OversightForm(Form):
    overseen = MultiCheckboxField(lazy_gettext("Organizations this authority oversees"), coerce=int)
    submit = SubmitField(lazy_gettext("Save oversight"))


class PersonForm(Form):
    full_name = StringField(
        lazy_gettext("Full name"),
        validators=[DataRequired(lazy_gettext("Enter the person's name.")), Length(max=160)],
    )
    email = EmailField(
        lazy_gettext("Email"), validators=[DataRequired(lazy_gettext("Enter an email address.")), Length(max=254)]
    )
    organization_id = SelectField(lazy_gettext("Organization"), coerce=int)
    job_function = SelectField(lazy_gettext("Job function"), choices=choices((j.value, j.label) for j in JobFunction))
    roles = MultiCheckboxField(lazy_gettext("Roles"), choices=choices((r.value, r.label) for r in Role))
    employee_number = StringField(
        lazy_gettext("Employee number"), description=lazy_gettext("Optional. Unique within the organization.")
    )
    base = StringField(lazy_gettext("Base"), description=lazy_gettext("Optional station code, e.g. NBO."))
    submit = SubmitField(lazy_gettext("Save person"))

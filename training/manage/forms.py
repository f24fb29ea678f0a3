from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from training.services.card_text import MAX_UNBROKEN
from training.services.contacts import CHANNELS
from training.web.forms import Form, choices


class ContactForm(Form):
    name = StringField(
        "Who",
        description="A role, e.g. Duty security manager or Airport police desk.",
        validators=[DataRequired("Say who this is."), Length(max=160)],
    )
    channel = SelectField("How to reach them", choices=choices(CHANNELS.items()))
    value = StringField(
        "Number, radio channel or address",
        description=f"The wallet card prints each number or address on one line: at most {MAX_UNBROKEN} characters.",
        validators=[DataRequired("Give the number or address."), Length(max=200)],
    )
    when_to_use = StringField(
        "When to use it",
        description="e.g. Suspected trafficking on the ground, at any hour.",
        validators=[DataRequired("Say when to use this contact."), Length(max=300)],
    )
    submit = SubmitField("Save contact")

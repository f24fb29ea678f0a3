from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from training.services.card_text import MAX_UNBROKEN
from training.services.contacts import CHANNELS
from training.web.forms import Form, choices


class ContactForm(Form):
    name = StringField(
        lazy_gettext("Who"),
        description=lazy_gettext("A role, e.g. Duty security manager or Airport police desk."),
        validators=[DataRequired(lazy_gettext("Say who this is.")), Length(max=160)],
    )
    # CHANNELS holds English (marked with N_); each is translated when the form is shown.
    channel = SelectField(
        lazy_gettext("How to reach them"), choices=choices((key, lazy_gettext(text)) for key, text in CHANNELS.items())
    )
    value = StringField(
        lazy_gettext("Number, radio channel or address"),
        description=lazy_gettext(
            "The wallet card prints each number or address on one line: at most %(count)s characters.",
            count=MAX_UNBROKEN,
        ),
        validators=[DataRequired(lazy_gettext("Give the number or address.")), Length(max=200)],
    )
    when_to_use = StringField(
        lazy_gettext("When to use it"),
        description=lazy_gettext("e.g. Suspected trafficking on the ground, at any hour."),
        validators=[DataRequired(lazy_gettext("Say when to use this contact.")), Length(max=300)],
    )
    submit = SubmitField(lazy_gettext("Save contact"))

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from training.web.forms import Form, choices


class CheckForm(Form):
    """A module's "check yourself" question (ungraded, instant feedback, no JavaScript needed)."""

    answer = RadioField(_l("Your answer"), validators=[InputRequired(_l("Choose an answer."))])
    submit = SubmitField(_l("Check my answer"))

    @classmethod
    def for_check(cls, check: dict, formdata: object = None) -> CheckForm:
        form = cls(formdata=formdata) if formdata is not None else cls()
        form.answer.choices = choices((o["id"], o["text"]) for o in check["options"])
        return form

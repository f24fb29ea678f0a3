from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from training.web.forms import Form


class SerialForm(Form):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    serial = StringField(
        _l("Certificate serial"),
        description=_l("As printed on the certificate, e.g. %(serial)s.", serial="7K3M-QX9A-2HTD-VE"),
    )
    submit = SubmitField(_l("Verify"))


class UploadForm(Form):
    pdf = FileField(_l("Certificate PDF"), validators=[FileRequired(_l("Choose the PDF file to compare."))])
    submit = SubmitField(_l("Compare with the issued certificate"))


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Kept on record and shown on the verification page as the revocation date only."),
        validators=[DataRequired(_l("Say why the certificate is revoked.")), Length(max=500)],
    )
    submit = SubmitField(_l("Revoke certificate"))

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from training.web.forms import Form


class SerialForm(Form):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    serial = StringField("Certificate serial", description="As printed on the certificate, e.g. 7K3M-QX9A-2HTD-VE.")
    submit = SubmitField("Verify")


class UploadForm(Form):
    pdf = FileField("Certificate PDF", validators=[FileRequired("Choose the PDF file to compare.")])
    submit = SubmitField("Compare with the issued certificate")


class RevokeForm(Form):
    reason = TextAreaField(
        "Reason",
        description="Kept on record and shown on the verification page as the revocation date only.",
        validators=[DataRequired("Say why the certificate is revoked."), Length(max=500)],
    )
    submit = SubmitField("Revoke certificate")

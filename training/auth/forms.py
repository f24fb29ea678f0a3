from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from training.services.passwords import MAX_LENGTH, MIN_LENGTH
from training.web.forms import Form


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=MAX_LENGTH)]
    )
    submit = SubmitField(_l("Sign in"))


class _NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        description=_l(
            "At least %(min)s characters. A short sentence is easy to remember and hard to guess.", min=MIN_LENGTH
        ),
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use %(min)s to %(max)s characters.", min=MIN_LENGTH, max=MAX_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
    )


class SetPasswordForm(_NewPasswordMixin, Form):
    submit = SubmitField(_l("Set my password"))


class ChangePasswordForm(_NewPasswordMixin, Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("Enter your email address.")), Length(max=254)])
    submit = SubmitField(_l("Email me a link"))


class LogoutForm(Form):
    submit = SubmitField(_l("Sign out"))

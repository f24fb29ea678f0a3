from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from training.services.passwords import MAX_LENGTH, MIN_LENGTH
from training.web.forms import Form


class LoginForm(Form):
    email = EmailField(
        lazy_gettext("Email"),
        validators=[DataRequired(message=lazy_gettext("Enter your email address.")), Length(max=254)],
    )
    password = PasswordField(
        lazy_gettext("Password"),
        validators=[DataRequired(message=lazy_gettext("Enter your password.")), Length(max=MAX_LENGTH)],
    )
    submit = SubmitField(lazy_gettext("Sign in"))


class _NewPasswordMixin:
    password = PasswordField(
        lazy_gettext("New password"),
        description=lazy_gettext(
            "At least %(min)s characters. A short sentence is easy to remember and hard to guess.", min=MIN_LENGTH
        ),
        validators=[
            DataRequired(message=lazy_gettext("Choose a password.")),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=lazy_gettext("Use %(min)s to %(max)s characters.", min=MIN_LENGTH, max=MAX_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        lazy_gettext("Repeat the new password"),
        validators=[
            DataRequired(message=lazy_gettext("Repeat the password.")),
            EqualTo("password", lazy_gettext("The two passwords differ.")),
        ],
    )


class SetPasswordForm(_NewPasswordMixin, Form):
    submit = SubmitField(lazy_gettext("Set my password"))


class ChangePasswordForm(_NewPasswordMixin, Form):
    current_password = PasswordField(
        lazy_gettext("Current password"), validators=[DataRequired(lazy_gettext("Enter your current password."))]
    )
    submit = SubmitField(lazy_gettext("Change password"))


class ForgotPasswordForm(Form):
    email = EmailField(
        lazy_gettext("Email"),
        validators=[DataRequired(message=lazy_gettext("Enter your email address.")), Length(max=254)],
    )
    submit = SubmitField(lazy_gettext("Email me a link"))


class LogoutForm(Form):
    submit = SubmitField(lazy_gettext("Sign out"))

from __future__ import annotations

from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from training.services.passwords import MAX_LENGTH, MIN_LENGTH
from training.web.forms import Form


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(message="Enter your password."), Length(max=MAX_LENGTH)]
    )
    submit = SubmitField("Sign in")


class _NewPasswordMixin:
    password = PasswordField(
        "New password",
        description=f"At least {MIN_LENGTH} characters. A short sentence is easy to remember and hard to guess.",
        validators=[
            DataRequired(message="Choose a password."),
            Length(min=MIN_LENGTH, max=MAX_LENGTH, message=f"Use {MIN_LENGTH} to {MAX_LENGTH} characters."),
        ],
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(message="Repeat the password."), EqualTo("password", "The two passwords differ.")],
    )


class SetPasswordForm(_NewPasswordMixin, Form):
    submit = SubmitField("Set my password")


class ChangePasswordForm(_NewPasswordMixin, Form):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    submit = SubmitField("Change password")


class ForgotPasswordForm(Form):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])
    submit = SubmitField("Email me a link")


class LogoutForm(Form):
    submit = SubmitField("Sign out")

"""Form pieces shared by several blueprints."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, SelectMultipleField, SubmitField, widgets
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice (accessible as a fieldset in the templates)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class Form(FlaskForm):
    """The base of every form: its CSRF token renders without an id, so a page may hold several forms."""

    class Meta:
        def render_field(self, field: Field, render_kw: dict[str, object]) -> Markup:
            if isinstance(field, CSRFTokenField):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)  # type: ignore[misc]


class ConfirmForm(Form):
    """A form with nothing but its CSRF token: confirms a destructive or sensitive act."""

    submit = SubmitField("Confirm")


class WholeNumberRange:
    """Validates an integer between ``low`` and ``high`` by integer comparison.

    WTForms' ``NumberRange`` converts to float first, so a number of a few hundred digits raises
    ``OverflowError`` (a 500) instead of failing validation.
    """

    def __init__(self, low: int, high: int, message: str) -> None:
        self.low, self.high, self.message = low, high, message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not isinstance(field.data, int) or not self.low <= field.data <= self.high:
            raise ValidationError(self.message)

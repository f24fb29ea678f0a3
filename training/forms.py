"""Form pieces shared by several blueprints."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField, widgets
from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice (accessible as a fieldset in the templates)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: confirms a destructive or sensitive act."""

    submit = SubmitField("Confirm")

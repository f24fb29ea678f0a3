"""Form pieces shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField, widgets


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice (accessible as a fieldset in the templates)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: confirms a destructive or sensitive act."""

    submit = SubmitField("Confirm")

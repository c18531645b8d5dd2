"""Every form in Hearth is drawn by the project's templates: each error beside its field, the
field marked invalid and described by its help and its error."""

from __future__ import annotations

import re

from django import forms


class Example(forms.Form):
    name = forms.CharField(label="Your name", help_text="As your partner knows you.")
    reminders = forms.BooleanField(label="Email me reminders", required=False)
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("Something about the whole form.")


def test_a_fields_error_sits_beside_it_and_describes_it() -> None:
    html = str(Example(data={"name": ""}))
    field = html[html.index('<div class="field has-error">') :]
    field = field[: field.index("</div>", field.index("<input")) + 6]
    assert "Your name" in field
    assert "This field is required." in field
    control = re.search(r"<input[^>]*name=\"name\"[^>]*>", field)
    assert control is not None
    assert 'aria-invalid="true"' in control.group()
    described = re.search(r'aria-describedby="([^"]+)"', control.group())
    assert described is not None
    ids = described.group(1).split()
    assert ids == ["id_name_helptext", "id_name_error"]
    assert 'id="id_name_error"' in field
    assert 'id="id_name_helptext"' in field


def test_an_error_of_the_whole_form_is_an_alert_above_the_fields() -> None:
    html = str(Example(data={"name": "Alice"}))
    alert = html.index('<div class="form-errors" role="alert">')
    assert alert < html.index("Your name")
    assert "Something about the whole form." in html[alert : html.index("Your name")]


def test_a_checkbox_sits_inside_its_visible_label() -> None:
    html = str(Example())
    assert re.search(
        r'<label for="id_reminders"><input type="checkbox" name="reminders"[^>]*> Email me reminders</label>',
        html,
    ), html


def test_a_group_of_checkboxes_is_a_fieldset_with_a_legend() -> None:
    html = str(Example())
    assert re.search(r'<fieldset class="field">\s*<legend[^>]*>Days:?</legend>', html), html

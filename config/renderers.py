"""How Hearth draws its forms: one field template for every field, so each error sits beside
the field it is about (docs/design.md)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class HearthFormRenderer(TemplatesSetting):
    """The project's templates draw forms and fields; Django's own draw the widgets."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"

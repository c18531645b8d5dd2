from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this erases my account and what I kept private, for good."),
        error_messages={
            "required": _("Tick the box to confirm. Nothing has been deleted."),
        },
    )

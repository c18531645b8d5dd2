from __future__ import annotations

from django import forms

from notices.models import NoticePreference


class NoticeEmailForm(forms.ModelForm[NoticePreference]):
    # The settings page holds the pause email's "email_me" too.
    prefix = "notice"

    class Meta:
        model = NoticePreference
        fields = ("email_me",)

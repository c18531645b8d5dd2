"""Reads of notices for pages that other apps own (/settings/). Template tags call these and
build nothing themselves."""

from __future__ import annotations

from couples.models import User
from notices.forms import NoticeEmailForm
from notices.models import NoticePreference


def notice_email_form(user: User) -> NoticeEmailForm:
    """The settings form for notice emails, showing what `user` chose (one query)."""
    return NoticeEmailForm(initial={"email_me": NoticePreference.wants_email(user)})

"""Each limit of agreements and pauses is defined once (agreements/limits.py); pages, forms,
emails and messages say it in words from there."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from agreements.limits import (
    DECLINE_COOLDOWN,
    PAUSE_MAX,
    PAUSE_MIN,
    PROPOSAL_LIFETIME,
    in_words,
)


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (PAUSE_MIN, "20 minutes"),
        (PAUSE_MAX, "24 hours"),
        (PROPOSAL_LIFETIME, "14 days"),
        (DECLINE_COOLDOWN, "7 days"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=90), "90 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(days=2), "2 days"),
    ],
)
def test_a_limit_reads_as_people_say_it(span: timedelta, words: str) -> None:
    assert in_words(span) == words


RESTATED = re.compile(r"\b(20 minutes|24 hours|14 days|7 days|1440)\b")


def test_no_code_page_or_email_of_agreements_restates_a_limit_in_its_own_words() -> None:
    root = Path(settings.BASE_DIR)
    sources = [
        *(root / "agreements").glob("*.py"),
        *(root / "agreements" / "templatetags").glob("*.py"),
        *(root / "templates" / "agreements").glob("*"),
        *(root / "templates" / "emails").glob("agreement-*"),
        *(root / "templates" / "emails").glob("pause-*"),
    ]
    restated = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for path in sources
        if path.name != "limits.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if RESTATED.search(line)
    ]
    assert restated == []

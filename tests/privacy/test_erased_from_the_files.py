"""A deleted account's private words are gone from the database's files, not only from its
rows: SQLite overwrites deleted rows with zeros (`secure_delete`) and the write-ahead log is
emptied into the file after the erasure (core/erasure.py). PostgreSQL keeps them for a while
where SQLite does not: SECURITY.md says where, for how long, and what an operator does."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from checkins.models import CheckIn, Entry, current_week
from couples.models import Couple, User
from tests.factories import PASSWORD
from toolkit.models import SavedTopic, TriggerScript

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the files scanned are SQLite's"
)


def files_holding(word: str) -> list[str]:
    """The database file and its write-ahead log, each named if `word` is in its bytes."""
    database = Path(connection.settings_dict["NAME"])
    found = []
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists() and word.encode() in path.read_bytes():
            found.append(path.name)
    return found


@pytest.mark.django_db(transaction=True)
def test_a_deleted_accounts_private_words_are_in_neither_the_database_file_nor_its_log(
    couple: Couple, alice: User
) -> None:
    draft, script, topic, note = planted = [
        f"{kind}-{secrets.token_hex(12)}" for kind in ("draft", "script", "topic", "note")
    ]
    checkin = CheckIn.objects.create(couple=couple, week_start=current_week(couple))
    Entry.objects.create(checkin=checkin, author=alice, small_win=draft, challenge="A long week.")
    TriggerScript.objects.create(
        couple=couple, author=alice, when_i_notice=script, i_will="Breathe."
    )
    SavedTopic.objects.create(couple=couple, author=alice, topic=topic, note=note)
    assert all(files_holding(word) for word in planted)

    # Signed in a moment ago: deleting asks for nothing more.
    client = Client()
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    response = client.post("/settings/delete/", {"confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert {word: files_holding(word) for word in planted} == {word: [] for word in planted}

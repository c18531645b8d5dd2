"""A deleted account's private words are gone from the database's files, not only from its
rows: SQLite overwrites deleted rows with zeros (`secure_delete`) and the write-ahead log is
emptied into the file after the erasure (core/erasure.py). PostgreSQL keeps them for a while
where SQLite does not: SECURITY.md says where, for how long, and what an operator does.

The scenario runs in a process of its own on a SQLite file of its own, so the suite checks it
whichever database it runs on."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCENARIO = """
import json, sys
from pathlib import Path

import django

django.setup()
from django.core.management import call_command
from django.db import connection

from checkins.models import CheckIn, Entry, current_week
from couples.models import User
from couples.services import create_couple
from privacy.services import delete_account
from toolkit.models import SavedTopic, TriggerScript

call_command("migrate", verbosity=0)
draft, script, topic, note = planted = json.loads(sys.argv[1])
database = Path(connection.settings_dict["NAME"])


def files_holding(word):
    return [
        path.name
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists() and word.encode() in path.read_bytes()
    ]


alice = User.objects.create_user("alice@example.com", "a calm evening walk", display_name="Alice")
couple = create_couple(user=alice, name="Alice's space", time_zone="Europe/Berlin")
checkin = CheckIn.objects.create(couple=couple, week_start=current_week(couple))
Entry.objects.create(checkin=checkin, author=alice, small_win=draft, challenge="A long week.")
TriggerScript.objects.create(couple=couple, author=alice, when_i_notice=script, i_will="Breathe.")
SavedTopic.objects.create(couple=couple, author=alice, topic=topic, note=note)
# As SQLite does on its own once the log grows: the words now sit in the database file itself.
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
before = {word: files_holding(word) for word in planted}
delete_account(user=alice)
after = {word: files_holding(word) for word in planted}
print(json.dumps({"before": before, "after": after, "users": User.objects.count()}))
"""


def test_a_deleted_accounts_private_words_are_in_neither_the_database_file_nor_its_log(
    tmp_path: Path,
) -> None:
    planted = [f"{kind}-{secrets.token_hex(12)}" for kind in ("draft", "script", "topic", "note")]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "HEARTH_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO, json.dumps(planted)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["before"] == {word: ["hearth.sqlite3"] for word in planted}
    assert found["users"] == 0
    assert found["after"] == {word: [] for word in planted}

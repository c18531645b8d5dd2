"""Erasing from the files, not only from the rows. On SQLite every connection runs with
`secure_delete` (config/settings.py), so a deleted row's bytes are overwritten with zeros in
the database file; but the pages that held them are still in the write-ahead log until a
checkpoint copies the log into the file and empties it. On PostgreSQL the server keeps them
(dead tuples, its WAL, backups): SECURITY.md says for how long and what an operator does."""

from __future__ import annotations

from django.db import connections


def empty_the_log(using: str = "default") -> None:
    """Copies SQLite's write-ahead log into the database file and truncates it to nothing, so
    the words an erasure just zeroed are left in neither. Waits (the connection's timeout) for
    other connections' reads to finish; nothing to do on PostgreSQL."""
    connection = connections[using]
    # Inside a transaction SQLite refuses to checkpoint, and what it would write is not yet
    # committed: callers run this on commit (as a test's unfinished transaction never does).
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

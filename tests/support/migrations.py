"""Migration tests: a database as it was before a change, brought back to today's schema."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: Sequence[tuple[str, str | None]]) -> MigrationExecutor:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)  # a fresh one knows what is applied now


def latest() -> list[tuple[str, str | None]]:
    leaves: list[tuple[str, str | None]] = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return leaves


@contextmanager
def migrated_back_to(targets: Sequence[tuple[str, str | None]]) -> Iterator[MigrationExecutor]:
    """The schema at `targets`; the latest schema comes back afterwards, whatever happens, since
    the rest of the suite needs it."""
    ends = latest()
    try:
        yield migrate(targets)
    finally:
        migrate(ends)

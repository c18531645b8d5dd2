"""Every shortcut Hearth takes around Django's ordinary ORM for speed, in one place.

A shortcut stays here only while a figure says it pays (each names its figure); one that stops
paying goes back to the ordinary ORM. The polls are not here: measured side by side, their
ORM queries cost what the hand-written SQL did (bench/RESULTS.md, "One fast path"), so they are
ordinary querysets behind Django's own authentication.

- `loaded`: a model instance built from columns another query already read.
"""

from __future__ import annotations

from django.db import models


def loaded[M: models.Model](model: type[M], db: str | None, **values: object) -> M:
    """An instance of `model` as if read from `db` with just `values` (its other fields load
    when first read), made from columns another query already read (`Model.from_db`).

    Figure: the week's check-in page opens in 10 queries (bench/RESULTS.md, `make
    bench-profile`, "this week's check-in"; tests/checkins/test_queries.py); reading the
    prompt on offer with the week instead of on its own keeps it one query fewer."""
    return model.from_db(db, list(values), list(values.values()))

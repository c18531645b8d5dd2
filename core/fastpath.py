"""Every shortcut Hearth takes around Django's ordinary ORM for speed, in one place.

A shortcut stays here only while a figure says it pays (each names its figure, from
bench/RESULTS.md, "One fast path" and "The heaviest pages"); one that stops paying goes back to
the ordinary ORM. tests/core/test_fastpath.py holds each to what the ORM reads.

- `week_progress`: the status poll's query, as SQL. The status poll signs in through
  `request.user` like every view.
- `pause_stamp`, `session_user_id`, `session_is_valid`: the banner poll's unchanged answer,
  from the session and one SQL query that also checks it; anything else takes the full path.
- `loaded`: a model instance built from columns another query already read.
- `week_row`: what the home page (and the turn email) know of a member's week, as SQL.
- `week_page`: the week page's own week, with what `CheckInQuerySet.for_week_page` and
  `with_prompt_on_offer` read with it, as SQL through `Manager.raw`.
- `latest_of_couple`: the pause banner's read on every page of a member (the couple's latest
  pause), as SQL through `Manager.raw`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connections, models
from django.db.models import BooleanField, DateTimeField, Field, Value
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare


def _table(label: str) -> str:
    return connections["default"].ops.quote_name(apps.get_model(label)._meta.db_table)


@cache
def _week_progress_sql() -> str:
    # One row per entry of the week (one row without an entry when it has none): the week's
    # reveal, each entry's author and share, and whether that author is in the couple now.
    membership, checkin, entry = (
        _table(label) for label in ("couples.Membership", "checkins.CheckIn", "checkins.Entry")
    )
    return (
        "SELECT checkin.revealed_at, entry.author_id, entry.shared_at,"  # noqa: S608 (names from models)
        " author.couple_id = checkin.couple_id"
        f" FROM {membership} AS asking"
        f" JOIN {checkin} AS checkin ON checkin.couple_id = asking.couple_id"
        f" LEFT JOIN {entry} AS entry ON entry.checkin_id = checkin.id"
        f" LEFT JOIN {membership} AS author ON author.user_id = entry.author_id"
        " WHERE asking.user_id = %s AND checkin.week_start = %s"
    )


def week_progress(
    *, user_id: int, week_start: date, using: str = "default"
) -> list[tuple[datetime | None, int | None, datetime | None, bool | None]]:
    """The rows `checkins.models.CheckInQuerySet.poll` reads: for the week starting
    `week_start` of `user_id`'s couple, its `revealed_at`, then each entry's author, `shared_at`
    and whether the author is in the couple now; no rows when the couple has no such week.

    Figure: every open week page asks every few seconds. Signed in through `request.user`, the
    unchanged poll took 2.06 ms with this SQL and 4.70 ms with the same query through the ORM
    (a subquery for the couple, an Exists for each author), next to 1.70 ms for a bare
    signed-in htmx view (bench/RESULTS.md, "One fast path")."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            _week_progress_sql(), [user_id, connection.ops.adapt_datefield_value(week_start)]
        )
        rows: list[tuple[datetime | None, int | None, datetime | None, bool | None]]
        rows = cursor.fetchall()  # the DB-API's rows are untyped; the SQL above selects these
        return rows


@cache
def _pause_stamp_sql() -> str:
    # The left join gives one row with no pause, and none without a couple (a person has at
    # most one membership).
    membership, user, pause = (
        _table(label) for label in ("couples.Membership", "couples.User", "agreements.PauseSignal")
    )
    return (
        f"SELECT p.id, p.version, u.password, u.is_active FROM {membership} m"  # noqa: S608 (names from models)
        f" JOIN {user} u ON u.id = m.user_id"
        f" LEFT JOIN {pause} p ON p.couple_id = m.couple_id"
        " WHERE m.user_id = %s ORDER BY p.id DESC LIMIT 1"
    )


@dataclass(frozen=True)
class PauseStamp:
    pause_id: int | None
    version: int | None
    # The person's password hash and whether they may sign in, for `session_is_valid`.
    password: str
    is_active: bool


def pause_stamp(user_id: int) -> PauseStamp | None:
    """The id and version of the latest pause of `user_id`'s couple (None, None without a
    pause), with what checks their session; None when they are in no couple.

    Figure: every open page of a member asks every few seconds, and nearly always nothing
    changed. Answered from the session and this one query, the unchanged poll took 1.37 ms;
    through `request.user` and this query 1.80 ms, through `request.user` and the ORM 2.39 ms,
    next to 1.70 ms for a bare signed-in htmx view (bench/RESULTS.md, "One fast path")."""
    with connections["default"].cursor() as cursor:
        cursor.execute(_pause_stamp_sql(), [user_id])
        row = cursor.fetchone()
    return None if row is None else PauseStamp(row[0], row[1], row[2], bool(row[3]))


def session_user_id(request: HttpRequest) -> int | None:
    """The id of the person the session says is signed in, unchecked: only
    `session_is_valid` makes it a signed-in person."""
    user_id = request.session.get(SESSION_KEY)
    return None if user_id is None else int(user_id)


def session_is_valid(request: HttpRequest, *, password: str, is_active: bool) -> bool:
    """Django's own check of a signed-in session (`django.contrib.auth.get_user`), made on the
    password hash `pause_stamp` read instead of on a whole user: the sign-in backend is still
    configured, the account may sign in, and the session was made with the current password
    (a password change ends every other session). Anything less takes the full path, which
    also ends a stale session."""
    session_hash = str(request.session.get(HASH_SESSION_KEY) or "")
    return (
        is_active
        and bool(session_hash)
        and request.session.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
        and constant_time_compare(
            session_hash,
            apps.get_model(settings.AUTH_USER_MODEL)(password=password).get_session_auth_hash(),
        )
    )


def loaded[M: models.Model](model: type[M], db: str | None, **values: object) -> M:
    """An instance of `model` as if read from `db` with just `values` (its other fields load
    when first read), made from columns another query already read (`Model.from_db`).

    Figure: the week's check-in page opens in 10 queries (bench/RESULTS.md, `make
    bench-profile`, "this week's check-in"; tests/checkins/test_queries.py); reading the
    prompt on offer with the week instead of on its own keeps it one query fewer."""
    return model.from_db(db, list(values), list(values.values()))


@cache
def _week_row_sql() -> str:
    # The reader's membership row, so the one row is there whether or not the week has begun;
    # the week (if any) joined to it, and what each partner did in it read from its id.
    membership, checkin, entry, reflection, preference, value = (
        _table(label)
        for label in (
            "couples.Membership",
            "checkins.CheckIn",
            "checkins.Entry",
            "checkins.Reflection",
            "notices.NotificationPreference",
            "toolkit.SharedValue",
        )
    )
    entry_by = f"SELECT 1 FROM {entry} e WHERE e.checkin_id = w.id AND e.author_id = %s"  # noqa: S608 (names from models)
    heard = (
        f"SELECT r.answer FROM {reflection} r JOIN {entry} e ON e.id = r.entry_id"  # noqa: S608 (names from models)
        " WHERE e.checkin_id = w.id AND e.author_id = %s AND r.listener_id = %s"
        " ORDER BY r.created_at DESC, r.id DESC LIMIT 1"
    )
    return (
        "SELECT w.revealed_at IS NOT NULL, w.closed_at IS NOT NULL, w.next_step,"  # noqa: S608 (names from models)
        " w.next_step_by_id, w.next_step_at >= %s,"
        f" EXISTS({entry_by}),"
        f" EXISTS({entry_by} AND e.shared_at IS NOT NULL),"
        f" EXISTS({entry_by} AND e.shared_at IS NOT NULL),"
        f" ({heard}), ({heard}),"
        f" EXISTS(SELECT 1 FROM {preference} p WHERE p.user_id = %s AND p.asked),"
        f" EXISTS(SELECT 1 FROM {value} v WHERE v.couple_id = m.couple_id"
        " AND v.agreed_at IS NOT NULL)"
        f" FROM {membership} m"
        f" LEFT JOIN {checkin} w ON w.couple_id = m.couple_id AND w.week_start = %s"
        " WHERE m.id = %s"
    )


@dataclass(frozen=True)
class WeekRow:
    """A member's week as `checkins.selectors` reads it: statuses and answers, never words."""

    revealed: bool
    closed: bool
    next_step: str
    next_step_by_id: int | None
    # The step was chosen after the reader joined (else it was the former partners' week).
    step_seen: bool
    own_started: bool
    own_shared: bool
    partner_shared: bool
    # The answer to the latest paraphrase of the partner's challenge by the reader ("" while
    # unanswered), and of the reader's by the partner; None without one.
    i_heard: str | None
    they_heard: str | None
    # The reader answered how they want to hear from Hearth; the couple has values of its own.
    chose_hearing: bool
    has_values: bool


def week_row(
    *, membership_id: int, joined_at: datetime, me: int, partner: int, monday: date
) -> WeekRow:
    """The week starting `monday` of the couple of membership `membership_id` (whose member,
    `me`, joined at `joined_at`), as one row; `partner` is the other member's id (0 for none).

    Figure: the home page, the heaviest signed-in page, spent 9.6 of its 28 ms building this
    query's twelve subqueries through the ORM, and 0.03 ms running it (SQLite, `make
    bench-profile`'s data; bench/RESULTS.md, "The heaviest pages")."""
    connection = connections["default"]
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            _week_row_sql(),
            [
                ops.adapt_datetimefield_value(joined_at),
                *(me, me, partner),
                *(partner, me, me, partner),
                me,
                ops.adapt_datefield_value(monday),
                membership_id,
            ],
        )
        row = cursor.fetchone()
    assert row is not None, "a membership always has its row"
    revealed, closed, step, step_by, seen, started, shared, partner_shared, *rest = row
    i_heard, they_heard, chose, values = rest
    return WeekRow(
        revealed=bool(revealed),
        closed=bool(closed),
        next_step=step or "",
        next_step_by_id=step_by,
        step_seen=bool(seen),
        own_started=bool(started),
        own_shared=bool(shared),
        partner_shared=bool(partner_shared),
        i_heard=i_heard,
        they_heard=they_heard,
        chose_hearing=bool(chose),
        has_values=bool(values),
    )


def latest_of_couple[M: models.Model](model: type[M], couple_id: int) -> M | None:
    """The couple's latest row of `model` (the highest id), as
    `model.objects.filter(couple_id=...).order_by("-pk").first()` reads it, through
    `Manager.raw`: every column of the model's own, converted as the ORM converts them.

    Figure: every page of a member renders the pause banner, which reads the couple's latest
    pause: 0.9 ms through the ORM, 0.4 ms as this SQL (SQLite, `make bench-profile`'s data;
    bench/RESULTS.md, "The heaviest pages")."""
    table = connections["default"].ops.quote_name(model._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE couple_id = %s ORDER BY id DESC LIMIT 1"  # noqa: S608 (names from models)
    return next(iter(model._default_manager.raw(sql, [couple_id])), None)


@cache
def _week_page_sql() -> str:
    checkin, entry, membership, offer, prompt = (
        _table(label)
        for label in (
            "checkins.CheckIn",
            "checkins.Entry",
            "couples.Membership",
            "checkins.PromptOffer",
            "checkins.Prompt",
        )
    )
    # The partner's entry: by someone other than the reader who is in the week's couple now.
    partners = (
        f" FROM {entry} p JOIN {membership} pm ON pm.user_id = p.author_id"
        " WHERE p.checkin_id = w.id AND pm.couple_id = w.couple_id AND p.author_id <> %s"
    )
    return (
        "SELECT w.*,"  # noqa: S608 (names from models)
        f" (SELECT e.next_step FROM {checkin} e WHERE e.couple_id = w.couple_id"
        " AND e.week_start < w.week_start AND e.closed_at IS NOT NULL AND e.next_step_at >= %s"
        " ORDER BY e.week_start DESC LIMIT 1) AS last_step,"
        f" EXISTS(SELECT 1{partners}) AS partner_started,"
        f" (SELECT p.shared_at{partners} LIMIT 1) AS partner_shared_at,"
        " o.id AS on_offer_id, o.prompt_id AS on_offer_prompt_id,"
        " pr.category AS on_offer_category, pr.text AS on_offer_text,"
        " pr.couple_id AS on_offer_couple_id"
        f" FROM {checkin} w"
        f" LEFT JOIN {offer} o ON o.checkin_id = w.id AND o.outcome = ''"
        f" LEFT JOIN {prompt} pr ON pr.id = o.prompt_id"
        " WHERE w.couple_id = %s AND w.week_start = %s"
    )


def _converted(value: object, field: Field[object, object], using: str) -> object:
    """`value` as read from the database, converted as the ORM converts a column of `field`."""
    connection = connections[using]
    expression = Value(None, output_field=field)
    converters = connection.ops.get_db_converters(expression)
    for converter in converters + expression.get_db_converters(connection):
        value = converter(value, expression, connection)
    return value


def week_page[M: models.Model](
    model: type[M], *, couple_id: int, week_start: date, me: int, joined_at: datetime
) -> M | None:
    """The `model` (CheckIn) row of the couple's week starting `week_start`, or None, with the
    annotations that `CheckInQuerySet.for_week_page(membership)` and `.with_prompt_on_offer()`
    give it for member `me`, who joined at `joined_at`: `last_step`, `partner_started`,
    `partner_shared_at` and the prompt on offer (`on_offer_*`).

    Figure: the week page spent 4.7 of its 22 ms opening the week through the ORM (three
    subqueries and two joins built for every request), 0.5 ms as this SQL (SQLite, `make
    bench-profile`'s data; bench/RESULTS.md, "The heaviest pages")."""
    connection = connections["default"]
    ops = connection.ops
    rows = model._default_manager.raw(
        _week_page_sql(),
        [
            ops.adapt_datetimefield_value(joined_at),
            me,
            me,
            couple_id,
            ops.adapt_datefield_value(week_start),
        ],
    )
    found = next(iter(rows), None)
    if found is None:
        return None
    # `raw` converts the model's own columns; the others are converted as their fields'.
    for name, field in _WEEK_PAGE_FIELDS.items():
        setattr(found, name, _converted(getattr(found, name), field, "default"))
    return found


_WEEK_PAGE_FIELDS: dict[str, Field[object, object]] = {
    "partner_started": BooleanField(),
    "partner_shared_at": DateTimeField(),
}

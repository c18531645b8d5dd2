"""The outbox: every email Hearth owes someone on its own schedule (a reminder, the "something
new in your space" email, an email about one event: an agreement awaiting an answer, a pause, a
turn in the check-in, a repair follow-up, `notices.events`) is a row, claimed by one worker, sent at most once, with a stable
Message-ID.

Each kind keeps its own table, and the tables share one shape and this one send loop: a model
extends `core.models.Outbound` (when made, claimed, sent, Message-ID; the lease) and its service
calls `send` with the rows to send and how to write each email. A reminder row keeps its unique
(schedule, occurrence, recipient, offset) key and its missed and skipped outcomes, a notice email
the notices it tells of; one shared table would have moved rows between apps by migration and
needed a registry to turn a row back into its email, for no rule the two do not already share.

How `send` goes:
- It claims the rows it was given, each on its own terms as a conditional UPDATE would: still to
  send, and unclaimed or its holder's lease (`Outbound.LEASE`) ran out, so the rows of a worker
  that died are taken over; rows another worker is claiming at that moment are left to it.
- It sends them over one connection to the mail server and marks each sent (time and
  Message-ID) as soon as the server accepted it.
- It takes no new message once `settings.OUTBOX_SEND_SECONDS` have gone since the task started,
  well inside Celery's soft time limit, and releases the rows it did not reach; the caller
  enqueues them as a follow-up task. So a slow mail server never makes a task run into its time
  limit with accepted messages not yet marked sent (which the lease would then send again).
- A message the server refuses stops the send; the rows after it stay claimed and are taken
  over when the lease runs out.
- Rows whose task was lost (say Redis restarted without its data) are found by beat once
  unclaimed for `Outbound.REQUEUE_AFTER` and enqueued again.
- Quiet hours (notices/quiet.py): a row is not claimable before its `not_before`. A sender
  whose letters find the recipient inside their quiet hours releases the row with `not_before`
  set to their end, and beat's requeue sends it then (reminders). The "something new" email
  instead gathers nothing while its person is quiet, so what waited goes out as one email when
  the hours end. The person's choices are read again when the letter is written, so one who
  turned a kind off, left their space or deleted their account gets nothing still waiting.

The one repeat left: a worker killed after the server accepted a message and before the row
was marked sent. The repeat carries the same Message-ID (`Outbound.stable_message_id`), so mail
systems see one message.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from time import monotonic

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import Outbound


@dataclass(frozen=True)
class Outcome:
    sent: int
    # Claimed but not reached in time: released, for the caller to enqueue again.
    left: list[int]


def send[O: Outbound](
    rows: QuerySet[O],
    ids: Collection[int],
    *,
    now: datetime,
    letters: Callable[[list[O]], Iterable[tuple[O, EmailMultiAlternatives]]],
    started: float | None = None,
) -> Outcome:
    """Claim the rows of `rows` among `ids` and send what `letters` makes of them: it receives
    the claimed rows (loaded through `rows`, in id order), may settle some itself (a reminder
    that is no longer wanted), and yields (row, email) for each to send. `started` is when the
    task began (`time.monotonic()`), from which OUTBOX_SEND_SECONDS count; by default, now."""
    deadline = (monotonic() if started is None else started) + settings.OUTBOX_SEND_SECONDS
    model = rows.model
    with transaction.atomic():
        claimed = list(
            model._default_manager.filter(model.claimable(now), pk__in=ids)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if not claimed:
            return Outcome(sent=0, left=[])
        model._default_manager.filter(pk__in=claimed).update(claimed_at=now)
    # Ours until `now` + LEASE: every later write is conditional on still holding the claim.
    mine = model._default_manager.filter(pk__in=claimed, claimed_at=now)
    to_send = iter(letters(list(rows.filter(pk__in=claimed).order_by("pk"))))
    first = next(to_send, None)
    if first is None:
        return Outcome(sent=0, left=[])
    sent = 0
    with mailers.default as mailer:
        for row, message in chain([first], to_send):
            # At least one per task, so a follow-up always gets further than its predecessor.
            if sent and monotonic() >= deadline:
                break
            message.extra_headers["Message-ID"] = row.stable_message_id
            mailer.send_messages([message])
            mine.filter(pk=row.pk).update(
                sent_at=timezone.now(), message_id=row.stable_message_id, **model.ON_SENT
            )
            sent += 1
        else:
            return Outcome(sent=sent, left=[])
    unreached = mine.filter(model.unsent())
    left = list(unreached.values_list("pk", flat=True))
    unreached.update(claimed_at=None)
    return Outcome(sent=sent, left=left)

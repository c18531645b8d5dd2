"""What domain apps plug into, so the cross-cutting apps (privacy, notices) never import another
app's models. Each domain app registers its parts from its `AppConfig.ready()`, the way it
connects its `member_left` receiver; its export and erasure parts live in its `exports.py`.

- `export_section(name)`: a section of a person's export, called as `section(reader,
  membership)` and yielding one record (a dict) at a time, read through the model's
  `visible_to` so the file never holds more than the person can read in Hearth. privacy/ owns
  the order of the sections, their headings and the page; `reader` is an `ExportReader`.
- `export_account(name, related=...)`: keys an app adds to the export's account record, from
  the person's row loaded with `related` (one query for every part: `select_related`).
- `Children`, `CHUNK_SIZE`: how a section streams nested records without one query per parent.
- `eraser`: erases what was private to a person whose account is being deleted (rows deleted,
  not flagged), called inside the deletion's transaction after they left their couple.
- `readable(kind)`: which things of one notice kind a member may read now (notices/ asks before
  telling anyone about them); `readable_through(*kinds, visible_to=...)` registers a model's
  "what this member may read" selector for those kinds.
- `letter(name)`: what an app's email about one event says (`notices.models.EventEmail`): called
  as `part(thing_id, key, recipient)` when it is sent, it returns the template context, or None
  when the event is no longer worth telling (a pause that ended, a proposal answered).
- `MEMBERSHIP_ANNOTATIONS`: values an app adds to the one membership query every page makes
  (`couples.access.member_membership`), each an expression correlated on the member's
  `user_id`: what every page shows (the unread markers) costs no query of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from core.who import Who
    from couples.models import Membership, User

# Rows fetched per round trip; each kind of record holds at most this many in memory.
CHUNK_SIZE = 50

Record = dict[str, Any]


class ExportReader(Protocol):
    """The person exporting, as sections see them (`privacy.export.Reader`)."""

    @property
    def user(self) -> User: ...

    def who(self, user_id: int | None) -> Who: ...

    def who_if(self, happened: object, user_id: int | None) -> Who | None: ...


ExportSection = Callable[[ExportReader, "Membership"], Iterator[Record]]
AccountPart = Callable[["User"], Record]
Eraser = Callable[["User"], None]
Readable = Callable[["Membership", Iterable[int]], set[int]]

EXPORT_SECTIONS: dict[str, ExportSection] = {}
# name -> (the relations of the user row it reads, the part)
ACCOUNT_PARTS: dict[str, tuple[tuple[str, ...], AccountPart]] = {}
ERASERS: list[Eraser] = []
READABLE: dict[str, Readable] = {}
Letter = Callable[[int, str, "User"], dict[str, Any] | None]
LETTERS: dict[str, Letter] = {}
MEMBERSHIP_ANNOTATIONS: dict[str, Callable[[], Any]] = {}


def export_section(name: str) -> Callable[[ExportSection], ExportSection]:
    def register(section: ExportSection) -> ExportSection:
        EXPORT_SECTIONS[name] = section
        return section

    return register


def export_account(name: str, *, related: tuple[str, ...]) -> Callable[[AccountPart], AccountPart]:
    def register(part: AccountPart) -> AccountPart:
        ACCOUNT_PARTS[name] = (related, part)
        return part

    return register


def eraser(erase: Eraser) -> Eraser:
    if erase not in ERASERS:
        ERASERS.append(erase)
    return erase


def readable(kind: str) -> Callable[[Readable], Readable]:
    def register(check: Readable) -> Readable:
        READABLE[kind] = check
        return check

    return register


def letter(name: str) -> Callable[[Letter], Letter]:
    def register(part: Letter) -> Letter:
        LETTERS[name] = part
        return part

    return register


class Children[T]:
    """The rows of a child query, sorted by the same key as their parents, handed out parent by
    parent as both are walked (a week's entries, an agreement's versions): one query for all
    children, streamed. Rows whose parent the person cannot read are passed over."""

    def __init__(self, rows: Iterator[T], key: Callable[[T], Any]) -> None:
        self._rows = rows
        self._key = key
        self._next = next(rows, None)

    def of(self, key: Any) -> list[T]:
        found = []
        while self._next is not None and self._key(self._next) <= key:
            if self._key(self._next) == key:
                found.append(self._next)
            self._next = next(self._rows, None)
        return found


def readable_through(*kinds: str, visible_to: Callable[[Membership], QuerySet[Any]]) -> None:
    """Things of `kinds` are readable when `visible_to(membership)` holds them (their id is the
    thing's id). One check serves all the kinds, so notices/ asks once for them together."""

    def check(membership: Membership, ids: Iterable[int]) -> set[int]:
        return set(visible_to(membership).filter(pk__in=ids).values_list("pk", flat=True))

    for kind in kinds:
        READABLE[kind] = check
